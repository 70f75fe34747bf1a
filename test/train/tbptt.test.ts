import { describe, expect, it } from 'vitest';
import { Embedding, GRU, LSTM, Linear, Tensor, TruncatedBPTT, randomArray, randomGenerator, softmaxCrossEntropy, type Runtime, type Tape } from '../../src/index.js';
import { compareArrays } from '../checks/compare.js';
import { useRuntime } from '../helpers.js';

/**
 * Trains on `steps` steps of a synthetic stream in windows fed from the host; returns the
 * most bytes that live tensors held at once (the pool's peak in-use bytes).
 */
async function runStream(runtime: Runtime, steps: number, recompute: boolean): Promise<{ peak: number; lastLoss: number }> {
  const [B, I, H, C, window] = [2, 3, 8, 4, 100];
  const baseline = runtime.pool.stats().inUseBytes;
  const lstm = new LSTM(runtime, { inputSize: I, hiddenSize: H, numLayers: 2, init: { seed: 1 } });
  const head = new Linear(runtime, { inFeatures: H, outFeatures: C, seed: 2 });
  const trainer = new TruncatedBPTT(lstm, { recompute });
  const random = randomGenerator(3);
  let peak = 0;
  await runtime.sync();
  runtime.pool.resetPeak();
  let lastLoss = NaN;
  for (let t = 0; t < steps; t += window) {
    const x = Tensor.from(runtime, Float32Array.from({ length: window * B * I }, () => random()), [window, B, I]);
    const y = Tensor.from(runtime, Array.from({ length: window * B }, () => Math.floor(random() * C)), [window, B], 'i32');
    const loss = trainer.step(x, (output, tape) => {
      const logits = head.forward(output, tape);
      return softmaxCrossEntropy(logits, y, { tape }).loss;
    });
    // Read back only at the end: a read's staging buffer would count in the peak.
    if (t + window >= steps) {
      await runtime.sync();
      peak = runtime.pool.stats().peakInUseBytes;
      lastLoss = (await loss.read())[0]!;
    }
    for (const tensor of [x, y, loss]) tensor.dispose();
    runtime.submit();
  }
  trainer.reset();
  lstm.dispose();
  head.dispose();
  // Nothing the run made outlives it.
  expect(runtime.pool.stats().inUseBytes).toBe(baseline);
  return { peak, lastLoss };
}

describe('truncated BPTT', () => {
  const runtime = useRuntime();

  it('trains over 10,000 steps with the same peak memory as over 1,000', async () => {
    const rt = runtime();
    const short = await runStream(rt, 1_000, false);
    const long = await runStream(rt, 10_000, false);
    expect(Number.isFinite(long.lastLoss)).toBe(true);
    expect(long.peak).toBe(short.peak);
    // Bounded by the window: far below what 10,000 steps of saved activations would need.
    const wholeSequenceActivations = 10_000 * 2 * 7 * 8 * 4 * 2;
    expect(long.peak).toBeLessThan(wholeSequenceActivations / 4);
  });

  it('a window loss around the network trains like step(), carrying one RecurrentState', async () => {
    const rt = runtime();
    const [T, B, V, E, H] = [5, 2, 6, 3, 4];
    const run = async (general: boolean) => {
      const embedding = new Embedding(rt, { numEmbeddings: V, embeddingDim: E, seed: 1 });
      const lstm = new LSTM(rt, { inputSize: E, hiddenSize: H, init: { seed: 2 } });
      const head = new Linear(rt, { inFeatures: H, outFeatures: V, seed: 3 });
      const trainer = new TruncatedBPTT(lstm);
      const losses: number[] = [];
      for (let w = 0; w < 3; w++) {
        const ids = Tensor.from(rt, Array.from({ length: T * B }, (_, i) => (i * 5 + w) % V), [T, B], 'i32');
        const targets = Tensor.from(rt, Array.from({ length: T * B }, (_, i) => (i + w) % V), [T, B], 'i32');
        const lossOf = (output: Tensor<'f32'>, tape: Tape) => softmaxCrossEntropy(head.forward(output, tape), targets, { tape }).loss;
        let loss: Tensor;
        if (general) {
          loss = trainer.stepWith(ids, (tokens, state, tape) => {
            const r = lstm.forward(embedding.forward(tokens, tape), { ...(state ? { h0: state.h, c0: state.c! } : {}), tape });
            return { loss: lossOf(r.output, tape), state: { h: r.h, c: r.c } };
          });
        } else {
          // The same embedding on its own tape-less forward feeds step(); its gradient is not compared.
          const x = embedding.forward(ids);
          loss = trainer.step(x, lossOf);
          x.dispose();
        }
        losses.push((await loss.read())[0]!);
        for (const t of [ids, targets, loss]) t.dispose();
      }
      expect(trainer.state!.c).not.toBeNull();
      const result = { losses, lstm: await lstm.gradientStateDict(), head: await head.gradientStateDict() };
      trainer.reset();
      expect(trainer.state).toBeNull();
      for (const m of [embedding, lstm, head]) m.dispose();
      return result;
    };
    const a = await run(false);
    const b = await run(true);
    expect(b.losses).toEqual(a.losses);
    expect(b.lstm).toEqual(a.lstm);
    expect(b.head).toEqual(a.head);
  });

  it('recompute keeps less memory and gives the same gradients', async () => {
    const rt = runtime();
    const stored = await runStream(rt, 300, false);
    const recomputed = await runStream(rt, 300, true);
    expect(recomputed.peak).toBeLessThan(stored.peak);

    await expectRecomputeExact(() => new GRU(rt, { inputSize: 3, hiddenSize: 6, numLayers: 3, bidirectional: true, init: { seed: 4 } }));
  });

  it('recompute re-runs the options inside the cell exactly: the same masks, the same norms', async () => {
    const rt = runtime();
    const inside = { layerNorm: true, zoneout: { hidden: 0.3, cell: 0.2 }, recurrentDropout: 0.3, heads: 2, dropout: 0.2, dropoutSeed: 9 };
    await expectRecomputeExact(() => new LSTM(rt, { inputSize: 3, hiddenSize: 6, numLayers: 3, bidirectional: true, init: { seed: 4 }, ...inside }));
  });

  /** Gradients with and without recompute, of the first training forward of two networks made alike. */
  async function expectRecomputeExact(make: () => GRU | LSTM): Promise<void> {
    const rt = runtime();
    const gradientsWith = async (recompute: boolean) => {
      const network = make();
      const x = Tensor.from(rt, randomArray(7 * 2 * 3, 5), [7, 2, 3]);
      const seed = Tensor.from(rt, randomArray(7 * 2 * 12, 6), [7, 2, 12]);
      const pass = network.forwardTrain(x, { recompute, lengths: [7, 4] });
      const grads = pass.backward({ output: seed });
      const result = { input: await grads.input.read(), weights: await network.gradientStateDict() };
      network.dispose();
      return result;
    };
    const a = await gradientsWith(false);
    const b = await gradientsWith(true);
    expect(Array.from(b.input)).toEqual(Array.from(a.input));
    for (const name of Object.keys(a.weights)) {
      const comparison = compareArrays(b.weights[name]!.data, a.weights[name]!.data, { rtol: 0, atol: 0 });
      expect(comparison.ok, `${name}: ${comparison.message}`).toBe(true);
    }
  }
});
