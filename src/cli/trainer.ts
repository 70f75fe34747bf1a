/**
 * The main job: a character-level language model trained end to end with truncated BPTT.
 * Batches are a pure function of the step, and checkpoints hold the weights, the Adam
 * state, the carried hidden state and the vocabulary, so a resumed run continues exactly,
 * and so does a run stopped by its signal (Ctrl-C), which checkpoints the step it finished.
 * Files: see run-checkpoint.ts, and metrics.jsonl (metrics-log.ts).
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor } from '../tensor.js';
import { Adam } from '../train/optimizers.js';
import { loadCheckpoint, saveCheckpoint } from '../train/checkpoint.js';
import { CharLanguageModel } from '../models/char-lm.js';
import { readCharModelCheckpoint } from '../models/char-lm-checkpoint.js';
import { CharVocabulary } from '../data/vocabulary.js';
import { StreamBatches, splitStream, unigramBitsPerToken } from '../data/batches.js';
import { generate } from '../generate/sampling.js';
import { disposeState, type RecurrentState } from '../generate/token-model.js';
import { firstNames, mobyDick, textFile, type Corpus } from './corpora.js';
import { OptionError, type TrainOptions } from './options.js';
import { MetricsLog } from './metrics-log.js';
import { CHECKPOINT_FORMAT, RunDirectory, carriedStateCheckpoint, type RunCheckpointJson, type TrainHistory } from './run-checkpoint.js';

export interface StepInfo {
  step: number;
  steps: number;
  /** Training loss of this step, in nats per character. */
  loss: number;
  /** Epochs of training text seen (windows per lane so far / windows per lane). */
  epoch: number;
  lr: number;
  /** Global gradient norm before clipping. */
  gradientNorm: number;
  /** Smoothed over recent steps, validation and checkpoints included. */
  tokensPerSecond: number;
  secondsLeft: number;
  /** The latest validation, in bits per character, and its step. */
  lastValidation: { step: number; bitsPerCharacter: number } | null;
}

export interface TrainHooks {
  onStart?(info: { corpus: string; characters: number; vocabulary: number; unigram: number; parameters: number; startStep: number; steps: number; options: TrainOptions }): void;
  onStep?(info: StepInfo): void;
  onValidation?(info: { step: number; bitsPerCharacter: number }): void;
  onSample?(info: { step: number; text: string }): void;
  onCheckpoint?(info: { step: number; path: string; best: boolean }): void;
  /** When aborted, training stops after the current step and checkpoints it. */
  signal?: AbortSignal;
}

export interface TrainResult {
  history: TrainHistory;
  checkpoint: string;
  /** True when the signal stopped the run before its last step. */
  interrupted: boolean;
}

export function loadCorpus(data: string, minimum: number): Corpus {
  if (data === 'moby-dick') return mobyDick();
  if (data === 'names') return firstNames();
  return textFile(data, minimum);
}

/** Seconds per step as an exponential moving average; the first step (shader compiles) is dropped once a second one exists. */
class StepClock {
  private last = performance.now();
  private average: number | null = null;
  private seen = 0;

  tick(): number {
    const now = performance.now();
    const seconds = (now - this.last) / 1000;
    this.last = now;
    this.seen++;
    this.average = this.average === null || this.seen === 2 ? seconds : 0.9 * this.average + 0.1 * seconds;
    return this.average;
  }
}

