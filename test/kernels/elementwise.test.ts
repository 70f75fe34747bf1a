import { describe, expect, it } from 'vitest';
import { RNN, Tensor, randomArray } from '../../src/index.js';
import { encodeDropout } from '../../src/kernels-entry.js';
import { dropoutMaskSeed } from '../../src/recurrent/state.js';
import { referenceDropoutKeeps, referenceDropoutScale, referenceRecurrent, referenceRecurrentGradients, type StateDict } from '../../src/reference/index.js';
import { compareArrays } from '../checks/compare.js';
import { useRuntime } from '../helpers.js';

describe('dropout', () => {
  const runtime = useRuntime();

  it('the kernel drops with probability p, scales by 1/(1−p), and repeats for the same seed', async () => {
    const rt = runtime();
    const n = 20_000;
    const x = Tensor.from(rt, new Float32Array(n).fill(1), [n]);
    const y = Tensor.empty(rt, [n]);
    const mask = { p: 0.3, seed: 1234, keyDiv: n, keyMod: n };
    encodeDropout(rt, x.buffer, y.buffer, n, mask);
    const out = await y.read();
    const expected = referenceDropoutScale(n, mask);
    expect(compareArrays(out, expected, { rtol: 1e-6 }).ok).toBe(true);
    const dropped = out.filter((v) => v === 0).length / n;
    expect(Math.abs(dropped - 0.3)).toBeLessThan(0.02);
  });

  for (const variational of [false, true]) {
    const masks = variational ? 'one mask per (sequence, feature), shared by every step' : 'a mask per element';
    it(`output and gradients through ${variational ? 'variational ' : ''}dropout match float64 with ${masks}`, async () => {
      const rt = runtime();
      const [T, B, I, H, p] = [5, 3, 2, 4, 0.4];
      const rnn = new RNN(rt, { inputSize: I, hiddenSize: H, numLayers: 2, dropout: p, variationalDropout: variational, dropoutSeed: 21, init: { seed: 3 } });
      const weights = await rnn.stateDict();
      const x = randomArray(T * B * I, 4);
      const seedOut = randomArray(T * B * H, 5);
      const pass = rnn.forwardTrain(Tensor.from(rt, x, [T, B, I]));
      const output = await pass.output.read();
      const grads = pass.backward({ output: Tensor.from(rt, seedOut, [T, B, H]) });
      const dInput = await grads.input.read();
      const dWeights = await rnn.gradientStateDict();

      // Float64: layer 0, the mask, layer 1, and back.
      const seed = dropoutMaskSeed(21, 1, 0);
      const scale = Float64Array.from({ length: T * B * H }, (_, i) => (referenceDropoutKeeps(seed, variational ? i % (B * H) : i, p) ? 1 / (1 - p) : 0));
      const layer = (l: number): StateDict => Object.fromEntries(Object.entries(weights).filter(([k]) => k.endsWith(`_l${l}`)).map(([k, v]) => [k.replace(`_l${l}`, '_l0'), v]));
      const args0 = { cell: 'rnn' as const, inputSize: I, hiddenSize: H, numLayers: 1, bidirectional: false, weights: layer(0), input: x, steps: T, batch: B };
      const out0 = referenceRecurrent(args0).output;
      const args1 = { ...args0, inputSize: H, weights: layer(1), input: out0.map((v, i) => v * scale[i]!) };
      const back1 = referenceRecurrentGradients(args1, { output: seedOut });
      const back0 = referenceRecurrentGradients(args0, { output: back1.input.map((v, i) => v * scale[i]!) });

      const tolerance = { rtol: 1e-4, atol: 1e-6 };
      expect(compareArrays(output, referenceRecurrent(args1).output, tolerance).ok).toBe(true);
      const dx = compareArrays(dInput, back0.input, tolerance);
      expect(dx.ok, dx.message).toBe(true);
      for (const [name, expected] of [...Object.entries(back0.weights), ...Object.entries(back1.weights).map(([k, v]) => [k.replace('_l0', '_l1'), v] as const)]) {
        const comparison = compareArrays(dWeights[name]!.data, expected, tolerance);
        expect(comparison.ok, `${name}: ${comparison.message}`).toBe(true);
      }
      rnn.dispose();
    });
  }

  it('inference (forward without a tape) applies no dropout', async () => {
    const rt = runtime();
    const make = (dropout: number) => new RNN(rt, { inputSize: 2, hiddenSize: 4, numLayers: 2, dropout, init: { seed: 8 } });
    const x = Tensor.from(rt, randomArray(4 * 2 * 2, 9), [4, 2, 2]);
    const [a, b] = [make(0.9), make(0)];
    expect(Array.from(await a.forward(x).output.read())).toEqual(Array.from(await b.forward(x).output.read()));
  });
});
