#!/usr/bin/python3
"""Golden trajectories of torch.optim and of gradient clipping, for test/optimizers.test.ts.

Run with Debian's python3-torch:  /usr/bin/python3 test/golden/make_optimizer_golden.py
Writes test/golden/optimizers/optimizers.safetensors holding, in float32:
  p0, g1 … g4                      two parameters' start values and four steps of gradients
  <case>.p<k>                     the parameters after step k with that optimizer
  clip.norm, clip.by_norm, clip.by_value
                                  clip_grad_norm_(max 1.5) and clip_grad_value_(0.3) on g1
with each case's options as JSON in the metadata.
"""
import json
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import write_safetensors  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'optimizers')
SIZES = [37, 300]  # two parameters, so that state is kept per parameter
STEPS = 4

CASES = {
    'sgd': ('SGD', dict(lr=0.1)),
    'sgd_momentum': ('SGD', dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    'sgd_nesterov': ('SGD', dict(lr=0.05, momentum=0.8, nesterov=True)),
    'adam': ('Adam', dict(lr=0.01, betas=(0.9, 0.99), eps=1e-6, weight_decay=0.02)),
    'adamw': ('AdamW', dict(lr=0.01, betas=(0.8, 0.95), eps=1e-8, weight_decay=0.1)),
    'adagrad': ('Adagrad', dict(lr=0.1, eps=1e-10, weight_decay=0.01)),
}

torch.manual_seed(7)
tensors = {}
p0 = [torch.randn(n) for n in SIZES]
grads = [[torch.randn(n) * (k + 1) for n in SIZES] for k in range(STEPS)]
tensors['p0'] = torch.cat(p0)
for k in range(STEPS):
    tensors[f'g{k + 1}'] = torch.cat(grads[k])

for name, (kind, options) in CASES.items():
    params = [p.clone().requires_grad_() for p in p0]
    optimizer = getattr(torch.optim, kind)(params, **options)
    for k in range(STEPS):
        for p, g in zip(params, grads[k]):
            p.grad = g.clone()
        optimizer.step()
        tensors[f'{name}.p{k + 1}'] = torch.cat([p.detach().clone() for p in params])

params = [p.clone().requires_grad_() for p in p0]
for p, g in zip(params, grads[0]):
    p.grad = g.clone()
tensors['clip.norm'] = torch.tensor([torch.nn.utils.clip_grad_norm_(params, 1.5).item()])
tensors['clip.by_norm'] = torch.cat([p.grad for p in params])
for p, g in zip(params, grads[0]):
    p.grad = g.clone()
torch.nn.utils.clip_grad_value_(params, 0.3)
tensors['clip.by_value'] = torch.cat([p.grad for p in params])

os.makedirs(HERE, exist_ok=True)
metadata = {'sizes': json.dumps(SIZES), 'cases': json.dumps({k: [kind, opts] for k, (kind, opts) in CASES.items()}), 'torch': torch.__version__}
write_safetensors(os.path.join(HERE, 'optimizers.safetensors'), tensors, metadata)
print('wrote', len(tensors), 'tensors')
