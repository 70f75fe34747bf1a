import { describe, expect, it } from 'vitest';
import { referenceRecurrent, referenceRecurrentGradients, type ReferenceRecurrentArgs } from '../../src/reference/index.js';
import { initialStateDict, randomArray } from '../../src/index.js';
import { compareArrays } from '../checks/compare.js';
import { numericalGradient, seededLoss } from '../checks/finite-differences.js';
import { CELL_VARIANTS } from '../checks/recurrent-grid.js';
import { loadGoldens } from '../checks/golden.js';


describe('the float64 reference backward passes finite-difference checks', () => {
  for (const variant of CELL_VARIANTS) {
    const name = `${variant.cell}${variant.cell === 'gru' ? (variant.resetAfter ? '' : '-cho') : variant.cell === 'rnn' ? `-${variant.nonlinearity}` : variant.peephole ? '-peephole' : ''}`;
    it(`${name}: 2 layers, bidirectional, lengths, initial state`, () => {
      const [I, H, T, B, L, D] = [3, 4, 4, 2, 2, 2];
      const config = { cell: variant.cell, resetAfter: variant.resetAfter ?? true, nonlinearity: variant.nonlinearity ?? 'tanh', peephole: variant.peephole ?? false };
      const dict = initialStateDict(config, { inputSize: I, hiddenSize: H, numLayers: L, directions: D, bias: true }, { seed: 3 });
      // float64 copies, so that the differences are not rounded to f32; peepholes start at
      // zero, so they get random values to take part.
      const weights = Object.fromEntries(
        Object.entries(dict).map(([k, v], n) => [k, { shape: v.shape, data: k.startsWith('weight_peephole') ? Float64Array.from(randomArray(v.data.length, 20 + n, -0.5, 0.5)) : Float64Array.from(v.data, (x) => x * 2) }]),
      );
      if (variant.peephole) expect(Object.keys(weights).filter((k) => k.startsWith('weight_peephole'))).toHaveLength(L * D);
      const input = Float64Array.from(randomArray(T * B * I, 4));
      const h0 = Float64Array.from(randomArray(L * D * B * H, 5));
      const c0 = Float64Array.from(randomArray(L * D * B * H, 6));
      const args: ReferenceRecurrentArgs = { ...config, inputSize: I, hiddenSize: H, numLayers: L, bidirectional: true, weights, input, steps: T, batch: B, lengths: [4, 2], h0, c0 };
      const seeds = { output: Float64Array.from(randomArray(T * B * D * H, 7)), h: Float64Array.from(randomArray(L * D * B * H, 8)), c: Float64Array.from(randomArray(L * D * B * H, 9)) };
      const analytic = referenceRecurrentGradients(args, seeds);
      const evaluate = () => seededLoss(args, seeds);

      const targets: [string, Float64Array, Float64Array][] = [
        ['input', input, analytic.input],
        ['h0', h0, analytic.h0],
        ...Object.entries(weights).map(([k, v]) => [k, v.data, analytic.weights[k]!] as [string, Float64Array, Float64Array]),
      ];
      if (variant.cell === 'lstm') targets.push(['c0', c0, analytic.c0!]);
      for (const [what, values, gradient] of targets) {
        const numerical = Float64Array.from(values, (_, i) => numericalGradient(values, i, evaluate));
        const comparison = compareArrays(gradient, numerical, { rtol: 1e-6, atol: 1e-7 });
        expect(comparison.ok, `d loss / d ${what}: ${comparison.message}`).toBe(true);
      }
    });
  }
});

describe('the float64 peephole LSTM', () => {
  it('with zero peepholes is the plain LSTM, exactly', () => {
    const dims = { inputSize: 3, hiddenSize: 4, numLayers: 2, directions: 2, bias: true };
    const plain = initialStateDict({ cell: 'lstm', resetAfter: true, nonlinearity: 'tanh' }, dims, { seed: 5 });
    const withZeros = initialStateDict({ cell: 'lstm', resetAfter: true, nonlinearity: 'tanh', peephole: true }, dims, { seed: 5 });
    expect(Object.keys(withZeros).filter((k) => k.startsWith('weight_peephole'))).toEqual(['weight_peephole_l0', 'weight_peephole_l0_reverse', 'weight_peephole_l1', 'weight_peephole_l1_reverse']);
    const common = { cell: 'lstm' as const, inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, input: randomArray(5 * 2 * 3, 1), steps: 5, batch: 2, lengths: [5, 3] };
    const a = referenceRecurrent({ ...common, weights: plain });
    const b = referenceRecurrent({ ...common, weights: withZeros, peephole: true });
    expect(Array.from(b.output)).toEqual(Array.from(a.output));
    expect(Array.from(b.c!)).toEqual(Array.from(a.c!));
  });
});

describe('the float64 reference backward matches PyTorch autograd (golden files)', () => {
  for (const golden of loadGoldens()) {
    it(golden.name, () => {
      const { config, tensors } = golden;
      const D = config.bidirectional ? 2 : 1;
      const [T, B] = [config.steps, config.batch];
      const timeMajor = (x: ArrayLike<number>, F: number): Float64Array => {
        if (!config.batch_first) return Float64Array.from(x);
        const out = new Float64Array(T * B * F);
        for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) out[(t * B + b) * F + f] = x[(b * T + t) * F + f]!;
        return out;
      };
      const weights = Object.fromEntries(Object.entries(tensors).filter(([k]) => k.startsWith('weights.')).map(([k, v]) => [k.slice(8), v]));
      const args: ReferenceRecurrentArgs = {
        cell: config.cell, nonlinearity: config.nonlinearity ?? 'tanh', resetAfter: true,
        inputSize: config.input_size, hiddenSize: config.hidden_size, numLayers: config.num_layers, bidirectional: config.bidirectional,
        weights, input: timeMajor(tensors.input!.data, config.input_size), steps: T, batch: B,
        ...(config.lengths ? { lengths: config.lengths } : {}),
        ...(tensors.h0 ? { h0: tensors.h0.data } : {}),
        ...(tensors.c0 ? { c0: tensors.c0.data } : {}),
      };
      const gradients = referenceRecurrentGradients(args, {
        output: timeMajor(tensors['loss.output']!.data, D * config.hidden_size),
        h: tensors['loss.h_n']!.data,
        ...(tensors['loss.c_n'] ? { c: tensors['loss.c_n'].data } : {}),
      });
      const tolerance = { rtol: 1e-4, atol: 1e-5 };
      const checks: [string, ArrayLike<number>, ArrayLike<number>][] = [
        ['input', gradients.input, timeMajor(tensors['grad.input']!.data, config.input_size)],
        ['h0', gradients.h0, tensors['grad.h0']!.data],
        ...Object.keys(weights).map((k) => [k, gradients.weights[k]!, tensors[`grad.weights.${k}`]!.data] as [string, ArrayLike<number>, ArrayLike<number>]),
      ];
      if (gradients.c0) checks.push(['c0', gradients.c0, tensors['grad.c0']!.data]);
      for (const [what, actual, expected] of checks) {
        const comparison = compareArrays(actual, expected, tolerance);
        expect(comparison.ok, `${what}: ${comparison.message}`).toBe(true);
      }
    });
  }
});
