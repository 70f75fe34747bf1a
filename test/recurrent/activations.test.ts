import { describe, expect, it } from 'vitest';
import { ArgumentError, Tensor, activationNames, type StateDict } from '../../src/index.js';
import { referenceRecurrent } from '../../src/reference/index.js';
import { randomArray } from '../../src/util/random.js';
import { makeNetwork, spreadLengths, type RecurrentCase } from '../checks/recurrent-checks.js';
import { compareArrays } from '../checks/compare.js';
import { useRuntime } from '../helpers.js';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** W·v (+ b) for the rows [from, from + count) of a PyTorch [rows, cols] weight. */
function affine(dict: StateDict, weight: string, bias: string, v: ArrayLike<number>, from: number, count: number): Float64Array {
  const w = dict[weight]!;
  const cols = w.shape[1]!;
  return Float64Array.from({ length: count }, (_, r) => {
    let sum = dict[bias]!.data[from + r]!;
    for (let k = 0; k < cols; k++) sum += w.data[(from + r) * cols + k]! * v[k]!;
    return sum;
  });
}

/**
 * The gates (and LSTM's c) of one layer and direction in float64, from the weights, the
 * layer's input and its previous h as the reference computes it: [T, B, H] per name.
 */
function gatesOf(cell: 'lstm' | 'gru', dict: StateDict, suffix: string, x: Float64Array, hPrev: (t: number, b: number) => Float64Array, order: number[], B: number, H: number, I: number): Map<string, Float64Array> {
  const T = order.length;
  const names = cell === 'lstm' ? ['i', 'f', 'g', 'o', 'c'] : ['r', 'z', 'n'];
  const result = new Map(names.map((n) => [n, new Float64Array(T * B * H)]));
  for (let b = 0; b < B; b++) {
    let c = new Float64Array(H);
    for (const t of order) {
      const xt = x.subarray((t * B + b) * I, (t * B + b + 1) * I);
      const h = hPrev(t, b);
      const put = (name: string, values: ArrayLike<number>) => result.get(name)!.set(values, (t * B + b) * H);
      const gi = (g: number) => affine(dict, `weight_ih_${suffix}`, `bias_ih_${suffix}`, xt, g * H, H);
      const gh = (g: number) => affine(dict, `weight_hh_${suffix}`, `bias_hh_${suffix}`, h, g * H, H);
      if (cell === 'lstm') {
        const [i, f, g, o] = [0, 1, 2, 3].map((k) => gi(k).map((v, j) => v + gh(k)[j]!));
        const ig = i!.map(sigmoid), fg = f!.map(sigmoid), gg = g!.map(Math.tanh), og = o!.map(sigmoid);
        c = c.map((v, j) => fg[j]! * v + ig[j]! * gg[j]!);
        [['i', ig], ['f', fg], ['g', gg], ['o', og], ['c', c]].forEach(([n, v]) => put(n as string, v as Float64Array));
      } else {
        const r = gi(0).map((v, j) => sigmoid(v + gh(0)[j]!));
        const z = gi(1).map((v, j) => sigmoid(v + gh(1)[j]!));
        const n = gi(2).map((v, j) => Math.tanh(v + r[j]! * gh(2)[j]!));
        put('r', r); put('z', z); put('n', n);
      }
    }
  }
  return result;
}

