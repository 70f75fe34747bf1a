#!/usr/bin/python3
"""Golden files from PyTorch's own recurrent modules, for the tests in test/golden.test.ts.

Run with Debian's python3-torch:  /usr/bin/python3 test/golden/make_golden.py
Each case becomes test/golden/<name>.safetensors holding, in float32:
  input, h0, c0              what went in (input in the module's own layout)
  weights.<name>             the module's state_dict
  output, h_n, c_n           what came out (packed-sequence semantics when lengths are given)
  loss.output, loss.h_n, loss.c_n
                             a fixed projection: loss = Σ output·loss.output + Σ h_n·loss.h_n + Σ c_n·loss.c_n
  grad.input, grad.h0, grad.c0, grad.weights.<name>
                             gradients of that loss
and its configuration as JSON in the metadata entry "config".
"""
import json
import os
import struct

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

HERE = os.path.dirname(os.path.abspath(__file__))

CASES = [
    dict(name='lstm_l2_bi_lengths', cell='lstm', input_size=5, hidden_size=8, num_layers=2, bidirectional=True,
         batch_first=False, bias=True, steps=7, batch=3, lengths=[7, 4, 1], h0=True),
    dict(name='lstm_l1_h64', cell='lstm', input_size=12, hidden_size=64, num_layers=1, bidirectional=False,
         batch_first=False, bias=True, steps=20, batch=4, lengths=None, h0=False),
    dict(name='gru_l1_batch_first', cell='gru', input_size=4, hidden_size=16, num_layers=1, bidirectional=False,
         batch_first=True, bias=True, steps=9, batch=2, lengths=None, h0=True),
    dict(name='gru_l2_bi_lengths', cell='gru', input_size=3, hidden_size=6, num_layers=2, bidirectional=True,
         batch_first=False, bias=True, steps=6, batch=4, lengths=[2, 6, 5, 1], h0=False),
    dict(name='rnn_tanh_l2_bi_lengths', cell='rnn', nonlinearity='tanh', input_size=3, hidden_size=6, num_layers=2,
         bidirectional=True, batch_first=False, bias=True, steps=5, batch=4, lengths=[5, 3, 1, 4], h0=True),
    dict(name='rnn_relu_l1_nobias', cell='rnn', nonlinearity='relu', input_size=3, hidden_size=5, num_layers=1,
         bidirectional=False, batch_first=True, bias=False, steps=6, batch=2, lengths=None, h0=False),
]


def module_for(case):
    common = dict(input_size=case['input_size'], hidden_size=case['hidden_size'], num_layers=case['num_layers'],
                  bias=case['bias'], batch_first=case['batch_first'], bidirectional=case['bidirectional'])
    if case['cell'] == 'lstm':
        return torch.nn.LSTM(**common)
    if case['cell'] == 'gru':
        return torch.nn.GRU(**common)
    return torch.nn.RNN(nonlinearity=case['nonlinearity'], **common)


def write_safetensors(path, tensors, metadata):
    header = {'__metadata__': metadata}
    offset = 0
    blobs = []
    for name, tensor in tensors.items():
        data = tensor.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(tensor.shape), 'data_offsets': [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    encoded = json.dumps(header).encode('utf-8')
    encoded += b' ' * ((8 - (8 + len(encoded)) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)


def make(case, seed):
    torch.manual_seed(seed)
    module = module_for(case)
    T, B, H = case['steps'], case['batch'], case['hidden_size']
    D = 2 if case['bidirectional'] else 1
    shape = (B, T, case['input_size']) if case['batch_first'] else (T, B, case['input_size'])
    x = torch.randn(*shape, requires_grad=True)
    state_shape = (case['num_layers'] * D, B, H)
    h0 = (0.5 * torch.randn(*state_shape)).requires_grad_() if case['h0'] else torch.zeros(*state_shape, requires_grad=True)
    c0 = (0.5 * torch.randn(*state_shape)).requires_grad_() if case['h0'] else torch.zeros(*state_shape, requires_grad=True)
    hidden = (h0, c0) if case['cell'] == 'lstm' else h0

    if case['lengths'] is not None:
        packed = pack_padded_sequence(x, torch.tensor(case['lengths']), batch_first=case['batch_first'], enforce_sorted=False)
        packed_out, state = module(packed, hidden)
        output, _ = pad_packed_sequence(packed_out, batch_first=case['batch_first'], total_length=T)
    else:
        output, state = module(x, hidden)
    h_n, c_n = state if case['cell'] == 'lstm' else (state, None)

    tensors = {'input': x}
    if case['h0']:
        tensors['h0'] = h0
        if case['cell'] == 'lstm':
            tensors['c0'] = c0
    for name, value in module.state_dict().items():
        tensors['weights.' + name] = value
    tensors['output'] = output
    tensors['h_n'] = h_n
    if c_n is not None:
        tensors['c_n'] = c_n

    projections = {'output': torch.randn(*output.shape), 'h_n': torch.randn(*h_n.shape)}
    loss = (output * projections['output']).sum() + (h_n * projections['h_n']).sum()
    if c_n is not None:
        projections['c_n'] = torch.randn(*c_n.shape)
        loss = loss + (c_n * projections['c_n']).sum()
    loss.backward()
    for name, value in projections.items():
        tensors['loss.' + name] = value
    tensors['grad.input'] = x.grad
    tensors['grad.h0'] = h0.grad
    if case['cell'] == 'lstm':
        tensors['grad.c0'] = c0.grad
    for name, parameter in module.named_parameters():
        tensors['grad.weights.' + name] = parameter.grad

    config = {k: v for k, v in case.items() if k != 'name'}
    metadata = {'config': json.dumps(config), 'torch': torch.__version__, 'seed': str(seed)}
    write_safetensors(os.path.join(HERE, case['name'] + '.safetensors'), tensors, metadata)
    print('wrote', case['name'], {k: list(v.shape) for k, v in tensors.items() if not k.startswith(('weights', 'grad.weights'))})


if __name__ == '__main__':
    for index, case in enumerate(CASES):
        make(case, 1000 + index)
