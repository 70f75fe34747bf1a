/**
 * The masks of zoneout and recurrent dropout: the hash and its key layout (which the GPU
 * kernels share), and where the forward applies them: at the actual time index (also in
 * direction 1), per layer seed, per sequence, past no sequence's end.
 */
import { describe, expect, it } from 'vitest';
import { CELL_MASK_KIND, referenceCellMask, referencePcgHash, referenceRecurrent, type ReferenceCellOptions, type ReferenceRecurrentArgs } from '../../src/reference/index.js';
import { recurrentArgs, type CellSpec } from './cell-options-fixtures.js';

const SEEDS = [0x2545f491, 0xdeadbeef];
const [T, B, H, L, D] = [3, 2, 32, 2, 2];
const LENGTHS = [3, 1];
const sizes = { inputSize: 3, hiddenSize: H, numLayers: L, bidirectional: true };

/** The output of the last layer at (t, b, d, j). */
const outputAt = (output: Float64Array, t: number, b: number, d: number, j: number): number => output[(t * B + b) * D * H + d * H + j]!;
/** The initial or final state of the last layer at (d, b, j). */
const stateAt = (state: ArrayLike<number>, d: number, b: number, j: number): number => state[(((L - 1) * D + d) * B + b) * H + j]!;

/** Runs every unit of every step the sequences have, in the last layer: (t, b, d, j). */
function forEachUnit(visit: (t: number, b: number, d: number, j: number) => void): void {
  for (let b = 0; b < B; b++) for (let t = 0; t < LENGTHS[b]!; t++) for (let d = 0; d < D; d++) for (let j = 0; j < H; j++) visit(t, b, d, j);
}

/** A run whose gate biases push one gate to exactly 0 or 1 (sigmoid of ∓1000). */
function withGateBias(args: ReferenceRecurrentArgs, gate: number, value: number): ReferenceRecurrentArgs {
  const weights = Object.fromEntries(
    Object.entries(args.weights).map(([k, v]) => [k, k.startsWith('bias_ih') ? { shape: v.shape, data: Float64Array.from(v.data, (x, r) => (Math.floor(r / H) === gate ? value : x)) } : v]),
  );
  return { ...args, weights };
}

describe('referenceCellMask', () => {
  it('is the hash of the documented key, wrapping on u32', () => {
    const cases = [[7, 1, 0, 0, 0, 0, 2, 4], [0xffffffff, 2, 2, 1, 1, 3, 2, 4], [123, 3, 70000, 1, 999, 777, 1000, 1000], [5, 1, 2 ** 31, 1, 3, 9, 65536, 4096]];
    for (const [seed, kind, t, d, b, j, batch, hidden] of cases as number[][] as [number, number, number, number, number, number, number, number][]) {
      const key = Number((((BigInt(t) * 2n + BigInt(d)) * BigInt(batch) + BigInt(b)) * BigInt(hidden) + BigInt(j)) % 2n ** 32n);
      const kindSeed = referencePcgHash((seed ^ referencePcgHash(kind)) >>> 0);
      expect(referenceCellMask(seed, kind, t, d, b, j, batch, hidden)).toBe((referencePcgHash((kindSeed ^ referencePcgHash(key)) >>> 0) >>> 8) / 2 ** 24);
    }
  });

  it('is uniform enough and differs between kinds', () => {
    const count = 8192;
    for (const kind of Object.values(CELL_MASK_KIND)) {
      const u = Array.from({ length: count }, (_, j) => referenceCellMask(SEEDS[0]!, kind, 0, 0, 0, j, 1, count));
      expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
      const below = u.filter((v) => v < 0.5).length / count;
      expect(below).toBeGreaterThan(0.47);
      expect(below).toBeLessThan(0.53);
    }
    const same = Array.from({ length: 256 }, (_, j) => referenceCellMask(1, 1, 0, 0, 0, j, 1, 256) === referenceCellMask(1, 2, 0, 0, 0, j, 1, 256));
    expect(same.filter(Boolean).length).toBeLessThan(4);
  });
});

