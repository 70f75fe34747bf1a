/** Float64 weights and arguments for the tests of the reference's cell options. */
import type { ReferenceCellOptions, ReferenceRecurrentArgs, StateDict } from '../../src/reference/index.js';
import { randomGenerator } from '../../src/util/random.js';

export interface CellSpec {
  cell: 'lstm' | 'gru' | 'rnn';
  nonlinearity?: 'tanh' | 'relu';
  peephole?: boolean;
  resetAfter?: boolean;
}

export interface Sizes {
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
}

export const gatesOf = (cell: CellSpec['cell']): number => ({ lstm: 4, gru: 3, rnn: 1 })[cell];

/** Uniform float64 values in [lo, hi) from a seeded generator. */
export function uniform(length: number, seed: number, lo = -1, hi = 1): Float64Array {
  const next = randomGenerator(seed);
  return Float64Array.from({ length }, () => lo + (hi - lo) * next());
}

/**
 * A state dict in PyTorch's names (weights, biases, peepholes, and with `layerNorm` the
 * cells' ln_* parameters), random float64 values; layer-norm weights around 1.
 */
export function cellWeights(spec: CellSpec, sizes: Sizes, layerNorm: boolean, seed: number): StateDict {
  const { inputSize: I, hiddenSize: H, numLayers: L } = sizes;
  const G = gatesOf(spec.cell);
  const dict: StateDict = {};
  let n = seed * 1000;
  const put = (key: string, length: number, lo = -0.8, hi = 0.8) => (dict[key] = { shape: [length], data: uniform(length, n++, lo, hi) });
  for (let layer = 0; layer < L; layer++) {
    for (const suffix of sizes.bidirectional ? ['', '_reverse'] : ['']) {
      const s = `_l${layer}${suffix}`;
      const inputs = layer === 0 ? I : (sizes.bidirectional ? 2 : 1) * H;
      dict[`weight_ih${s}`] = { shape: [G * H, inputs], data: uniform(G * H * inputs, n++, -0.8, 0.8) };
      dict[`weight_hh${s}`] = { shape: [G * H, H], data: uniform(G * H * H, n++, -0.8, 0.8) };
      put(`bias_ih${s}`, G * H);
      put(`bias_hh${s}`, G * H);
      if (spec.peephole) put(`weight_peephole${s}`, 3 * H, -0.5, 0.5);
      if (!layerNorm) continue;
      const norms = spec.cell === 'rnn' ? [['ln', H]] : [['ln_ih', G * H], ['ln_hh', G * H], ...(spec.cell === 'lstm' ? [['ln_c', H]] : [])];
      for (const [name, length] of norms as [string, number][]) {
        put(`${name}_weight${s}`, length, 0.5, 1.5);
        put(`${name}_bias${s}`, length, -0.5, 0.5);
      }
    }
  }
  return dict;
}

/** The arguments of a run: T steps, B sequences, random input and initial state. */
export function recurrentArgs(
  spec: CellSpec,
  sizes: Sizes,
  run: { steps: number; batch: number; lengths?: number[]; seed: number; cellOptions?: ReferenceCellOptions },
): ReferenceRecurrentArgs {
  const { steps: T, batch: B, seed } = run;
  const states = sizes.numLayers * (sizes.bidirectional ? 2 : 1) * B * sizes.hiddenSize;
  return {
    cell: spec.cell,
    nonlinearity: spec.nonlinearity ?? 'tanh',
    resetAfter: spec.resetAfter ?? true,
    peephole: spec.peephole ?? false,
    ...sizes,
    weights: cellWeights(spec, sizes, run.cellOptions?.layerNorm ?? false, seed),
    input: uniform(T * B * sizes.inputSize, seed + 1),
    steps: T,
    batch: B,
    ...(run.lengths ? { lengths: run.lengths } : {}),
    h0: uniform(states, seed + 2),
    c0: uniform(states, seed + 3),
    ...(run.cellOptions ? { cellOptions: run.cellOptions } : {}),
  };
}
