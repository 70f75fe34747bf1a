import { describe, expect, it } from 'vitest';
import { ArgumentError, CharLanguageModel, TEXTBOOK_CELLS, gradientFlow, lastStepGradients, survivingFraction } from '../../src/index.js';
import { useRuntime } from '../helpers.js';

describe('the gradient-flow experiment', () => {
  const runtime = useRuntime();
  const ids = Int32Array.from({ length: 400 }, (_, k) => (k * 7 + (k >> 3)) % 11);

  it("measures each cell at initialisation with the engine's backward, trains, and measures again", async () => {
    const rt = runtime();
    const options = { hiddenSize: 8, steps: 6, batch: 2, trainSteps: 3, seed: 4 };
    for (const cell of TEXTBOOK_CELLS) {
      const result = await gradientFlow(rt, ids, 11, cell, options);
      expect(result.initial.length).toBe(6);
      expect(result.trained.length).toBe(6);
      expect(result.losses.length).toBe(3);
      expect(result.losses.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
      // The same model, made apart, gives the same initial curve.
      const model = new CharLanguageModel(rt, { vocabularySize: 11, hiddenSize: 8, embeddingDim: 8, seed: 4, cell: cell.cell, nonlinearity: cell.nonlinearity ?? 'tanh', recurrentInit: cell.recurrentInit ?? 'uniform', forgetBias: cell.forgetBias ?? 0 });
      const stride = Math.floor((ids.length - 7) / 2);
      const expected = (await lastStepGradients(model, [ids.subarray(0, 7), ids.subarray(stride, stride + 7)])).norms(0);
      expect(Array.from(result.initial)).toEqual(Array.from(expected));
      expect(Array.from(result.trained)).not.toEqual(Array.from(result.initial));
      model.dispose();
    }
    expect(survivingFraction(Float64Array.from([0.5, 1, 2]), 2)).toBe(0.25);
  });

  it('an LSTM with forget bias 1 starts with b_ih of its forget gate at 1; other cells refuse one', async () => {
    const rt = runtime();
    const model = new CharLanguageModel(rt, { vocabularySize: 5, hiddenSize: 3, forgetBias: 1 });
    const bias = (await model.stateDict())['rnn.bias_ih_l0']!.data;
    expect(Array.from(bias).slice(3, 6)).toEqual([1, 1, 1]);
    model.dispose();
    expect(() => new CharLanguageModel(rt, { vocabularySize: 5, hiddenSize: 3, cell: 'gru', forgetBias: 1 })).toThrow(/options.forgetBias: expected 0 for the GRU cell/);
    await expect(gradientFlow(rt, ids.subarray(0, 10), 11, TEXTBOOK_CELLS[0]!, { steps: 6, batch: 2 })).rejects.toThrow(/ids: expected at least 15 tokens/);
    await expect(gradientFlow(rt, ids, 11, TEXTBOOK_CELLS[0]!, { clip: 0 })).rejects.toThrow(ArgumentError);
  });
});
