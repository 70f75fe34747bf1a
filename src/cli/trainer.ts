/**
 * The main job: a character-level language model trained end to end with truncated BPTT.
 * Batches are a pure function of the step, and checkpoints hold the weights, the Adam
 * state, the carried hidden state and the vocabulary, so a resumed run continues exactly,
 * and so does a run stopped by its signal (Ctrl-C), which checkpoints the step it finished.
 * Files: see run-checkpoint.ts, metrics.jsonl (metrics-log.ts), and loss.svg and
 * loss.html (loss-report.ts), rewritten at each validation and at the end.
 */
import type { Runtime } from '../runtime/runtime.js';
import { DeviceLostError } from '../errors.js';
import { readCharModelCheckpoint } from '../models/char-lm-checkpoint.js';
import { CharVocabulary } from '../data/vocabulary.js';
import { StreamBatches, splitStream, unigramBitsPerToken } from '../data/batches.js';
import { generate } from '../generate/sampling.js';
import { firstNames, mobyDick, textFile, type Corpus } from './corpora.js';
import { OptionError, type TrainOptions } from './options.js';
import { MetricsLog } from './metrics-log.js';
import { writeLossReport } from './loss-report.js';
import { CHECKPOINT_FORMAT, RunDirectory, checkRunCheckpointJson, type RunCheckpointJson, type TrainHistory } from './run-checkpoint.js';
import { TrainingSession, checkDeviceFits, type SessionState } from './training-session.js';

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
  /** The loss or gradient norm was not finite, so the step made no update. */
  skipped: boolean;
}

export interface TrainHooks {
  onStart?(info: { corpus: string; characters: number; vocabulary: number; unigram: number; parameters: number; startStep: number; steps: number; options: TrainOptions }): void;
  onStep?(info: StepInfo): void;
  onValidation?(info: { step: number; bitsPerCharacter: number }): void;
  onSample?(info: { step: number; text: string }): void;
  onCheckpoint?(info: { step: number; path: string; best: boolean }): void;
  /** When aborted, training stops after the current step and checkpoints it. */
  signal?: AbortSignal;
  /**
   * Device-loss recovery: given the lost runtime, returns a new one, on which the run goes
   * on from its latest snapshot (every `snapshotEvery` steps). Without it a loss is thrown.
   */
  replaceRuntime?(lost: Runtime): Promise<Runtime>;
  onRecovered?(info: { lostAtStep: number; resumedAtStep: number; reason: string }): void;
}

