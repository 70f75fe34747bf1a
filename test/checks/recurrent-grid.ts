/**
 * The forward grid: every cell variant, 1–3 layers, one and two directions, H of 1, 7,
 * 64, 256 and 1024, T of 1, 5 and 300, B of 1, 3 and 64 (and 256), several chunk lengths,
 * with lengths and without. Sizes are combined so that each value meets each cell while
 * the float64 reference stays within seconds.
 */
import type { RecurrentCase } from './recurrent-checks.js';

export const CELL_VARIANTS: readonly Pick<RecurrentCase, 'cell' | 'resetAfter' | 'nonlinearity' | 'peephole'>[] = [
  { cell: 'lstm' },
  { cell: 'lstm', peephole: true },
  { cell: 'gru', resetAfter: true },
  { cell: 'gru', resetAfter: false },
  { cell: 'rnn', nonlinearity: 'tanh' },
  { cell: 'rnn', nonlinearity: 'relu' },
];

/** Stacking and directions: every cell with 1, 2 and 3 layers, one and two directions. */
export function structureCases(): RecurrentCase[] {
  const cases: RecurrentCase[] = [];
  for (const variant of CELL_VARIANTS) {
    for (const numLayers of [1, 2, 3]) {
      for (const bidirectional of [false, true]) {
        cases.push({
          ...variant,
          inputSize: 5,
          hiddenSize: 7,
          numLayers,
          bidirectional,
          steps: 5,
          batch: 3,
          withLengths: numLayers !== 2,
          withInitialState: numLayers === 2,
          batchFirst: numLayers === 3 && bidirectional,
          bias: !(numLayers === 1 && bidirectional),
        });
      }
    }
  }
  return cases;
}

/** Sizes: H of 1 … 1024, T of 1 … 300, B of 1 … 256, chunk lengths, for every cell. */
export function sizeCases(): RecurrentCase[] {
  const cases: RecurrentCase[] = [];
  for (const variant of CELL_VARIANTS) {
    const base = { ...variant, numLayers: 1 };
    cases.push(
      { ...base, inputSize: 3, hiddenSize: 1, bidirectional: true, steps: 300, batch: 64, withLengths: true },
      { ...base, inputSize: 4, hiddenSize: 7, bidirectional: false, steps: 300, batch: 3, chunkLength: 7 },
      { ...base, inputSize: 16, hiddenSize: 64, bidirectional: false, steps: 300, batch: 1, chunkLength: 64 },
      { ...base, inputSize: 16, hiddenSize: 64, bidirectional: true, steps: 5, batch: 20, withLengths: true, chunkLength: 1 },
      { ...base, inputSize: 32, hiddenSize: 256, bidirectional: true, steps: 5, batch: 3, withLengths: true, withInitialState: true },
      { ...base, inputSize: 32, hiddenSize: 256, bidirectional: false, steps: 1, batch: 24 },
      { ...base, inputSize: 8, hiddenSize: 1024, bidirectional: true, steps: 3, batch: 3, withLengths: true, chunkLength: 2 },
      { ...base, inputSize: 8, hiddenSize: 1024, bidirectional: false, steps: 1, batch: 1, withInitialState: true },
      { ...base, inputSize: 2, hiddenSize: 7, numLayers: 2, bidirectional: true, steps: 5, batch: 256, withLengths: true },
    );
  }
  return cases;
}

/**
 * Every work-item block and a small and a large workgroup, forced as a tuner would force
 * them, for every cell: batch 11 (blocks that do not divide it), H of 7 and 33 (not
 * multiples of 4), with lengths, both directions; and the split-hidden strategy.
 */
export function scheduleCases(): RecurrentCase[] {
  const cases: RecurrentCase[] = [];
  for (const variant of CELL_VARIANTS) {
    for (const batchBlock of [1, 2, 4, 8]) {
      for (const [hiddenSize, workgroupSize] of [[7, 32], [33, 256]] as const) {
        cases.push({
          ...variant,
          inputSize: 5,
          hiddenSize,
          numLayers: 1,
          bidirectional: hiddenSize === 33,
          steps: 6,
          batch: 11,
          withLengths: true,
          schedule: { batchBlock, workgroupSize },
        });
      }
    }
    // The split-hidden strategy: unit slices that do not divide H, one unit, several layers.
    const split = { inputSize: 5, steps: 6, batch: 11, withLengths: true } as const;
    cases.push(
      { ...variant, ...split, hiddenSize: 7, numLayers: 1, bidirectional: false, schedule: { strategy: 'split', unitSpan: 4, batchBlock: 2, workgroupSize: 32 } },
      { ...variant, ...split, hiddenSize: 33, numLayers: 1, bidirectional: true, schedule: { strategy: 'split', unitSpan: 16, batchBlock: 4, workgroupSize: 64 } },
      { ...variant, ...split, hiddenSize: 9, numLayers: 2, bidirectional: true, withInitialState: true, batchFirst: true, batch: 3, schedule: { strategy: 'split', unitSpan: 1, batchBlock: 1, workgroupSize: 32 } },
    );
  }
  return cases;
}

