/**
 * The main job as a benchmark case: one training step of `npm start`'s default run (the
 * CLI's defaults on Moby Dick: Embedding → LSTM → Linear → fused softmax cross-entropy,
 * truncated BPTT with the carried state, gradient clipping, Adam, loss read back), exactly
 * as the trainer calls it, on consecutive windows of the real corpus.
 */
import { Adam, CharLanguageModel, type RecurrentState, type Runtime } from '../src/index.js';
import { trainDefaults } from '../src/cli/options.js';
import { loadCorpus } from '../src/cli/trainer.js';
import { CharVocabulary } from '../src/data/vocabulary.js';
import { StreamBatches, splitStream } from '../src/data/batches.js';
import { disposeState } from '../src/core/state.js';
import { measure, profileOnce, type Measurement } from './measure.js';

export interface MainJobResult extends Measurement {
  tokensPerSecond: number;
  /** GPU milliseconds by kernel of one step (empty without timestamps). */
  profile: { kernel: string; dispatches: number; milliseconds: number }[];
  config: { vocabulary: number; embedding: number; hidden: number; steps: number; batch: number };
}

/** Multiply-adds × 2 of one step: LSTM forward and backward (3× the forward) and the output layer's three GEMMs. */
function stepFlops(c: MainJobResult['config']): number {
  const rows = c.steps * c.batch;
  const recurrent = 2 * rows * 4 * c.hidden * (c.embedding + c.hidden);
  const head = 2 * rows * c.hidden * c.vocabulary;
  return 3 * (recurrent + head);
}

export async function benchMainJob(runtime: Runtime, peakGflops: number, runs = 5): Promise<MainJobResult> {
  const options = trainDefaults('moby-dick');
  const corpus = loadCorpus(options.data, 0);
  const vocabulary = CharVocabulary.fromText(corpus.text);
  const { train } = splitStream(vocabulary.encode(corpus.text, 'moby-dick'), options.validation);
  const batches = new StreamBatches(train, { batch: options.batch, steps: options.seqLength });
  const model = new CharLanguageModel(runtime, { vocabularySize: vocabulary.size, embeddingDim: options.embedding, hiddenSize: options.hidden, numLayers: options.layers, cell: options.cell, seed: options.seed });
  const optimizer = new Adam(runtime, model.parameters(), { lr: options.lr });
  let carried: RecurrentState | null = null;
  let step = 0;
  const once = async (): Promise<void> => {
    carried = (await model.trainStep(batches.window(step++), carried, optimizer, options.clip)).state;
  };
  try {
    const timed = await measure(runtime, 'main job training step', once, runs);
    const profile = runtime.canProfile ? await profileOnce(runtime, once) : [];
    const config = { vocabulary: vocabulary.size, embedding: options.embedding, hidden: options.hidden, steps: options.seqLength, batch: options.batch };
    const gflops = stepFlops(config) / (timed.value / 1e3) / 1e9;
    return { ...timed, gflops, shareOfPeak: gflops / peakGflops, tokensPerSecond: (options.batch * options.seqLength) / (timed.value / 1e3), profile, config };
  } finally {
    disposeState(carried);
    optimizer.dispose();
    model.dispose();
  }
}

export function formatMainJob(m: MainJobResult): string {
  const total = m.profile.reduce((sum, t) => sum + t.milliseconds, 0);
  const c = m.config;
  return [
    `Main job (\`npm start\` defaults: LSTM ${c.hidden}, embedding ${c.embedding}, vocabulary ${c.vocabulary}, ${c.batch} streams × ${c.steps} characters, Adam, clip): one training step`,
    '',
    '| case | ms (min–max) | tokens/s | GFLOP/s | share of FMA peak |',
    '| --- | --- | --- | --- | --- |',
    `| main job training step | ${m.value.toFixed(1)} (${m.range.map((v) => v.toFixed(1)).join('–')}) | ${m.tokensPerSecond.toFixed(0)} | ${m.gflops!.toFixed(2)} | ${(100 * m.shareOfPeak!).toFixed(1)}% |`,
    ...(m.profile.length > 0
      ? ['', `GPU time of one step by kernel (${total.toFixed(1)} ms in all; each dispatch in a pass of its own):`, '', '| kernel | dispatches | GPU ms | share |', '| --- | --- | --- | --- |', ...m.profile.map((t) => `| ${t.kernel} | ${t.dispatches} | ${t.milliseconds.toFixed(1)} | ${((100 * t.milliseconds) / total).toFixed(1)}% |`)]
      : []),
  ].join('\n');
}