export interface TrainResult {
  history: TrainHistory;
  checkpoint: string;
  /** True when the signal stopped the run before its last step. */
  interrupted: boolean;
  /** Lost devices recovered from. */
  recoveries: number;
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

/** Training stopped because steps kept failing (non-finite losses); the message says why and what is kept. */
export class TrainingStoppedError extends Error {
  override name = 'TrainingStoppedError';
}

/** A copy of the run's state in memory, from which a run that lost its device continues. */
interface Snapshot {
  step: number;
  state: SessionState;
}

/** Recoveries from lost devices allowed in one run before the loss is reported. */
const MAX_RECOVERIES = 3;

/** A resumed run keeps its checkpoint's model, data and optimizer settings; the schedule of steps, evaluation, samples, checkpoints and recovery follows the command line. */
function effectiveOptions(requested: TrainOptions, resumed: RunCheckpointJson | null): TrainOptions {
  if (!resumed) return requested;
  const { steps, evalEvery, evalWindows, sampleEvery, sampleLength, temperature, checkpointDir, checkpointEvery, keepBest, maxNonFinite, snapshotEvery, resume } = requested;
  return { ...resumed.options, steps, evalEvery, evalWindows, sampleEvery, sampleLength, temperature, checkpointDir, checkpointEvery, keepBest, maxNonFinite, snapshotEvery, resume };
}

/** The corpus as token ids, split into training lanes and validation windows. */
function prepareData(options: TrainOptions, resumed: RunCheckpointJson | null) {
  const { batch: B, seqLength: T } = options;
  const minimum = Math.ceil((B * T + 1) / (1 - options.validation)) + T + 1;
  const corpus = loadCorpus(options.data, minimum);
  const vocabulary = resumed ? new CharVocabulary(resumed.vocabulary) : CharVocabulary.fromText(corpus.text);
  const ids = vocabulary.encode(corpus.text, `--data ${options.data}`);
  const { train: trainIds, validation: validationIds } = splitStream(ids, options.validation);
  if (trainIds.length < B * T + 1) throw new OptionError(`--batch ${B} and --seq-length ${T}: expected at most ${trainIds.length - 1} training characters per step, got ${B * T}`);
  return {
    corpus,
    vocabulary,
    characters: ids.length,
    batches: new StreamBatches(trainIds, { batch: B, steps: T }),
    validationBatches: new StreamBatches(validationIds, { batch: Math.min(B, Math.max(1, Math.floor((validationIds.length - 1) / T))), steps: T }),
    unigram: unigramBitsPerToken(trainIds, validationIds, vocabulary.size),
  };
}

/** Mean validation loss over the first `windows` windows, in bits per character. */
function validationBitsPerCharacter(session: TrainingSession, batches: StreamBatches, windows: number): Promise<number> {
  return session.model.evaluateStream(batches, windows);
}

export async function train(runtime: Runtime, requested: TrainOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  const resumed = requested.resume ? await readResumed(requested.resume) : null;
  const options = effectiveOptions(requested, resumed?.json ?? null);
  const { batch: B, seqLength: T } = options;
  const { corpus, vocabulary, characters, batches, validationBatches, unigram } = prepareData(options, resumed?.json ?? null);

  // Everything that can fail later is checked now: the device's limits, the directory, the primer.
  checkDeviceFits(runtime, options, vocabulary.size);
  const run = new RunDirectory(options.checkpointDir);
  run.checkWritable();
  const primer = vocabulary.encode(corpus.primer, 'the primer of the samples');
  let session = new TrainingSession(runtime, options, vocabulary.size, resumed ? { tensors: resumed.tensors, carriedState: resumed.json.carriedState, dropoutCalls: resumed.json.dropoutCalls } : null);
  let history: TrainHistory = resumed ? structuredClone(resumed.json.history) : { losses: [], validation: [], unigramBitsPerCharacter: unigram };
  const startStep = resumed ? resumed.json.step : 0;
  hooks.onStart?.({ corpus: corpus.name, characters, vocabulary: vocabulary.size, unigram, parameters: session.model.parameters().reduce((n, p) => n + p.value.size, 0), startStep, steps: options.steps, options });

  run.removePartialFiles();
  let metrics = new MetricsLog(options.checkpointDir, startStep);
  const writeReport = () => writeLossReport(options.checkpointDir, { history, options, corpus: corpus.name });
  // A resumed run's curve drops the steps past its checkpoint now, as metrics.jsonl does.
  if (startStep > 0) writeReport();
  const validate = async (step: number): Promise<number> => {
    const bitsPerCharacter = await validationBitsPerCharacter(session, validationBatches, options.evalWindows);
    history.validation.push({ step, bitsPerCharacter });
    metrics.validation(step, bitsPerCharacter);
    writeReport();
    hooks.onValidation?.({ step, bitsPerCharacter });
    return bitsPerCharacter;
  };

  const sample = async (step: number): Promise<void> => {
    const [tokens] = await generate(session.runtime, session.model, { prompt: primer, length: options.sampleLength, temperature: options.temperature, seed: options.seed + step });
    hooks.onSample?.({ step, text: vocabulary.decode(tokens!) });
  };

  const checkpointJson = (step: number): Omit<RunCheckpointJson, 'tensors'> => ({
    format: CHECKPOINT_FORMAT,
    step,
    options: { ...options, resume: null },
    model: session.model.config,
    vocabulary: [...vocabulary.symbols],
    corpus: { name: corpus.name, primer: corpus.primer },
    dropoutCalls: session.model.network.dropoutCalls,
    carriedState: session.carried !== null,
    history,
  });
  const takeSnapshot = async (step: number): Promise<Snapshot> => ({
    step,
    state: { tensors: await session.tensors(), carriedState: session.carried !== null, dropoutCalls: session.model.network.dropoutCalls },
  });
  let lastCheckpoint = '';
  // A checkpoint's bytes are a snapshot too: it returns them, so that they are read once.
  const checkpoint = async (step: number): Promise<Snapshot> => {
    const written = await takeSnapshot(step);
    lastCheckpoint = run.save(checkpointJson(step), written.state.tensors);
    hooks.onCheckpoint?.({ step, path: lastCheckpoint, best: false });
    return written;
  };
  // --keep-best: best.json holds the lowest validation this directory has seen.
  const keepIfBest = async (step: number, bitsPerCharacter: number): Promise<void> => {
    if (!options.keepBest || !(bitsPerCharacter < run.bestValidation())) return;
    const path = run.saveBest(checkpointJson(step), await session.tensors());
    hooks.onCheckpoint?.({ step, path, best: true });
  };

  const clock = new StepClock();
  let lastValidation = history.validation.at(-1) ?? null;
  let step = startStep;
  let nonFinite = 0;
  let recoveries = 0;
  let snapshot: Snapshot | null = null;
  try {
    for (;;) {
      try {
        snapshot ??= await takeSnapshot(step);
        if (step === 0 && !history.validation.some((v) => v.step === 0)) lastValidation = { step: 0, bitsPerCharacter: await validate(0) };
        while (step < options.steps && !hooks.signal?.aborted) {
          const result = await session.model.trainStep(batches.window(step), session.carried, session.optimizer, options.clip);
          session.carried = result.state;
          history.losses.push(result.loss);
          const done = ++step;
          nonFinite = result.skipped ? nonFinite + 1 : 0;
          // Ticks after each step, so an interval holds one step and the previous step's validation, sample and checkpoint.
          const secondsPerStep = clock.tick();
          metrics.train(done, result.loss, (B * T) / secondsPerStep);
          hooks.onStep?.({ step: done, steps: options.steps, loss: result.loss, epoch: done / batches.windowsPerEpoch, lr: options.lr, gradientNorm: result.gradientNorm, tokensPerSecond: (B * T) / secondsPerStep, secondsLeft: secondsPerStep * (options.steps - done), lastValidation, skipped: result.skipped });
          if (nonFinite >= options.maxNonFinite) {
            throw new TrainingStoppedError(
              `stopped at step ${done}: the loss or gradient norm was NaN or infinite for ${nonFinite} steps in a row (steps ${done - nonFinite + 1}–${done}; each was skipped, so the weights are those after step ${done - nonFinite}). ` +
                `The last checkpoint is ${lastCheckpoint || 'none (none was written in this run)'}; try a lower --lr or --clip.`,
            );
          }
          if (done % options.evalEvery === 0 || done === options.steps) {
            lastValidation = { step: done, bitsPerCharacter: await validate(done) };
            await keepIfBest(done, lastValidation.bitsPerCharacter);
          }
          if (done % options.sampleEvery === 0 || done === options.steps) await sample(done);
          const written = done % options.checkpointEvery === 0 || done === options.steps || hooks.signal?.aborted ? await checkpoint(done) : null;
          if (written || done % options.snapshotEvery === 0) snapshot = written ?? (await takeSnapshot(done));
        }
        break;
      } catch (error) {
        // A lost device: a new runtime, the snapshot's state, and the steps since it again.
        if (!(error instanceof DeviceLostError || session.runtime.isLost) || !hooks.replaceRuntime || !snapshot || recoveries >= MAX_RECOVERIES) throw error;
        recoveries++;
        const lost = session.runtime;
        session.dispose();
        const fresh = await hooks.replaceRuntime(lost);
        session = new TrainingSession(fresh, options, vocabulary.size, snapshot.state);
        hooks.onRecovered?.({ lostAtStep: step, resumedAtStep: snapshot.step, reason: (error as Error).message });
        step = snapshot.step;
        history = { ...history, losses: history.losses.slice(0, step), validation: history.validation.filter((v) => v.step <= step) };
        lastValidation = history.validation.at(-1) ?? null;
        metrics = new MetricsLog(options.checkpointDir, step);
        nonFinite = 0;
      }
    }
    if (step === startStep) await checkpoint(startStep);
    // An interrupted run's last steps came after its last validation.
    writeReport();
    return { history, checkpoint: lastCheckpoint, interrupted: step < options.steps, recoveries };
  } finally {
    session.dispose();
  }
}

async function readResumed(path: string): Promise<{ json: RunCheckpointJson; tensors: Uint8Array }> {
  const { json, tensors, file } = await readCharModelCheckpoint(path);
  return { json: checkRunCheckpointJson(json as unknown as RunCheckpointJson, file), tensors };
}