export async function train(runtime: Runtime, requested: TrainOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  const resumed = requested.resume ? await readResumed(requested.resume) : null;
  // A resumed run keeps the model, data and optimizer settings of its checkpoint; steps,
  // evaluation, samples and checkpointing follow the command line.
  const options: TrainOptions = resumed
    ? { ...resumed.json.options, steps: requested.steps, evalEvery: requested.evalEvery, evalWindows: requested.evalWindows, sampleEvery: requested.sampleEvery, sampleLength: requested.sampleLength, temperature: requested.temperature, checkpointDir: requested.checkpointDir, checkpointEvery: requested.checkpointEvery, keepBest: requested.keepBest, resume: requested.resume }
    : requested;
  const { batch: B, seqLength: T } = options;
  const minimum = Math.ceil((B * T + 1) / (1 - options.validation)) + T + 1;
  const corpus = loadCorpus(options.data, minimum);
  const vocabulary = resumed ? new CharVocabulary(resumed.json.vocabulary) : CharVocabulary.fromText(corpus.text);
  const ids = vocabulary.encode(corpus.text, `--data ${options.data}`);
  const { train: trainIds, validation: validationIds } = splitStream(ids, options.validation);
  if (trainIds.length < B * T + 1) throw new OptionError(`--batch ${B} and --seq-length ${T}: expected at most ${trainIds.length - 1} training characters per step, got ${B * T}`);
  const batches = new StreamBatches(trainIds, { batch: B, steps: T });
  const validationBatches = new StreamBatches(validationIds, { batch: Math.min(B, Math.max(1, Math.floor((validationIds.length - 1) / T))), steps: T });
  const unigram = unigramBitsPerToken(trainIds, validationIds, vocabulary.size);

  const model = new CharLanguageModel(runtime, {
    vocabularySize: vocabulary.size,
    embeddingDim: options.embedding,
    hiddenSize: options.hidden,
    numLayers: options.layers,
    cell: options.cell,
    dropout: options.dropout,
    layerNorm: options.layerNorm,
    seed: options.seed,
  });
  const parameters = model.parameters();
  const optimizer = new Adam(runtime, parameters, { lr: options.lr });
  let carried: RecurrentState | null = null;
  const carriedPart = carriedStateCheckpoint(() => carried, (s) => (carried = s), [options.layers, B, options.hidden], runtime, options.cell === 'lstm');
  let history: TrainHistory = { losses: [], validation: [], unigramBitsPerCharacter: unigram };
  let startStep = 0;
  if (resumed) {
    loadCheckpoint(resumed.tensors, { model, state: carriedPart }, optimizer);
    if (!resumed.json.carriedState) {
      disposeState(carried);
      carried = null;
    }
    model.network.dropoutCalls = resumed.json.dropoutCalls;
    history = structuredClone(resumed.json.history);
    startStep = resumed.json.step;
  }
  hooks.onStart?.({ corpus: corpus.name, characters: ids.length, vocabulary: vocabulary.size, unigram, parameters: parameters.reduce((n, p) => n + p.value.size, 0), startStep, steps: options.steps, options });

  const metrics = new MetricsLog(options.checkpointDir, startStep);
  const run = new RunDirectory(options.checkpointDir);
  const validate = async (step: number): Promise<number> => {
    let state: RecurrentState | null = null;
    let total = 0;
    const windows = Math.min(options.evalWindows, validationBatches.windowsPerEpoch);
    for (let w = 0; w < windows; w++) {
      const window = validationBatches.window(w);
      const tokens = Tensor.from(runtime, window.input, [T, validationBatches.batch], 'i32');
      const targets = Tensor.from(runtime, window.target, [T, validationBatches.batch], 'i32');
      const { loss, state: after } = model.evaluateWindow(tokens, targets, state);
      disposeState(state);
      state = after;
      total += (await loss.read())[0]!;
      for (const t of [tokens, targets, loss]) t.dispose();
    }
    disposeState(state);
    const bitsPerCharacter = total / windows / Math.LN2;
    history.validation.push({ step, bitsPerCharacter });
    metrics.validation(step, bitsPerCharacter);
    hooks.onValidation?.({ step, bitsPerCharacter });
    return bitsPerCharacter;
  };

  const sample = async (step: number): Promise<void> => {
    const [tokens] = await generate(runtime, model, { prompt: vocabulary.encode(corpus.primer), length: options.sampleLength, temperature: options.temperature, seed: options.seed + step });
    hooks.onSample?.({ step, text: vocabulary.decode(tokens!) });
  };

  const checkpointJson = (step: number): Omit<RunCheckpointJson, 'tensors'> => ({
    format: CHECKPOINT_FORMAT,
    step,
    options: { ...options, resume: null },
    model: model.config,
    vocabulary: [...vocabulary.symbols],
    corpus: { name: corpus.name, primer: corpus.primer },
    dropoutCalls: model.network.dropoutCalls,
    carriedState: carried !== null,
    history,
  });
  const tensors = () => saveCheckpoint({ model, state: carriedPart }, optimizer, { format: CHECKPOINT_FORMAT });
  let lastCheckpoint = '';
  const checkpoint = async (step: number): Promise<void> => {
    lastCheckpoint = run.save(checkpointJson(step), await tensors());
    hooks.onCheckpoint?.({ step, path: lastCheckpoint, best: false });
  };
  // --keep-best: best.json holds the lowest validation this directory has seen.
  const keepIfBest = async (step: number, bitsPerCharacter: number): Promise<void> => {
    if (!options.keepBest || !(bitsPerCharacter < run.bestValidation())) return;
    const path = run.saveBest(checkpointJson(step), await tensors());
    hooks.onCheckpoint?.({ step, path, best: true });
  };

  try {
    const clock = new StepClock();
    let lastValidation = history.validation.at(-1) ?? null;
    if (startStep === 0) lastValidation = { step: 0, bitsPerCharacter: await validate(0) };
    let step = startStep;
    while (step < options.steps && !hooks.signal?.aborted) {
      const { loss, gradientNorm, state } = await model.trainStep(batches.window(step), carried, optimizer, options.clip);
      carried = state;
      history.losses.push(loss);
      const done = ++step;
      // Ticks after each step, so an interval holds one step and the previous step's validation, sample and checkpoint.
      const secondsPerStep = clock.tick();
      metrics.train(done, loss, (B * T) / secondsPerStep);
      hooks.onStep?.({ step: done, steps: options.steps, loss, epoch: done / batches.windowsPerEpoch, lr: options.lr, gradientNorm, tokensPerSecond: (B * T) / secondsPerStep, secondsLeft: secondsPerStep * (options.steps - done), lastValidation });
      if (done % options.evalEvery === 0 || done === options.steps) {
        lastValidation = { step: done, bitsPerCharacter: await validate(done) };
        await keepIfBest(done, lastValidation.bitsPerCharacter);
      }
      if (done % options.sampleEvery === 0 || done === options.steps) await sample(done);
      if (done % options.checkpointEvery === 0 || done === options.steps || hooks.signal?.aborted) await checkpoint(done);
    }
    if (step === startStep) await checkpoint(startStep);
    return { history, checkpoint: lastCheckpoint, interrupted: step < options.steps };
  } finally {
    disposeState(carried);
    optimizer.dispose();
    model.dispose();
  }
}

async function readResumed(path: string): Promise<{ json: RunCheckpointJson; tensors: Uint8Array }> {
  const { json, tensors } = await readCharModelCheckpoint(path);
  return { json: json as unknown as RunCheckpointJson, tensors };
}