describe('zoneout in training', () => {
  it('keeps the previous h exactly where zoned and the new one elsewhere (rate 0.5, RNN)', () => {
    const spec: CellSpec = { cell: 'rnn' };
    const args = recurrentArgs(spec, sizes, { steps: T, batch: B, lengths: LENGTHS, seed: 11, cellOptions: { zoneout: { hidden: 0.5 }, training: true, maskSeeds: SEEDS } });
    const { output, h } = referenceRecurrent(args);
    const counts = { zoned: 0, updated: 0 };
    forEachUnit((t, b, d, j) => {
      // The previous step in processing order: t − 1 forwards, t + 1 backwards.
      const previousT = d === 0 ? t - 1 : t + 1;
      const previous = previousT < 0 || previousT >= LENGTHS[b]! ? stateAt(args.h0!, d, b, j) : outputAt(output, previousT, b, d, j);
      const zoned = referenceCellMask(SEEDS[1]!, CELL_MASK_KIND.zoneoutHidden, t, d, b, j, B, H) < 0.5;
      expect(outputAt(output, t, b, d, j) === previous, `t ${t} b ${b} d ${d} j ${j}`).toBe(zoned);
      counts[zoned ? 'zoned' : 'updated']++;
    });
    expect(counts.zoned).toBeGreaterThan(20);
    expect(counts.updated).toBeGreaterThan(20);
    // h_n is the zoned state of each sequence's last step; past a sequence's end there is no output.
    forEachUnit((t, b, d, j) => {
      if (t === (d === 0 ? LENGTHS[b]! - 1 : 0)) expect(stateAt(h, d, b, j)).toBe(outputAt(output, t, b, d, j));
    });
    for (let t = LENGTHS[1]!; t < T; t++) for (let i = 0; i < D * H; i++) expect(output[(t * B + 1) * D * H + i]).toBe(0);
  });

  it('keeps c exactly where its own mask zones it (LSTM, one step)', () => {
    const rate = 0.5;
    const cellOptions = { zoneout: { hidden: 0.2, cell: rate }, training: true, maskSeeds: SEEDS };
    const args = recurrentArgs({ cell: 'lstm' }, sizes, { steps: T, batch: B, lengths: LENGTHS, seed: 12, cellOptions });
    const { c } = referenceRecurrent(args);
    let zonedCount = 0;
    // Sequence 1 has one step (t = 0) in both directions.
    for (let d = 0; d < D; d++) {
      for (let j = 0; j < H; j++) {
        const zoned = referenceCellMask(SEEDS[1]!, CELL_MASK_KIND.zoneoutCell, 0, d, 1, j, B, H) < rate;
        expect(stateAt(c!, d, 1, j) === stateAt(args.c0!, d, 1, j)).toBe(zoned);
        zonedCount += zoned ? 1 : 0;
      }
    }
    expect(zonedCount).toBeGreaterThan(10);
    expect(zonedCount).toBeLessThan(2 * H - 10);
  });
});

describe('recurrent dropout in training', () => {
  // With f = 0 (LSTM) or z = 0 (GRU) the step's state is the candidate alone: exactly 0 where dropped.
  const cells: [string, CellSpec, number][] = [['lstm', { cell: 'lstm' }, 1], ['gru', { cell: 'gru' }, 1]];
  for (const [name, spec, gate] of cells) {
    for (const perSequence of [false, true]) {
      it(`${name}: drops at rate 0.5, ${perSequence ? 'one mask per sequence' : 'a mask per step'}`, () => {
        const cellOptions: ReferenceCellOptions = { recurrentDropout: { p: 0.5, perSequence }, training: true, maskSeeds: SEEDS };
        const args = withGateBias(recurrentArgs(spec, sizes, { steps: T, batch: B, lengths: LENGTHS, seed: 13, cellOptions }), gate, -1000);
        const { output } = referenceRecurrent(args);
        const counts = { dropped: 0, kept: 0 };
        forEachUnit((t, b, d, j) => {
          const dropped = referenceCellMask(SEEDS[1]!, CELL_MASK_KIND.recurrentDropout, perSequence ? 0 : t, d, b, j, B, H) < 0.5;
          expect(outputAt(output, t, b, d, j) === 0, `t ${t} b ${b} d ${d} j ${j}`).toBe(dropped);
          counts[dropped ? 'dropped' : 'kept']++;
        });
        expect(counts.dropped).toBeGreaterThan(20);
        expect(counts.kept).toBeGreaterThan(20);
      });
    }
  }

  it('scales the kept candidates by 1 / (1 − p) (LSTM, f = 0, one layer)', () => {
    const p = 0.75;
    const oneLayer = { ...sizes, numLayers: 1 };
    const base = withGateBias(recurrentArgs({ cell: 'lstm' }, oneLayer, { steps: T, batch: B, lengths: LENGTHS, seed: 14 }), 1, -1000);
    const evaluation = referenceRecurrent({ ...base, cellOptions: { recurrentDropout: { p } } }).c!;
    const training = referenceRecurrent({ ...base, cellOptions: { recurrentDropout: { p }, training: true, maskSeeds: SEEDS } }).c!;
    expect(evaluation).toEqual(referenceRecurrent(base).c);
    let kept = 0;
    // Sequence 1 has one step (t = 0): c = i ⊙ D(g).
    for (let d = 0; d < D; d++) {
      for (let j = 0; j < H; j++) {
        const at = (d * B + 1) * H + j;
        const keeps = referenceCellMask(SEEDS[0]!, CELL_MASK_KIND.recurrentDropout, 0, d, 1, j, B, H) >= p;
        expect(training[at]).toBeCloseTo(keeps ? 4 * evaluation[at]! : 0, 14);
        kept += keeps ? 1 : 0;
      }
    }
    expect(kept).toBeGreaterThan(5);
  });
});
