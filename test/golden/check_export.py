#!/usr/bin/python3
"""Runs models exported by webgpu-rnn (test/golden/export-sample.ts) in PyTorch and checks
that torch.nn.LSTM / GRU / RNN give the same output from the same weights.

  npx vite-node test/golden/export-sample.ts /tmp/export && /usr/bin/python3 test/golden/check_export.py /tmp/export
"""
import glob
import json
import os
import struct
import sys

import numpy
import torch


def read_safetensors(path):
    with open(path, 'rb') as f:
        (length,) = struct.unpack('<Q', f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    metadata = header.pop('__metadata__', {})
    tensors = {}
    for name, info in header.items():
        begin, end = info['data_offsets']
        assert info['dtype'] == 'F32'
        tensors[name] = torch.from_numpy(numpy.frombuffer(data[begin:end], dtype='<f4').copy().reshape(info['shape']))
    return tensors, metadata


failures = 0
for path in sorted(glob.glob(os.path.join(sys.argv[1], '*.export.safetensors'))):
    tensors, metadata = read_safetensors(path)
    config = json.loads(metadata['config'])
    common = dict(input_size=config['input_size'], hidden_size=config['hidden_size'],
                  num_layers=config['num_layers'], bidirectional=config['bidirectional'])
    module = {'lstm': torch.nn.LSTM, 'gru': torch.nn.GRU}.get(config['cell'])
    module = module(**common) if module else torch.nn.RNN(nonlinearity=config['nonlinearity'], **common)
    module.load_state_dict({k[len('weights.'):]: v for k, v in tensors.items() if k.startswith('weights.')}, strict=True)
    with torch.no_grad():
        output, state = module(tensors['input'])
    h_n = state[0] if config['cell'] == 'lstm' else state
    error = max((output - tensors['output']).abs().max().item(), (h_n - tensors['h_n']).abs().max().item())
    ok = error <= 1e-5
    failures += 0 if ok else 1
    print(f"{'ok  ' if ok else 'FAIL'} {os.path.basename(path)}: max abs difference from torch {error:.2e}")
sys.exit(1 if failures else 0)
