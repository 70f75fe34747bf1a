/**
 * The reference's cell options against the formulas written out by hand (one step), heads
 * against block-diagonal W_hh, the default path against PyTorch's cells, and the
 * combinations that must throw. The masks are in cell-options-masks.test.ts, the gradients
 * in cell-options-gradients.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { referenceLayerNorm, referenceRecurrent, referenceRecurrentGradients, type ReferenceCellOptions, type StateDict } from '../../src/reference/index.js';
import { recurrentArgs, gatesOf, type CellSpec } from './cell-options-fixtures.js';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** LN over each group of indices apart (gathered, normalised by referenceLayerNorm, scattered back). */
function groupedLayerNorm(v: number[], alpha: ArrayLike<number>, beta: ArrayLike<number>, groups: number[][], eps: number): number[] {
  const out = [...v];
  for (const group of groups) {
    const pick = (a: ArrayLike<number>) => group.map((i) => a[i]!);
    const { y } = referenceLayerNorm(pick(v), pick(alpha), pick(beta), new Array<number>(group.length).fill(0), group.length, eps);
    group.forEach((i, n) => (out[i] = y[n]!));
  }
  return out;
}

function range(n: number): number[];
function range<T>(n: number, f: (i: number) => T): T[];
function range(n: number, f: (i: number) => unknown = (i) => i): unknown[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

/** One step of one sequence, written from the formulas: evaluation, so zoneout mixes by its rates and dropout is the identity. */
function handStep(spec: CellSpec, dict: StateDict, x: number[], h0: number[], c0: number[], H: number, o: { heads: number; layerNorm: boolean; zh: number; zc: number; eps: number }) {
  const G = gatesOf(spec.cell);
  const I = x.length;
  const HS = H / o.heads;
  const w = (name: string) => dict[`${name}_l0`]!.data;
  const [wIh, wHh, bIh, bHh] = [w('weight_ih'), w('weight_hh'), w('bias_ih'), w('bias_hh')];
  const px = range(G * H, (r) => range(I).reduce((s, i) => s + wIh[r * I + i]! * x[i]!, 0));
  // Heads: W_hh's entries off the diagonal blocks take no part.
  const ph = range(G * H, (r) => range(H).reduce((s, k) => s + (Math.floor((r % H) / HS) === Math.floor(k / HS) ? wHh[r * H + k]! * h0[k]! : 0), 0));
  const perHead = (gates: number) => range(o.heads, (n) => range(gates * HS, (m) => Math.floor(m / HS) * H + n * HS + (m % HS)));
  const ln = (v: number[], name: string, groups: number[][]) => (o.layerNorm ? groupedLayerNorm(v, w(`${name}_weight`), w(`${name}_bias`), groups, o.eps) : v);
  const zone = (prev: number[], next: number[], rate: number) => next.map((v, j) => rate * prev[j]! + (1 - rate) * v);
  if (spec.cell === 'rnn') {
    const sum = range(H, (j) => px[j]! + ph[j]!);
    const pre = o.layerNorm ? ln(sum, 'ln', perHead(1)).map((v, j) => v + bIh[j]! + bHh[j]!) : range(H, (j) => px[j]! + bIh[j]! + ph[j]! + bHh[j]!);
    const act = spec.nonlinearity === 'relu' ? (v: number) => Math.max(0, v) : Math.tanh;
    return { h: zone(h0, pre.map(act), o.zh), c: null };
  }
  const ax = ln(px, 'ln_ih', [range(G * H)]).map((v, r) => v + bIh[r]!);
  const ah = ln(ph, 'ln_hh', perHead(G)).map((v, r) => v + bHh[r]!);
  if (spec.cell === 'gru') {
    const h = range(H, (j) => {
      const r = sigmoid(ax[j]! + ah[j]!);
      const z = sigmoid(ax[H + j]! + ah[H + j]!);
      const n = Math.tanh(ax[2 * H + j]! + r * ah[2 * H + j]!);
      return (1 - z) * n + z * h0[j]!;
    });
    return { h: zone(h0, h, o.zh), c: null };
  }
  const gate = (g: number, j: number) => ax[g * H + j]! + ah[g * H + j]!;
  const c = range(H, (j) => sigmoid(gate(1, j)) * c0[j]! + sigmoid(gate(0, j)) * Math.tanh(gate(2, j)));
  const cn = ln(c, 'ln_c', perHead(1));
  const h = range(H, (j) => sigmoid(gate(3, j)) * Math.tanh(cn[j]!));
  // h̃ comes from the candidate c̃, not from the zoned c.
  return { h: zone(h0, h, o.zh), c: zone(c0, c, o.zc) };
}

const CELLS: (CellSpec & { name: string })[] = [
  { name: 'lstm', cell: 'lstm' },
  { name: 'gru', cell: 'gru' },
  { name: 'rnn-tanh', cell: 'rnn', nonlinearity: 'tanh' },
  { name: 'rnn-relu', cell: 'rnn', nonlinearity: 'relu' },
];

describe('one step of the reference in evaluation is the formula written by hand', () => {
  const cases = [
    { name: 'layer norm, 2 heads, zoneout', heads: 2, layerNorm: true, zh: 0.3, zc: 0.6, eps: 1e-5 },
    { name: 'layer norm (ε 0.1), 1 head', heads: 1, layerNorm: true, zh: 0, zc: 0, eps: 0.1 },
    { name: '2 heads, zoneout', heads: 2, layerNorm: false, zh: 0.25, zc: 0.4, eps: 1e-5 },
  ];
  for (const spec of CELLS) {
    for (const o of cases) {
      it(`${spec.name}: ${o.name}`, () => {
        const H = 4;
        const zc = spec.cell === 'lstm' ? o.zc : 0;
        const cellOptions: ReferenceCellOptions = {
          layerNorm: o.layerNorm,
          layerNormEps: o.eps,
          heads: o.heads,
          zoneout: spec.cell === 'lstm' ? { hidden: o.zh, cell: zc } : { hidden: o.zh },
          // The identity in evaluation.
          ...(spec.cell === 'rnn' ? {} : { recurrentDropout: { p: 0.5 } }),
        };
        const args = recurrentArgs(spec, { inputSize: 3, hiddenSize: H, numLayers: 1, bidirectional: false }, { steps: 1, batch: 1, seed: 7, cellOptions });
        const result = referenceRecurrent(args);
        const expected = handStep(spec, args.weights, Array.from(args.input), Array.from(args.h0!), Array.from(args.c0!), H, { ...o, zc });
        expect(Array.from(result.output).every((v, j) => Math.abs(v - expected.h[j]!) < 1e-12), `${result.output} vs ${expected.h}`).toBe(true);
        expect(Array.from(result.h)).toEqual(Array.from(result.output));
        if (expected.c) expect(Array.from(result.c!).every((v, j) => Math.abs(v - expected.c![j]!) < 1e-12), `${result.c} vs ${expected.c}`).toBe(true);
      });
    }
  }
});

describe('heads use only the diagonal blocks of W_hh', () => {
  const variants: (CellSpec & { name: string })[] = [...CELLS, { name: 'lstm-peephole', cell: 'lstm', peephole: true }, { name: 'gru-reset-before', cell: 'gru', resetAfter: false }];
  for (const spec of variants) {
    it(`${spec.name}: off-block entries change nothing and get gradient 0`, () => {
      const [H, heads] = [6, 3];
      const layerNorm = !spec.peephole && spec.resetAfter !== false;
      const sizes = { inputSize: 2, hiddenSize: H, numLayers: 2, bidirectional: true };
      const noisy = recurrentArgs(spec, sizes, { steps: 3, batch: 2, lengths: [3, 1], seed: 21, cellOptions: { heads, layerNorm } });
      const inBlock = (i: number) => Math.floor((Math.floor(i / H) % H) / (H / heads)) === Math.floor((i % H) / (H / heads));
      const clean = Object.fromEntries(
        Object.entries(noisy.weights).map(([k, v]) => [k, k.startsWith('weight_hh') ? { shape: v.shape, data: Float64Array.from(v.data, (x, i) => (inBlock(i) ? x : 0)) } : v]),
      );
      const seeds = { output: new Float64Array(3 * 2 * 2 * H).fill(1), h: new Float64Array(2 * 2 * 2 * H).fill(0.5), c: new Float64Array(2 * 2 * 2 * H).fill(-0.5) };
      const [a, b] = [referenceRecurrent(noisy), referenceRecurrent({ ...noisy, weights: clean })];
      expect(Array.from(a.output)).toEqual(Array.from(b.output));
      const [ga, gb] = [referenceRecurrentGradients(noisy, seeds), referenceRecurrentGradients({ ...noisy, weights: clean }, seeds)];
      for (const [key, gradient] of Object.entries(ga.weights)) {
        expect(Array.from(gradient), key).toEqual(Array.from(gb.weights[key]!));
        if (!key.startsWith('weight_hh')) continue;
        expect(gradient.every((v, i) => inBlock(i) || v === 0), `${key} off the blocks`).toBe(true);
        expect(gradient.some((v, i) => inBlock(i) && v !== 0), `${key} on the blocks`).toBe(true);
      }
      // Without heads the off-block entries do take part.
      const dense = referenceRecurrent({ ...noisy, cellOptions: { layerNorm } });
      expect(Array.from(dense.output)).not.toEqual(Array.from(a.output));
    });
  }
});

describe('without options the reference is the plain cell', () => {
  for (const spec of CELLS) {
    it(`${spec.name}: absent, empty and default options give the same numbers`, () => {
      const args = recurrentArgs(spec, { inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true }, { steps: 3, batch: 2, lengths: [3, 1], seed: 3 });
      const seeds = { output: new Float64Array(3 * 2 * 2 * 3).fill(1), h: new Float64Array(2 * 2 * 2 * 3).fill(1), c: new Float64Array(2 * 2 * 2 * 3).fill(1) };
      const plain = referenceRecurrent(args);
      const plainGradients = referenceRecurrentGradients(args, seeds);
      const defaults: ReferenceCellOptions[] = [{}, { layerNorm: false, heads: 1, training: true, zoneout: { hidden: 0 } }, { zoneout: { hidden: 0 }, training: false }];
      for (const cellOptions of defaults) {
        expect(referenceRecurrent({ ...args, cellOptions })).toEqual(plain);
        expect(referenceRecurrentGradients({ ...args, cellOptions }, seeds)).toEqual(plainGradients);
      }
    });
  }
});

describe('the number shorthands of the rates', () => {
  it('zoneout: r is { hidden: r }, recurrentDropout: p is { p }', () => {
    const args = recurrentArgs({ cell: 'lstm' }, { inputSize: 2, hiddenSize: 4, numLayers: 2, bidirectional: true }, { steps: 3, batch: 2, lengths: [3, 1], seed: 5 });
    const training = { training: true, maskSeeds: [3, 4] };
    const short = referenceRecurrent({ ...args, cellOptions: { zoneout: 0.3, recurrentDropout: 0.4, ...training } });
    const long = referenceRecurrent({ ...args, cellOptions: { zoneout: { hidden: 0.3 }, recurrentDropout: { p: 0.4 }, ...training } });
    expect(short).toEqual(long);
    expect(short).not.toEqual(referenceRecurrent(args));
  });
});

describe('unsupported combinations throw', () => {
  const sizes = { inputSize: 2, hiddenSize: 4, numLayers: 2, bidirectional: false };
  const cases: [string, CellSpec, ReferenceCellOptions, RegExp][] = [
    ['layer norm with LSTM peepholes', { cell: 'lstm', peephole: true }, { layerNorm: true }, /peephole/],
    ["layer norm with Cho's GRU", { cell: 'gru', resetAfter: false }, { layerNorm: true }, /reset-after/],
    ['recurrent dropout on the Elman RNN', { cell: 'rnn' }, { recurrentDropout: { p: 0.1 } }, /recurrent dropout/],
    ['zoneout of c on a GRU', { cell: 'gru' }, { zoneout: { cell: 0.1 } }, /zoneout\.cell/],
    ['zoneout of c on the Elman RNN', { cell: 'rnn' }, { zoneout: { hidden: 0.1, cell: 0.1 } }, /zoneout\.cell/],
    ['H not divisible by heads', { cell: 'lstm' }, { heads: 3 }, /heads/],
    ['no heads', { cell: 'gru' }, { heads: 0 }, /heads/],
    ['a zoneout rate of 1', { cell: 'gru' }, { zoneout: { hidden: 1 } }, /\[0, 1\)/],
    ['a negative dropout rate', { cell: 'lstm' }, { recurrentDropout: { p: -0.1 } }, /\[0, 1\)/],
    ['training with zoneout without mask seeds', { cell: 'rnn' }, { zoneout: { hidden: 0.2 }, training: true }, /maskSeeds/],
    ['training with dropout and one seed for two layers', { cell: 'lstm' }, { recurrentDropout: { p: 0.2 }, training: true, maskSeeds: [1] }, /maskSeeds/],
  ];
  for (const [name, spec, cellOptions, message] of cases) {
    it(name, () => {
      const args = recurrentArgs(spec, sizes, { steps: 2, batch: 1, seed: 1, cellOptions });
      expect(() => referenceRecurrent(args)).toThrow(message);
      expect(() => referenceRecurrentGradients(args, {})).toThrow(message);
    });
  }
  it('layer norm without its parameters in the weights', () => {
    const args = recurrentArgs({ cell: 'gru' }, sizes, { steps: 2, batch: 1, seed: 1 });
    expect(() => referenceRecurrent({ ...args, cellOptions: { layerNorm: true } })).toThrow(/ln_ih_weight_l0/);
  });
});
