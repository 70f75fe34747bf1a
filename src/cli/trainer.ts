/**
 * The main job: a character-level language model trained end to end with truncated BPTT.
 * Batches are a pure function of the step, and checkpoints hold the weights, the Adam
 * state, the carried hidden state and the vocabulary, so a resumed run continues exactly.
 *
 * Checkpoint directory layout: step-<n>.safetensors (tensors) and step-<n>.json (options,
 * vocabulary, history), latest.json naming the newest, and metrics.jsonl (the loss log).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import type { Runtime } from '../runtime/runtime.js';
import { Tensor } from '../tensor.js';
import { Adam } from '../train/optimizers.js';
import { loadCheckpoint, saveCheckpoint, type Checkpointable } from '../train/checkpoint.js';
import { CharLanguageModel, type CharLanguageModelConfig } from '../models/char-lm.js';
import { CharVocabulary } from '../data/vocabulary.js';
import { StreamBatches, splitStream, unigramBitsPerToken } from '../data/batches.js';
import { generate } from '../generate/sampling.js';
import { disposeState, type RecurrentState } from '../generate/token-model.js';
import type { StateDict } from '../core/types.js';
import { firstNames, mobyDick, textFile, type Corpus } from './corpora.js';
import { ArgumentError } from '../errors.js';
import { OptionError, type TrainOptions } from './options.js';
import { MetricsLog } from './metrics-log.js';

// 2: parameters (and so optimizer entries) are named by module path, `rnn.l0.weight_ih`.
export const CHECKPOINT_FORMAT = 'webgpu-rnn char-lm checkpoint 2';

export interface CheckpointJson {
  format: string;
  step: number;
  options: TrainOptions;
  model: CharLanguageModelConfig;
  vocabulary: string[];
  corpus: { name: string; primer: string };
  dropoutCalls: number;
  carriedState: boolean;
  history: TrainHistory;
  tensors: string;
}

export interface TrainHistory {
  /** Train loss (nats per character) of every step so far. */
  losses: number[];
  validation: { step: number; bitsPerCharacter: number }[];
  unigramBitsPerCharacter: number;
}

export interface StepInfo {
  step: number;
  steps: number;
  loss: number;
  tokensPerSecond: number;
  secondsLeft: number;
  lastValidation: number | null;
}

export interface TrainHooks {
  onStart?(info: { corpus: string; characters: number; vocabulary: number; unigram: number; parameters: number; startStep: number; steps: number; options: TrainOptions }): void;
  onStep?(info: StepInfo): void;
  onValidation?(info: { step: number; bitsPerCharacter: number }): void;
  onSample?(info: { step: number; text: string }): void;
  onCheckpoint?(info: { step: number; path: string }): void;
}

export interface TrainResult {
  history: TrainHistory;
  checkpoint: string;
}

export function loadCorpus(data: string, minimum: number): Corpus {
  if (data === 'moby-dick') return mobyDick();
  if (data === 'names') return firstNames();
  return textFile(data, minimum);
}

/** The carried TBPTT state as a checkpoint part (zeros when none is carried). */
function stateCheckpoint(get: () => RecurrentState | null, set: (state: RecurrentState) => void, shape: number[], runtime: Runtime, lstm: boolean): Checkpointable {
  return {
    async stateDict(): Promise<StateDict> {
      const state = get();
      const size = shape.reduce((a, b) => a * b, 1);
      const dict: StateDict = { h: { shape, data: state ? await state.h.read() : new Float32Array(size) } };
      if (lstm) dict.c = { shape, data: state?.c ? await state.c.read() : new Float32Array(size) };
      return dict;
    },
    checkStateDict(dict: StateDict): void {
      for (const key of lstm ? ['h', 'c'] : ['h']) {
        if (dict[key]?.shape.join() !== shape.join()) throw new ArgumentError(`checkpoint state.${key}`, `shape [${shape.join(', ')}]`, dict[key] ? `shape [${dict[key]!.shape.join(', ')}]` : 'no such entry');
      }
    },
    loadStateDict(dict: StateDict): void {
      this.checkStateDict(dict);
      set({ h: Tensor.from(runtime, dict.h!.data, shape, 'f32', 'carried h'), c: lstm ? Tensor.from(runtime, dict.c!.data, shape, 'f32', 'carried c') : null });
    },
  };
}