describe('activations: per-step h, c and gates of every layer from an evaluation forward', () => {
  const runtime = useRuntime();
  const cases: (RecurrentCase & { cell: 'lstm' | 'gru' })[] = [
    { cell: 'lstm', inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: false, steps: 6, batch: 3, withLengths: true },
    { cell: 'gru', inputSize: 4, hiddenSize: 3, numLayers: 1, bidirectional: true, steps: 5, batch: 2, batchFirst: true },
  ];
  for (const c of cases) {
    it(`${c.cell} L=${c.numLayers}${c.bidirectional ? ' bi' : ''}${c.withLengths ? ' lengths' : ''}${c.batchFirst ? ' batchFirst' : ''}: against float64 (1e-5)`, async () => {
      const rt = runtime();
      const { steps: T, batch: B, inputSize: I, hiddenSize: H, numLayers: L } = c;
      const D = c.bidirectional ? 2 : 1;
      const network = makeNetwork(rt, c);
      const dict = await network.stateDict();
      const x = randomArray(T * B * I, 2);
      const lengths = c.withLengths ? spreadLengths(B, T) : undefined;
      const batchFirstX = new Float32Array(x.length);
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) batchFirstX.set(x.subarray((t * B + b) * I, (t * B + b + 1) * I), (b * T + t) * I);
      const input = c.batchFirst ? Tensor.from(rt, batchFirstX, [B, T, I]) : Tensor.from(rt, x, [T, B, I]);
      const activations = await network.activations(input, lengths ? { lengths } : {});
      expect(activations.names).toEqual(activationNames(network.variant));
      expect(activations.names).toEqual(c.cell === 'lstm' ? ['h', 'i', 'f', 'g', 'o', 'c'] : ['h', 'r', 'z', 'n']);
      let layerInput: Float64Array = Float64Array.from(x);
      for (let l = 0; l < L; l++) {
        const inputSize = l === 0 ? I : D * H;
        const reference = referenceRecurrent({ cell: c.cell, inputSize: I, hiddenSize: H, numLayers: l + 1, bidirectional: c.bidirectional, weights: dict, input: x, steps: T, batch: B, ...(lengths ? { lengths } : {}) }).output;
        for (let d = 0; d < D; d++) {
          const at = (t: number, b: number) => reference.subarray((t * B + b) * D * H + d * H, (t * B + b) * D * H + (d + 1) * H);
          const length = (b: number) => lengths?.[b] ?? T;
          const expected = new Map<string, Float64Array>([['h', new Float64Array(T * B * H)]]);
          for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) expected.get('h')!.set(at(t, b), (t * B + b) * H);
          const suffix = `l${l}${d === 1 ? '_reverse' : ''}`;
          for (let b = 0; b < B; b++) {
            // One sequence at a time, in its own processing order, from the previous h of its direction.
            const order = Array.from({ length: length(b) }, (_, s) => (d === 0 ? s : length(b) - 1 - s));
            const previous = (t: number, bb: number) => (d === 0 ? (t > 0 ? at(t - 1, bb) : new Float64Array(H)) : t + 1 < length(bb) ? at(t + 1, bb) : new Float64Array(H));
            const gates = gatesOf(c.cell, dict, suffix, layerInput, previous, order, B, H, inputSize);
            for (const [name, values] of gates) {
              if (!expected.has(name)) expected.set(name, new Float64Array(T * B * H));
              for (const t of order) expected.get(name)!.set(values.subarray((t * B + b) * H, (t * B + b + 1) * H), (t * B + b) * H);
            }
          }
          for (const [name, values] of expected) {
            const all = activations.get(l, name);
            const actual = new Float32Array(T * B * H);
            for (let t = 0; t < T; t++) actual.set(all.subarray((t * D + d) * B * H, (t * D + d + 1) * B * H), t * B * H);
            const comparison = compareArrays(actual, values, { rtol: 1e-5, atol: 1e-5 });
            expect(comparison.ok, `layer ${l} direction ${d} ${name}: ${comparison.message}`).toBe(true);
          }
        }
        layerInput = reference;
      }
      const unit = activations.unit(L - 1, 'h', H - 1, { batch: B - 1, direction: D - 1 });
      expect(unit.length).toBe(T);
      expect(unit[0]).toBe(activations.get(L - 1, 'h')[((0 * D + D - 1) * B + B - 1) * H + H - 1]);
      input.dispose();
      network.dispose();
    });
  }

  it("layer norm: the gates and c are the cell's own (c = f·c_prev + i·g); an Elman cell has h only; bad names and indices are refused", async () => {
    const rt = runtime();
    const [T, H] = [4, 4];
    const normed = makeNetwork(rt, { cell: 'lstm', inputSize: 2, hiddenSize: H, numLayers: 1, bidirectional: false, steps: T, batch: 1, inside: { layerNorm: true } });
    const elman = makeNetwork(rt, { cell: 'rnn', inputSize: 2, hiddenSize: H, numLayers: 1, bidirectional: false, steps: T, batch: 1 });
    const input = Tensor.from(rt, randomArray(T * 2, 1), [T, 1, 2]);
    const lstm = await normed.activations(input);
    expect(lstm.names).toEqual(['h', 'i', 'f', 'g', 'o', 'c']);
    const [i, f, g, c] = ['i', 'f', 'g', 'c'].map((n) => lstm.get(0, n));
    const recurrence = Float64Array.from(c!, (_, k) => f![k]! * (k >= H ? c![k - H]! : 0) + i![k]! * g![k]!);
    const comparison = compareArrays(c!, recurrence, { rtol: 1e-5, atol: 1e-6 });
    expect(comparison.ok, comparison.message).toBe(true);
    const rnn = await elman.activations(input);
    expect(rnn.names).toEqual(['h']);
    expect(() => rnn.get(0, 'c')).toThrow(/name: expected one of 'h' \(what this cell keeps\)/);
    expect(() => rnn.get(1, 'h')).toThrow(ArgumentError);
    expect(() => rnn.unit(0, 'h', H)).toThrow(/unit: expected an integer in \[0, 4\)/);
    for (const network of [normed, elman]) network.dispose();
    input.dispose();
  });

  it('does not draw masks: dropout, zoneout and the dropout call count stay as they were', async () => {
    const rt = runtime();
    const network = makeNetwork(rt, { cell: 'lstm', inputSize: 2, hiddenSize: 4, numLayers: 2, bidirectional: false, steps: 4, batch: 2, inside: { zoneout: 0.3 } });
    const input = Tensor.from(rt, randomArray(16, 3), [4, 2, 2]);
    const activations = await network.activations(input);
    const { output } = network.forward(input);
    const comparison = compareArrays(activations.get(1, 'h').slice(), await output.read(), { rtol: 0, atol: 0 });
    expect(comparison.ok, comparison.message).toBe(true);
    expect(network.dropoutCalls).toBe(0);
    for (const t of [input, output]) t.dispose();
    network.dispose();
  });
});
