import { describe, expect, it } from 'vitest';
import { Adam, SequenceClassifier, Seq2Seq, Tape, Tensor, clipGradientNorm, lastStatePool, meanPool, randomArray, randomGenerator } from '../../src/index.js';
import { referenceLastStatePool, referenceLastStatePoolBackward, referenceMeanPool, referenceMeanPoolBackward } from '../../src/reference/index.js';
import { compareArrays } from '../checks/compare.js';
import { expectAllPass, useRuntime } from '../helpers.js';

const STEPS = 250;
const BOS = 10;
const EOS = 11;

/** The task: a digit string (length 1–8) → its distinct digits in ascending order. */
function sortDistinct(digits: number[]): number[] {
  return [...new Set(digits)].sort((a, b) => a - b);
}

function digitStrings(random: () => number, count: number): number[][] {
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * 10)));
}

describe('pooling against float64', () => {
  const runtime = useRuntime();

  it('mean over each sequence\'s steps, and the last layer\'s final state, forward and backward', async () => {
    const rt = runtime();
    const [T, N, F] = [5, 3, 4];
    const out = randomArray(T * N * F, 1);
    const lengths = [5, 1, 3];
    const output = Tensor.from(rt, out, [T, N, F]);
    const tape = new Tape(rt);
    const pooled = meanPool(output, lengths, tape);
    const expected = referenceMeanPool(out, T, lengths, F);
    const seedValues = randomArray(N * F, 2);
    const expectedGrad = referenceMeanPoolBackward(seedValues, T, lengths, F);
    const pooledValues = await pooled.read();
    tape.keep(pooled);
    const seed = Tensor.from(rt, seedValues, [N, F]);
    tape.backward(pooled, seed);
    const results = [
      { name: 'mean', ...compareArrays(pooledValues, expected, { rtol: 1e-6, atol: 1e-6 }) },
      { name: 'mean backward', ...compareArrays(await tape.gradient(output)!.read(), expectedGrad, { rtol: 1e-6, atol: 1e-6 }) },
    ];
    tape.dispose();

    // Last: L = 2 layers, D = 2 directions, H = 4 → the last layer's two blocks side by side.
    const [blocks, H] = [4, 4];
    const state = randomArray(blocks * N * H, 3);
    const h = Tensor.from(rt, state, [blocks, N, H]);
    const tape2 = new Tape(rt);
    const last = lastStatePool(h, 2, tape2);
    const stateSizes = { blocks, sequences: N, hidden: H, directions: 2 };
    const lastExpected = referenceLastStatePool(state, stateSizes);
    const lastValues = await last.read();
    const lastSeedValues = randomArray(N * 2 * H, 4);
    const lastSeedExpected = referenceLastStatePoolBackward(lastSeedValues, stateSizes);
    tape2.keep(last);
    const lastSeed = Tensor.from(rt, lastSeedValues, [N, 2 * H]);
    tape2.backward(last, lastSeed);
    results.push(
      { name: 'last', ...compareArrays(lastValues, lastExpected, { rtol: 0, atol: 0 }) },
      { name: 'last backward', ...compareArrays(await tape2.gradient(h)!.read(), lastSeedExpected, { rtol: 0, atol: 0 }) },
    );
    tape2.dispose();
    expectAllPass(results);
    for (const t of [output, pooled, seed, h, last, lastSeed]) t.dispose();
  });
});

describe('encoder-decoder', () => {
  const runtime = useRuntime();

  it('learns to sort a digit string and drop repeats (outputs shorter than inputs): greedy and beam search accuracy', async () => {
    const rt = runtime();
    const model = new Seq2Seq(rt, { sourceVocabularySize: 10, targetVocabularySize: 12, bos: BOS, eos: EOS, hiddenSize: 64, embeddingDim: 16, seed: 1 });
    const optimizer = new Adam(rt, model.parameters(), { lr: 0.01 });
    const random = randomGenerator(5);
    for (let step = 0; step < STEPS; step++) {
      const sources = digitStrings(random, 64);
      optimizer.zeroGradients();
      const loss = model.trainBatch(sources, sources.map(sortDistinct));
      clipGradientNorm(rt, optimizer.parameters, 5).dispose();
      optimizer.update();
      loss.dispose();
    }
    const test = digitStrings(randomGenerator(99), 200);
    const expected = test.map(sortDistinct);
    expect(expected.filter((e, n) => e.length < test[n]!.length).length).toBeGreaterThan(50);
    const greedy = await model.greedy(test, 12);
    const beam = await model.beam(test, { width: 3, maxLength: 12 });
    const accuracy = (out: number[][]) => out.filter((o, n) => o.join() === expected[n]!.join()).length / test.length;
    console.log(`sort-distinct accuracy after ${STEPS} steps: greedy ${accuracy(greedy)}, beam ${accuracy(beam)}`);
    expect(accuracy(greedy)).toBeGreaterThanOrEqual(0.95);
    expect(accuracy(beam)).toBeGreaterThanOrEqual(0.95);
    optimizer.dispose();
    model.dispose();
  });
});

describe('many-to-one classifier', () => {
  const runtime = useRuntime();

  for (const pooling of ['last', 'mean'] as const) {
    it(`learns majority of bits in strings of 3–15 (odd) bits, pooling '${pooling}'`, async () => {
      const rt = runtime();
      const model = new SequenceClassifier(rt, { vocabularySize: 2, classes: 2, hiddenSize: 24, embeddingDim: 8, pooling, seed: 2 });
      const optimizer = new Adam(rt, model.parameters(), { lr: 0.02 });
      const random = randomGenerator(pooling === 'last' ? 6 : 7);
      const batch = (N: number) => {
        const lengths = Array.from({ length: N }, () => 3 + 2 * Math.floor(random() * 7));
        const T = Math.max(...lengths);
        const tokens = new Int32Array(T * N);
        const labels = lengths.map((len, n) => {
          let ones = 0;
          for (let t = 0; t < len; t++) ones += tokens[t * N + n] = random() < 0.5 ? 1 : 0;
          return ones * 2 > len ? 1 : 0;
        });
        return { tokens: Tensor.from(rt, tokens, [T, N], 'i32'), lengths, labels };
      };
      for (let step = 0; step < 150; step++) {
        const { tokens, lengths, labels } = batch(32);
        const labelTensor = Tensor.from(rt, labels, [32], 'i32');
        optimizer.zeroGradients();
        model.trainBatch(tokens, lengths, labelTensor).dispose();
        optimizer.update();
        tokens.dispose();
        labelTensor.dispose();
      }
      const { tokens, lengths, labels } = batch(200);
      const predicted = await model.predict(tokens, lengths);
      const accuracy = predicted.filter((p, n) => p === labels[n]).length / 200;
      console.log(`majority (${pooling} pooling): accuracy ${accuracy}`);
      expect(accuracy).toBeGreaterThanOrEqual(0.9);
      tokens.dispose();
      optimizer.dispose();
      model.dispose();
    });
  }

  it('names bad labels before any GPU work', () => {
    const rt = runtime();
    const model = new SequenceClassifier(rt, { vocabularySize: 3, classes: 2, hiddenSize: 4 });
    const tokens = Tensor.zeros(rt, [2, 3], 'i32');
    const labels = Tensor.zeros(rt, [2], 'i32');
    rt.submit();
    expect(() => model.trainBatch(tokens, undefined, labels)).toThrow('labels: expected shape [3] (one per sequence), got shape [2]');
    expect(rt.hasPendingWork).toBe(false);
    for (const t of [tokens, labels]) t.dispose();
    model.dispose();
  });
});
