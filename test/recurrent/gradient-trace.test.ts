import { describe, expect, it } from 'vitest';
import { ArgumentError, GradientTrace, Tensor, type RecurrentNetwork, type Runtime, type StateDict } from '../../src/index.js';
import { referenceRecurrent, referenceRecurrentGradients, type ReferenceRecurrentArgs } from '../../src/reference/index.js';
import { randomArray } from '../../src/util/random.js';
import { makeNetwork, spreadLengths, type RecurrentCase } from '../checks/recurrent-checks.js';
import { compareArrays } from '../checks/compare.js';
import { useRuntime } from '../helpers.js';

/** Layer `from`… of a state dict, renumbered from 0: the network above a layer, on its own. */
function layersFrom(dict: StateDict, from: number): StateDict {
  const result: StateDict = {};
  for (const [key, value] of Object.entries(dict)) {
    const match = /^(.*_l)(\d+)(.*)$/.exec(key)!;
    if (Number(match[2]) >= from) result[`${match[1]}${Number(match[2]) - from}${match[3]}`] = value;
  }
  return result;
}

const slice = (data: ArrayLike<number>, from: number, to: number) => Float64Array.from(Array.prototype.slice.call(data, from, to) as number[]);

/**
 * ∂L/∂h_t of every layer at time t, from the float64 reference alone (unidirectional): the
 * part through later steps is dL/dh0 of a run of the whole stack over steps t+1… started
 * from the states at t; the part through the output at t is the seed there (top layer) or
 * dL/d input at t of the stack above the layer.
 */
function referenceStepGradient(args: ReferenceRecurrentArgs, seeds: { output: Float32Array; h: Float32Array; c: Float32Array | null }, t: number): Float64Array[] {
  const { steps: T, batch: B, hiddenSize: H, inputSize: I, numLayers: L } = args;
  const lengths = args.lengths ?? new Array<number>(B).fill(T);
  const live = lengths.map((length) => t < length);
  const prefix = referenceRecurrent({ ...args, steps: t + 1, input: slice(args.input, 0, (t + 1) * B * I), lengths: lengths.map((n) => Math.min(n, t + 1)) });
  const rest = lengths.map((n) => Math.max(1, n - t - 1));
  const later = t + 1 < T
    ? referenceRecurrentGradients(
        { ...args, steps: T - t - 1, input: slice(args.input, (t + 1) * B * I, T * B * I), lengths: rest, h0: prefix.h, ...(prefix.c ? { c0: prefix.c } : {}) },
        { output: slice(seeds.output, (t + 1) * B * H, T * B * H), h: seeds.h, ...(seeds.c ? { c: seeds.c } : {}) },
      ).h0
    : null;
  const layerOutputs = Array.from({ length: L }, (_, l) => referenceRecurrent({ ...args, numLayers: l + 1, weights: args.weights }).output);
  return Array.from({ length: L }, (_, l) => {
    const direct = l === L - 1
      ? slice(seeds.output, t * B * H, (t + 1) * B * H)
      : slice(referenceRecurrentGradients(
          { ...args, numLayers: L - l - 1, inputSize: H, weights: layersFrom(args.weights, l + 1), input: layerOutputs[l]!, h0: undefined, c0: undefined },
          { output: seeds.output, h: seeds.h.subarray((l + 1) * B * H), ...(seeds.c ? { c: seeds.c.subarray((l + 1) * B * H) } : {}) },
        ).input, t * B * H, (t + 1) * B * H);
    return Float64Array.from({ length: B * H }, (_, k) => {
      const b = Math.floor(k / H);
      if (!live[b]) return 0;
      // At a sequence's last step nothing comes from later steps but the seed on its final state.
      const recurrent = t + 1 < lengths[b]! ? later![(l * B) * H + k]! : seeds.h[(l * B) * H + k]!;
      return recurrent + direct[k]!;
    });
  });
}

