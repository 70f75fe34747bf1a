#!/usr/bin/python3
"""ONNX files for the ONNX Runtime peers (bench/ort.ts): one nn.LSTM / nn.GRU per shape.

Reads the shapes as JSON on stdin (as bench/torch_anchor.py does) or as the first argument,
writes bench/out/onnx/<name>.onnx (time-major input x [T, B, I], output y [T, B, H], T
dynamic so a peer can run fewer steps), and prints JSON on stdout:
  [{"name": ..., "path": ..., "ops": [op types in graph order]}, ...]
Exits non-zero unless each graph holds exactly one LSTM or GRU node.
"""
import json
import os
import sys
import warnings

import torch

# The exporter warns about varying the batch with zero initial states and about its own shape
# inference; only T varies here, and each file is checked below.
warnings.filterwarnings('ignore', category=UserWarning)

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'out', 'onnx')


def varint(data, i):
    value, shift = 0, 0
    while True:
        byte = data[i]
        value |= (byte & 0x7F) << shift
        i += 1
        shift += 7
        if byte < 0x80:
            return value, i


def fields(data):
    """(field number, bytes) of a protobuf message's length-delimited fields; others skipped."""
    i = 0
    while i < len(data):
        key, i = varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, i = varint(data, i)
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        elif wire == 2:
            length, i = varint(data, i)
            yield number, data[i:i + length]
            i += length
        else:
            raise ValueError(f'unexpected protobuf wire type {wire}')


def op_types(path):
    """Node op types of an ONNX model, read without the onnx package (not in Debian's torch)."""
    with open(path, 'rb') as f:
        model = f.read()
    graph = next(body for number, body in fields(model) if number == 7)  # ModelProto.graph
    nodes = [body for number, body in fields(graph) if number == 1]  # GraphProto.node
    return [next(body for number, body in fields(node) if number == 4).decode() for node in nodes]  # NodeProto.op_type


def export(shape):
    torch.manual_seed(1)
    module = (torch.nn.LSTM if shape['cell'] == 'lstm' else torch.nn.GRU)(shape['inputSize'], shape['hiddenSize']).eval()

    class Sequence(torch.nn.Module):
        """The full output sequence only. Zero initial states as buffers become initializers,
        where nn.LSTM's own would be built from x's shape by extra Shape/ConstantOfShape nodes."""

        def __init__(self):
            super().__init__()
            self.rnn = module
            self.register_buffer('h0', torch.zeros(1, shape['batch'], shape['hiddenSize']))

        def forward(self, x):
            return self.rnn(x, (self.h0, self.h0) if shape['cell'] == 'lstm' else self.h0)[0]

    x = torch.randn(shape['steps'], shape['batch'], shape['inputSize'])
    path = os.path.join(OUT_DIR, f"{shape['name']}.onnx")
    torch.onnx.export(Sequence(), (x,), path, input_names=['x'], output_names=['y'], opset_version=14,
                      dynamic_axes={'x': {0: 'steps'}, 'y': {0: 'steps'}})
    ops = op_types(path)
    recurrent = [op for op in ops if op in ('LSTM', 'GRU')]
    print(f"{shape['name']}: {' '.join(ops)}", file=sys.stderr)
    if recurrent != [shape['cell'].upper()]:
        sys.exit(f"{path}: expected one {shape['cell'].upper()} node, found {ops}")
    return {'name': shape['name'], 'path': path, 'ops': ops}


os.makedirs(OUT_DIR, exist_ok=True)
shapes = json.loads(sys.argv[1]) if len(sys.argv) > 1 else json.load(sys.stdin)
json.dump([export(shape) for shape in shapes], sys.stdout)
