#!/usr/bin/python3
"""Native anchor for the benchmarks: the same shapes with torch.nn.LSTM / GRU on the CPU.

Reads the shapes as JSON on stdin, prints JSON measurements on stdout:
  [{"name": ..., "unit": "ms", "value": median, "range": [min, max], "runs": 5}, ...]
Threads: WEBGPU_RNN_TORCH_THREADS (default: all cores).
"""
import json
import os
import statistics
import sys
import time

import torch

threads = int(os.environ.get('WEBGPU_RNN_TORCH_THREADS', str(os.cpu_count() or 1)))
torch.set_num_threads(threads)


def timed(fn, runs=5, warmup=1):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), [min(times), max(times)], runs


results = []
for shape in json.load(sys.stdin):
    torch.manual_seed(1)
    module = (torch.nn.LSTM if shape['cell'] == 'lstm' else torch.nn.GRU)(shape['inputSize'], shape['hiddenSize'])
    x = torch.randn(shape['steps'], shape['batch'], shape['inputSize'])
    optimizer = torch.optim.Adam(module.parameters(), lr=1e-3)

    def inference():
        with torch.no_grad():
            module(x)

    def training():
        optimizer.zero_grad()
        output, _ = module(x)
        output.mean().backward()
        optimizer.step()

    for label, fn in (('inference', inference), ('training step', training)):
        value, spread, runs = timed(fn)
        results.append({'name': f"{shape['name']} {label}", 'unit': 'ms', 'value': value, 'range': spread, 'runs': runs, 'threads': threads})
json.dump(results, sys.stdout)