async function tracedGradients(rt: Runtime, network: RecurrentNetwork, input: Tensor, seeds: { output: Float32Array; h: Float32Array; c: Float32Array | null }, lengths?: number[], strategy?: 'split') {
  const trace = new GradientTrace();
  const pass = network.forwardTrain(input, { gradientTrace: trace, ...(lengths ? { lengths } : {}) }, strategy ? { backward: { strategy } } : {});
  const shape = pass.output.shape;
  const tensors = [Tensor.from(rt, seeds.output, shape), Tensor.from(rt, seeds.h, pass.h.shape), seeds.c ? Tensor.from(rt, seeds.c, pass.h.shape) : null];
  const result = pass.backward({ output: tensors[0]!, h: tensors[1]!, ...(tensors[2] ? { c: tensors[2] } : {}) });
  const gradients = await trace.read();
  for (const t of [...tensors, result.input, result.h0, result.c0, pass.output, pass.h, pass.c]) t?.dispose();
  trace.dispose();
  return gradients;
}

describe('gradient trace: ∂L/∂h_t of every step from the engine backward', () => {
  const runtime = useRuntime();
  const cases: (RecurrentCase & { lengths?: boolean })[] = [
    { cell: 'lstm', inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: false, steps: 6, batch: 3, lengths: true },
    { cell: 'gru', inputSize: 4, hiddenSize: 6, numLayers: 1, bidirectional: false, steps: 7, batch: 2 },
    { cell: 'rnn', nonlinearity: 'relu', inputSize: 2, hiddenSize: 4, numLayers: 1, bidirectional: false, steps: 5, batch: 2 },
  ];
  for (const c of cases) {
    it(`${c.cell} L=${c.numLayers} T=${c.steps} B=${c.batch}${c.lengths ? ' lengths' : ''}: every step and layer against the float64 reference (1e-4)`, async () => {
      const rt = runtime();
      const { steps: T, batch: B, inputSize: I, hiddenSize: H, numLayers: L } = c;
      const network = makeNetwork(rt, c);
      const x = randomArray(T * B * I, 3);
      const seeds = { output: randomArray(T * B * H, 4), h: randomArray(L * B * H, 5), c: c.cell === 'lstm' ? randomArray(L * B * H, 6) : null };
      const lengths = c.lengths ? spreadLengths(B, T) : undefined;
      const input = Tensor.from(rt, x, [T, B, I]);
      const traced = await tracedGradients(rt, network, input, seeds, lengths);
      const args: ReferenceRecurrentArgs = {
        cell: c.cell, nonlinearity: c.nonlinearity ?? 'tanh', inputSize: I, hiddenSize: H, numLayers: L, bidirectional: false,
        weights: await network.stateDict(), input: x, steps: T, batch: B, ...(lengths ? { lengths } : {}),
      };
      for (let t = 0; t < T; t++) {
        const expected = referenceStepGradient(args, seeds, t);
        for (let l = 0; l < L; l++) {
          const actual = traced.values(l).subarray(t * B * H, (t + 1) * B * H);
          const comparison = compareArrays(actual, expected[l]!, { rtol: 1e-4, atol: 1e-5 });
          expect(comparison.ok, `layer ${l}, t=${t}: ${comparison.message}`).toBe(true);
        }
      }
      const norms = traced.norms(L - 1);
      expect(norms[T - 1]).toBeCloseTo(Math.hypot(...traced.values(L - 1).subarray((T - 1) * B * H, T * B * H)), 4);
      input.dispose();
      network.dispose();
    });
  }

  it('the split strategy traces the same gradients as the persistent one', async () => {
    const rt = runtime();
    const c: RecurrentCase = { cell: 'lstm', inputSize: 3, hiddenSize: 8, numLayers: 1, bidirectional: false, steps: 5, batch: 2 };
    const network = makeNetwork(rt, c);
    const input = Tensor.from(rt, randomArray(5 * 2 * 3, 1), [5, 2, 3]);
    const seeds = { output: randomArray(5 * 2 * 8, 2), h: randomArray(2 * 8, 3), c: randomArray(2 * 8, 4) };
    const persistent = await tracedGradients(rt, network, input, seeds);
    const split = await tracedGradients(rt, network, input, seeds, undefined, 'split');
    const comparison = compareArrays(split.values(0), persistent.values(0), { rtol: 1e-5, atol: 1e-6 });
    expect(comparison.ok, comparison.message).toBe(true);
    input.dispose();
    network.dispose();
  });

  it("bidirectional: the reverse direction's trace is a forward network's on the reversed input, reversed in time", async () => {
    const rt = runtime();
    const [T, B, I, H] = [6, 2, 3, 4];
    const both = makeNetwork(rt, { cell: 'gru', inputSize: I, hiddenSize: H, numLayers: 1, bidirectional: true, steps: T, batch: B });
    const forwardOnly = makeNetwork(rt, { cell: 'gru', inputSize: I, hiddenSize: H, numLayers: 1, bidirectional: false, steps: T, batch: B });
    const dict = await both.stateDict();
    forwardOnly.loadStateDict(Object.fromEntries(Object.entries(dict).filter(([k]) => k.endsWith('_reverse')).map(([k, v]) => [k.replace('_reverse', ''), v])));
    const x = randomArray(T * B * I, 8);
    const reversed = new Float32Array(x.length);
    for (let t = 0; t < T; t++) reversed.set(x.subarray(t * B * I, (t + 1) * B * I), (T - 1 - t) * B * I);
    const dOut = randomArray(T * B * 2 * H, 9);
    const dOutReverse = new Float32Array(T * B * H);
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) dOutReverse[((T - 1 - t) * B + b) * H + j] = dOut[(t * B + b) * 2 * H + H + j]!;
    const dh = randomArray(2 * B * H, 10);
    const inputBoth = Tensor.from(rt, x, [T, B, I]);
    const inputReversed = Tensor.from(rt, reversed, [T, B, I]);
    const traced = await tracedGradients(rt, both, inputBoth, { output: dOut, h: dh, c: null });
    const single = await tracedGradients(rt, forwardOnly, inputReversed, { output: dOutReverse, h: dh.subarray(B * H), c: null });
    for (let t = 0; t < T; t++) {
      const actual = traced.values(0).subarray((t * 2 + 1) * B * H, (t * 2 + 2) * B * H);
      const expected = single.values(0).subarray((T - 1 - t) * B * H, (T - t) * B * H);
      const comparison = compareArrays(actual, expected, { rtol: 1e-5, atol: 1e-6 });
      expect(comparison.ok, `t=${t}: ${comparison.message}`).toBe(true);
    }
    expect(Array.from(traced.norms(0, 1)).every((n) => n > 0)).toBe(true);
    for (const t of [inputBoth, inputReversed]) t.dispose();
    both.dispose();
    forwardOnly.dispose();
  });

  it('refuses a trace on an inference forward, before any GPU work; a trace is read only after backward and filled once', async () => {
    const rt = runtime();
    const network = makeNetwork(rt, { cell: 'rnn', inputSize: 2, hiddenSize: 3, numLayers: 1, bidirectional: false, steps: 2, batch: 1 });
    const input = Tensor.from(rt, new Float32Array(4), [2, 1, 2]);
    await rt.sync();
    const trace = new GradientTrace();
    expect(() => network.forward(input, { gradientTrace: trace })).toThrow(/state\.gradientTrace: expected a GradientTrace, on a training forward.*got a forward without a tape/);
    expect(() => network.forwardTrain(input, { gradientTrace: {} as GradientTrace })).toThrow(ArgumentError);
    expect(rt.hasPendingWork).toBe(false);
    await expect(trace.read()).rejects.toThrow(/gradientTrace: expected a trace filled by a backward/);
    network.forwardTrain(input, { gradientTrace: trace }).backward({});
    const again = network.forwardTrain(input, { gradientTrace: trace });
    expect(() => again.backward({})).toThrow(/one already filled/);
    again.release();
    trace.dispose();
    input.dispose();
    network.dispose();
  });
});
