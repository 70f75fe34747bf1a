import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { makeNetwork, type RecurrentCase } from '../checks/recurrent-checks.js';
import { compareArrays } from '../checks/compare.js';
import { loadGoldens, networkFor } from '../checks/golden.js';
import { useRuntime } from '../helpers.js';

describe('recurrent network backward', () => {
  const runtime = useRuntime();

  it('gradients accumulate over backward calls until zeroGradients', async () => {
    const c: RecurrentCase = { cell: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 1, bidirectional: false, steps: 3, batch: 2 };
    const rt = runtime();
    const network = makeNetwork(rt, c);
    const x = Tensor.from(rt, new Float32Array(3 * 2 * 3).fill(0.5), [3, 2, 3]);
    const seed = Tensor.from(rt, new Float32Array(3 * 2 * 4).fill(1), [3, 2, 4]);
    network.forwardTrain(x).backward({ output: seed });
    const once = (await network.gradientStateDict()).weight_hh_l0!.data;
    network.forwardTrain(x).backward({ output: seed });
    const twice = (await network.gradientStateDict()).weight_hh_l0!.data;
    const comparison = compareArrays(twice, Array.from(once, (v) => 2 * v), { rtol: 1e-6, atol: 1e-7 });
    expect(comparison.ok, comparison.message).toBe(true);
    network.zeroGradients();
    expect(Array.from((await network.gradientStateDict()).weight_hh_l0!.data).every((v) => v === 0)).toBe(true);
    const pass = network.forwardTrain(x);
    pass.backward({});
    expect(() => pass.backward({})).toThrow(/backward: expected one call per training pass/);
    network.dispose();
  });
});

describe('recurrent backward against PyTorch autograd (golden files, 1e-4)', () => {
  const runtime = useRuntime();
  for (const golden of loadGoldens()) {
    it(`${golden.name}: dX, dh0, dc0 and every parameter gradient`, async () => {
      const rt = runtime();
      const { config, tensors } = golden;
      const network = networkFor(rt, config);
      network.loadSafetensors(golden.bytes, 'weights.');
      const upload = (name: string) => Tensor.from(rt, tensors[name]!.data, tensors[name]!.shape);
      const pass = network.forwardTrain(upload('input'), {
        ...(tensors.h0 ? { h0: upload('h0') } : {}),
        ...(tensors.c0 ? { c0: upload('c0') } : {}),
        ...(config.lengths ? { lengths: config.lengths } : {}),
      });
      const grads = pass.backward({ output: upload('loss.output'), h: upload('loss.h_n'), ...(tensors['loss.c_n'] ? { c: upload('loss.c_n') } : {}) });
      const parameterGrads = await network.gradientStateDict();
      const checks: [string, ArrayLike<number>, ArrayLike<number>][] = [
        ['input', await grads.input.read(), tensors['grad.input']!.data],
        ['h0', await grads.h0.read(), tensors['grad.h0']!.data],
        ...Object.entries(parameterGrads).map(([name, t]) => [name, t.data, tensors[`grad.weights.${name}`]!.data] as [string, ArrayLike<number>, ArrayLike<number>]),
      ];
      if (grads.c0) checks.push(['c0', await grads.c0.read(), tensors['grad.c0']!.data]);
      for (const [name, actual, expected] of checks) {
        const comparison = compareArrays(actual, expected, { rtol: 1e-4, atol: 1e-5 });
        expect(comparison.ok, `${name}: ${comparison.message}`).toBe(true);
      }
      network.dispose();
    });
  }
});