/** Sizes for backward: the float64 BPTT reference costs a few times the forward's. */
export function backwardSizeCases(): RecurrentCase[] {
  const cases: RecurrentCase[] = [];
  for (const variant of CELL_VARIANTS) {
    const base = { ...variant, numLayers: 1 };
    cases.push(
      { ...base, inputSize: 3, hiddenSize: 1, bidirectional: true, steps: 300, batch: 3, withLengths: true, withInitialState: true },
      { ...base, inputSize: 4, hiddenSize: 7, bidirectional: false, steps: 300, batch: 1, chunkLength: 7 },
      { ...base, inputSize: 16, hiddenSize: 64, bidirectional: true, steps: 5, batch: 20, withLengths: true, chunkLength: 2 },
      { ...base, inputSize: 16, hiddenSize: 64, bidirectional: false, steps: 30, batch: 3, batchFirst: true },
      { ...base, inputSize: 8, hiddenSize: 256, bidirectional: false, steps: 5, batch: 3, withInitialState: true },
      { ...base, inputSize: 8, hiddenSize: 1024, bidirectional: false, steps: 2, batch: 1 },
      { ...base, inputSize: 2, hiddenSize: 7, numLayers: 2, bidirectional: true, steps: 5, batch: 256, withLengths: true },
    );
  }
  return cases;
}

/**
 * The options inside the cell (issue 14), alone and combined, for every cell family: heads
 * (dividing H, odd head sizes, H = 1024 with 8 heads), zoneout and recurrent dropout in
 * training (masks drawn) and evaluation (expectations), with stacking, both directions,
 * lengths, batch-first, chunk lengths and the split-hidden strategy. `forward` cases run
 * the forward only; the others run forward and backward (backward always trains).
 */
export function insideCases(): { forward: RecurrentCase[]; both: RecurrentCase[] } {
  const forward: RecurrentCase[] = [];
  const both: RecurrentCase[] = [];
  const small = { inputSize: 3, steps: 5, batch: 3, withLengths: true } as const;
  for (const variant of CELL_VARIANTS) {
    const lstm = variant.cell === 'lstm';
    const candidate = variant.cell !== 'rnn';
    const zoneout = lstm ? { hidden: 0.3, cell: 0.4 } : 0.3;
    const recurrentDropout = candidate ? { recurrentDropout: 0.4 } : {};
    // Evaluation: zoneout's expectation (dropout is off outside training).
    forward.push({ ...variant, ...small, hiddenSize: 6, numLayers: 2, bidirectional: true, inside: { heads: 2, zoneout, ...recurrentDropout } });
    both.push(
      { ...variant, ...small, hiddenSize: 8, numLayers: 2, bidirectional: true, withInitialState: true, inside: { heads: 2 }, training: true },
      { ...variant, ...small, hiddenSize: 9, numLayers: 1, bidirectional: false, inside: { heads: 3, zoneout }, training: true, schedule: { strategy: 'split', unitSpan: 2, batchBlock: 2, workgroupSize: 32 } },
      { ...variant, ...small, hiddenSize: 1, numLayers: 1, bidirectional: true, inside: { zoneout }, training: true },
      { ...variant, ...small, hiddenSize: 7, numLayers: 2, bidirectional: true, batchFirst: true, chunkLength: 2, inside: { heads: 1, zoneout, ...recurrentDropout }, training: true },
    );
    if (candidate) {
      both.push({ ...variant, ...small, hiddenSize: 12, numLayers: 1, bidirectional: true, batch: 11, inside: { heads: 4, recurrentDropout: { p: 0.5, perSequence: true } }, training: true, schedule: { batchBlock: 4, workgroupSize: 64 } });
    }
  }
  // Layer norm inside the cell, where the cell has it: alone, with heads and masks, one unit, odd widths.
  for (const variant of CELL_VARIANTS.filter((v) => !v.peephole && v.resetAfter !== false)) {
    const zoneout = variant.cell === 'lstm' ? { hidden: 0.2, cell: 0.3 } : 0.2;
    const recurrentDropout = variant.cell === 'rnn' ? {} : { recurrentDropout: 0.3 };
    forward.push({ ...variant, ...small, hiddenSize: 6, numLayers: 2, bidirectional: true, inside: { layerNorm: true, zoneout } });
    both.push(
      { ...variant, ...small, hiddenSize: 6, numLayers: 2, bidirectional: true, withInitialState: true, inside: { layerNorm: true }, training: true },
      { ...variant, ...small, hiddenSize: 8, numLayers: 2, bidirectional: true, batchFirst: true, chunkLength: 2, inside: { layerNorm: true, heads: 2, zoneout, ...recurrentDropout }, training: true },
      { ...variant, ...small, hiddenSize: 1, numLayers: 1, bidirectional: true, inside: { layerNorm: true }, training: true },
      { ...variant, ...small, hiddenSize: 33, numLayers: 1, bidirectional: false, batch: 11, bias: false, inside: { layerNorm: true, layerNormEps: 1e-3 }, training: true, schedule: { batchBlock: 4, workgroupSize: 64 } },
      { ...variant, inputSize: 8, hiddenSize: 1024, numLayers: 1, bidirectional: false, steps: 2, batch: 1, inside: { layerNorm: true }, training: true },
      // A long sequence in chunks: error must not grow with T.
      { ...variant, inputSize: 4, hiddenSize: 7, numLayers: 1, bidirectional: false, steps: 300, batch: 2, withLengths: true, chunkLength: 7, inside: { layerNorm: true, zoneout, ...recurrentDropout }, training: true },
    );
  }
  // A large head count at a large width: forward and backward against the float64 reference.
  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    both.push({ cell, inputSize: 8, hiddenSize: 1024, numLayers: 1, bidirectional: false, steps: 2, batch: 1, inside: { heads: 8, zoneout: 0.2 }, training: true });
  }
  return { forward, both };
}
