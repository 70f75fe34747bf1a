import { describe, expect, it } from 'vitest';
import { ArgumentError, CharLanguageModel, Tensor, charModelActivations, lastStepGradients } from '../../src/index.js';
import { compareArrays } from '../checks/compare.js';
import { useRuntime } from '../helpers.js';

describe('character model analysis: activations over a text, gradients of the last character back through time', () => {
  const runtime = useRuntime();

  it("activations: the top layer's h is the model's recurrent output over the text", async () => {
    const rt = runtime();
    const model = new CharLanguageModel(rt, { vocabularySize: 7, hiddenSize: 6, embeddingDim: 4, numLayers: 2, seed: 3 });
    const ids = [1, 4, 2, 6, 0, 3, 5, 1];
    const activations = await charModelActivations(model, ids);
    expect(activations.names).toEqual(['h', 'i', 'f', 'g', 'o', 'c']);
    const tokens = Tensor.from(rt, Int32Array.from(ids), [ids.length, 1], 'i32');
    const x = model.embedding.forward(tokens);
    const { output, h, c } = model.network.forward(x);
    const comparison = compareArrays(activations.get(1, 'h'), await output.read(), { rtol: 0, atol: 0 });
    expect(comparison.ok, comparison.message).toBe(true);
    for (const t of [tokens, x, output, h, c]) t?.dispose();
    await expect(charModelActivations(model, [1, 7])).rejects.toThrow(/ids\[1\]: expected a token id in \[0, 7\), got 7/);
    model.dispose();
  });

  it('last-step gradients: at the last step ∂L/∂h is W_headᵀ(softmax − one-hot)/B in float64; earlier steps get only the recurrent path, and gradients end at zero', async () => {
    const rt = runtime();
    const [V, H] = [5, 4];
    const model = new CharLanguageModel(rt, { vocabularySize: V, hiddenSize: H, embeddingDim: 3, cell: 'rnn', nonlinearity: 'relu', recurrentInit: 'identity', seed: 2 });
    const sequences = [[0, 1, 2, 3, 4, 1], [4, 3, 2, 1, 0, 2]];
    const B = sequences.length;
    const T = 5;
    const gradients = await lastStepGradients(model, sequences);
    expect([gradients.steps, gradients.batch, gradients.layers]).toEqual([T, B, 1]);
    const dict = await model.stateDict();
    const W = dict['head.weight']!.data;
    const bias = dict['head.bias']!.data;
    const hidden = await Promise.all(sequences.map(async (ids) => (await charModelActivations(model, ids.slice(0, T))).get(0, 'h')));
    const expected = new Float64Array(B * H);
    sequences.forEach((ids, b) => {
      const h = hidden[b]!.subarray((T - 1) * H, T * H);
      const logits = Array.from({ length: V }, (_, v) => bias[v]! + h.reduce((s, hj, j) => s + W[v * H + j]! * hj, 0));
      const top = Math.max(...logits);
      const exp = logits.map((l) => Math.exp(l - top));
      const total = exp.reduce((a, e) => a + e, 0);
      for (let j = 0; j < H; j++) {
        for (let v = 0; v < V; v++) expected[b * H + j]! += (W[v * H + j]! * (exp[v]! / total - (v === ids[T] ? 1 : 0))) / B;
      }
    });
    const last = gradients.values(0).subarray((T - 1) * B * H, T * B * H);
    const comparison = compareArrays(last, expected, { rtol: 1e-4, atol: 1e-6 });
    expect(comparison.ok, comparison.message).toBe(true);
    expect(Array.from(gradients.norms(0)).every((n) => Number.isFinite(n))).toBe(true);
    const grads = await model.gradientStateDict();
    expect(Object.values(grads).every((g) => Array.from(g.data).every((v) => v === 0))).toBe(true);
    await expect(lastStepGradients(model, [[1, 2, 3], [1, 2]])).rejects.toThrow(/sequences\[1\]: expected 3 ids, like sequences\[0\], got 2/);
    await expect(lastStepGradients(model, [])).rejects.toThrow(ArgumentError);
    expect(() => new CharLanguageModel(rt, { vocabularySize: V, hiddenSize: H, cell: 'gru', nonlinearity: 'relu' })).toThrow(/options.nonlinearity: expected 'tanh' for the GRU cell/);
    model.dispose();
  });
});
