import { describe, expect, it } from 'vitest';
import { Embedding, GRU, Linear, Tape, Tensor, softmaxCrossEntropy } from '../../src/index.js';
import {
  referenceEmbedding,
  referenceEmbeddingBackward,
  referenceLinear,
  referenceLinearBackward,
  referenceRecurrent,
  referenceRecurrentGradients,
  referenceSoftmaxCrossEntropy,
} from '../../src/reference/index.js';
import { compareArrays } from '../checks/compare.js';
import { useRuntime } from '../helpers.js';

describe('embedding', () => {
  const runtime = useRuntime();

  it('gathers rows and scatter-adds gradients (repeated ids add up; padding gets none)', async () => {
    const rt = runtime();
    const [V, D] = [7, 5];
    const embedding = new Embedding(rt, { numEmbeddings: V, embeddingDim: D, paddingIdx: 0, seed: 1 });
    const table = await embedding.weight.read();
    expect(Array.from(table.subarray(0, D))).toEqual([0, 0, 0, 0, 0]);
    const ids = [3, 0, 3, 6, 1, 3, 6, 2];
    const tokens = Tensor.from(rt, ids, [2, 4], 'i32');
    const tape = new Tape(rt);
    const out = embedding.forward(tokens, tape);
    expect(out.shape).toEqual([2, 4, D]);
    expect(Array.from(await out.read())).toEqual(Array.from(referenceEmbedding(table, ids, D)));

    const upstream = Float32Array.from({ length: ids.length * D }, (_, i) => Math.sin(i));
    // A known gradient into the embedding: d out = upstream, as tape.backward's seed.
    tape.backward(out, Tensor.from(rt, upstream, [2, 4, D]));
    const grad = await embedding.weightGrad.read();
    const reference = referenceEmbeddingBackward(upstream, ids, V, D, 0);
    const comparison = compareArrays(grad, reference, { rtol: 1e-6, atol: 1e-7 });
    expect(comparison.ok, comparison.message).toBe(true);
    tape.dispose();
  });

  it('scatter-adds rows wider than one invocation\'s span of features (D = 19: spans of 8, 8 and 3)', async () => {
    const rt = runtime();
    const [V, D, N] = [11, 19, 40];
    const embedding = new Embedding(rt, { numEmbeddings: V, embeddingDim: D, paddingIdx: 4, seed: 5 });
    const ids = Array.from({ length: N }, (_, i) => (i * 7 + 3) % V);
    const tape = new Tape(rt);
    const out = embedding.forward(Tensor.from(rt, ids, [N], 'i32'), tape);
    const upstream = Float32Array.from({ length: N * D }, (_, i) => Math.cos(0.37 * i));
    tape.backward(out, Tensor.from(rt, upstream, [N, D]));
    const comparison = compareArrays(await embedding.weightGrad.read(), referenceEmbeddingBackward(upstream, ids, V, D, 4), { rtol: 1e-6, atol: 1e-6 });
    expect(comparison.ok, comparison.message).toBe(true);
    tape.dispose();
  });

  it('embedding → GRU → linear → cross-entropy: every gradient matches float64', async () => {
    const rt = runtime();
    const [T, B, V, E, H, C] = [5, 3, 9, 4, 6, 9];
    const embedding = new Embedding(rt, { numEmbeddings: V, embeddingDim: E, seed: 2 });
    const gru = new GRU(rt, { inputSize: E, hiddenSize: H, init: { seed: 3 } });
    const head = new Linear(rt, { inFeatures: H, outFeatures: C, seed: 4 });
    const ids = Array.from({ length: T * B }, (_, i) => (i * 5 + 1) % V);
    const targets = Array.from({ length: T * B }, (_, i) => (i * 2 + 3) % C);
    const tape = new Tape(rt);
    const x = embedding.forward(Tensor.from(rt, ids, [T, B], 'i32'), tape);
    const { output } = gru.forward(x, { tape });
    const { loss } = softmaxCrossEntropy(head.forward(output, tape), Tensor.from(rt, targets, [T, B], 'i32'), { tape });
    tape.backward(loss);

    const table = await embedding.weight.read();
    const weights = await gru.stateDict();
    const [W, b] = [(await head.stateDict()).weight!.data, (await head.stateDict()).bias!.data];
    const input = referenceEmbedding(table, ids, E);
    const args = { cell: 'gru' as const, inputSize: E, hiddenSize: H, numLayers: 1, bidirectional: false, weights, input, steps: T, batch: B };
    const hidden = referenceRecurrent(args).output;
    const logits = referenceLinear(hidden, T * B, W, b, H, C);
    const { dLogits } = referenceSoftmaxCrossEntropy(logits, targets, C, { ignoreIndex: -100, reduction: 'mean' });
    const dHidden = referenceLinearBackward(hidden, dLogits, T * B, W, H, C).dx;
    const back = referenceRecurrentGradients(args, { output: dHidden });
    const dTable = referenceEmbeddingBackward(back.input, ids, V, E);
    const comparison = compareArrays(await embedding.weightGrad.read(), dTable, { rtol: 1e-4, atol: 1e-6 });
    expect(comparison.ok, comparison.message).toBe(true);
    const gruGrads = await gru.gradientStateDict();
    for (const [name, expected] of Object.entries(back.weights)) {
      const c = compareArrays(gruGrads[name]!.data, expected, { rtol: 1e-4, atol: 1e-6 });
      expect(c.ok, `${name}: ${c.message}`).toBe(true);
    }
    tape.dispose();
  });

  it('rejects float tokens and a padding index out of range', () => {
    const rt = runtime();
    expect(() => new Embedding(rt, { numEmbeddings: 4, embeddingDim: 2, paddingIdx: 4 })).toThrow(/options.paddingIdx: expected an integer in \[0, 3\], got 4/);
    const embedding = new Embedding(rt, { numEmbeddings: 4, embeddingDim: 2 });
    const floats = Tensor.zeros(rt, [3]);
    rt.submit();
    expect(() => embedding.forward(floats)).toThrow(/tokens: expected dtype i32, got dtype f32/);
    expect(rt.hasPendingWork).toBe(false);
  });
});