/** Reads a checkpoint JSON: a directory (its latest.json) or a step-<n>.json file. */
export function readCheckpointJson(path: string): { json: CheckpointJson; directory: string } {
  let file = path;
  try {
    if (statSync(path).isDirectory()) file = join(path, 'latest.json');
  } catch {
    throw new OptionError(`checkpoint ${path}: expected a checkpoint directory or .json file, got no such file`);
  }
  if (!existsSync(file)) throw new OptionError(`checkpoint ${path}: expected ${basename(file)} in it, got none (was the run checkpointed?)`);
  let json: CheckpointJson;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as CheckpointJson;
  } catch (error) {
    throw new OptionError(`checkpoint ${file}: expected JSON, got ${error instanceof Error ? error.message : String(error)}`);
  }
  if (json?.format !== CHECKPOINT_FORMAT) throw new OptionError(`checkpoint ${file}: expected format "${CHECKPOINT_FORMAT}", got ${JSON.stringify(json?.format)}`);
  return { json, directory: dirname(file) };
}

/** Writes a file whole or not at all (a crash mid-write leaves the old one). */
function writeAtomically(path: string, data: string | Uint8Array): void {
  writeFileSync(`${path}.partial`, data);
  renameSync(`${path}.partial`, path);
}

export async function train(runtime: Runtime, requested: TrainOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  const resumed = requested.resume ? readCheckpointJson(requested.resume) : null;
  // A resumed run keeps the model, data and optimizer settings of its checkpoint; steps,
  // evaluation, samples and checkpointing follow the command line.
  const options: TrainOptions = resumed
    ? { ...resumed.json.options, steps: requested.steps, evalEvery: requested.evalEvery, evalWindows: requested.evalWindows, sampleEvery: requested.sampleEvery, sampleLength: requested.sampleLength, temperature: requested.temperature, checkpointDir: requested.checkpointDir, checkpointEvery: requested.checkpointEvery, resume: requested.resume }
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
  const stateShape = [options.layers, B, options.hidden];
  let carried: RecurrentState | null = null;
  const carriedPart = stateCheckpoint(() => carried, (s) => (carried = s), stateShape, runtime, options.cell === 'lstm');
  let history: TrainHistory = { losses: [], validation: [], unigramBitsPerCharacter: unigram };
  let startStep = 0;
  if (resumed) {
    const bytes = readFileSync(join(resumed.directory, resumed.json.tensors));
    loadCheckpoint(new Uint8Array(bytes), { model, state: carriedPart }, optimizer);
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

  let lastCheckpoint = '';
  const checkpoint = async (step: number): Promise<void> => {
    mkdirSync(options.checkpointDir, { recursive: true });
    const name = `step-${String(step).padStart(6, '0')}`;
    const tensors = await saveCheckpoint({ model, state: carriedPart }, optimizer, { format: CHECKPOINT_FORMAT, step: String(step) });
    writeAtomically(join(options.checkpointDir, `${name}.safetensors`), tensors);
    const json: CheckpointJson = {
      format: CHECKPOINT_FORMAT,
      step,
      options: { ...options, resume: null },
      model: model.config,
      vocabulary: [...vocabulary.symbols],
      corpus: { name: corpus.name, primer: corpus.primer },
      dropoutCalls: model.network.dropoutCalls,
      carriedState: carried !== null,
      history,
      tensors: `${name}.safetensors`,
    };
    const text = `${JSON.stringify(json, null, 1)}\n`;
    writeAtomically(join(options.checkpointDir, `${name}.json`), text);
    writeAtomically(join(options.checkpointDir, 'latest.json'), text);
    lastCheckpoint = join(options.checkpointDir, `${name}.json`);
    hooks.onCheckpoint?.({ step, path: lastCheckpoint });
  };

  try {
    const started = performance.now();
    let lastValidation = history.validation.at(-1)?.bitsPerCharacter ?? null;
    if (startStep === 0) lastValidation = await validate(0);
    for (let step = startStep; step < options.steps; step++) {
      const { loss: value, state } = await model.trainStep(batches.window(step), carried, optimizer, options.clip);
      carried = state;
      history.losses.push(value);
      const done = step + 1;
      const elapsed = (performance.now() - started) / 1000;
      const perStep = elapsed / (done - startStep);
      metrics.train(done, value, (B * T) / perStep);
      hooks.onStep?.({ step: done, steps: options.steps, loss: value, tokensPerSecond: (B * T) / perStep, secondsLeft: perStep * (options.steps - done), lastValidation });
      if (done % options.evalEvery === 0 || done === options.steps) lastValidation = await validate(done);
      if (done % options.sampleEvery === 0 || done === options.steps) await sample(done);
      if (done % options.checkpointEvery === 0 || done === options.steps) await checkpoint(done);
    }
    if (startStep >= options.steps) await checkpoint(startStep);
    return { history, checkpoint: lastCheckpoint };
  } finally {
    disposeState(carried);
    optimizer.dispose();
    model.dispose();
  }
}
