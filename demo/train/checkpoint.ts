/**
 * Checkpoints in the command line's format: step-<n>.json (options, model configuration,
 * vocabulary, history) and step-<n>.safetensors (`model.*` weights, `state.*` carried
 * hidden state, `optimizer.*` Adam state). `webgpu-rnn sample --checkpoint step-<n>.json`
 * samples from what the page downloads, and the page continues what the command line wrote.
 */
import { CHAR_LM_CHECKPOINT_FORMAT, Tensor, decodeSafetensors, loadCharModel, loadCheckpoint, saveCheckpoint, type CharLanguageModelCheckpoint, type Checkpointable, type RecurrentState, type Runtime, type StateDict } from '../../src/index.js';
import type { Corpus } from './corpora.js';
import { Trainer, type History, type TrainSettings } from './trainer.js';

/** The page's schedule, written into the options as the command line's flags. */
export interface Schedule {
  steps: number;
  evalEvery: number;
  sampleEvery: number;
  sampleLength: number;
  temperature: number;
}

export interface CheckpointFiles {
  /** step-000040: the files are <base>.json and <base>.safetensors, as the command line names them. */
  base: string;
  json: string;
  tensors: Uint8Array;
}

/** The carried state as the `state` part of a checkpoint ([layers, batch, hidden]; zeros when none is carried). */
function carriedPart(trainer: Trainer): Checkpointable {
  const { h: shape, cell } = trainer.model.stateShape(trainer.settings.batch);
  const keys = cell ? ['h', 'c'] : ['h'];
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    async stateDict(): Promise<StateDict> {
      const state = trainer.carried;
      const dict: StateDict = { h: { shape, data: state ? await state.h.read() : new Float32Array(size) } };
      if (cell) dict.c = { shape, data: state?.c ? await state.c.read() : new Float32Array(size) };
      return dict;
    },
    checkStateDict(dict: StateDict): void {
      for (const key of keys) {
        const entry = dict[key];
        if (!entry || entry.shape.join() !== shape.join()) throw new Error(`checkpoint state.${key}: expected shape [${shape.join(', ')}] (layers, batch, hidden), got ${entry ? `[${entry.shape.join(', ')}]` : 'none'}`);
      }
    },
    loadStateDict(dict: StateDict): void {
      this.checkStateDict(dict);
      const state: RecurrentState = { h: Tensor.from(trainer.runtime, dict.h!.data, shape, 'f32', 'carried h'), c: cell ? Tensor.from(trainer.runtime, dict.c!.data, shape, 'f32', 'carried c') : null };
      trainer.carried = state;
    },
  };
}

/** The command line's train options for this run, so that `train --resume` could read them. */
function trainOptions(trainer: Trainer, schedule: Schedule): Record<string, unknown> {
  const { settings, corpus, model } = trainer;
  const c = model.config;
  return {
    // A loaded checkpoint's options first: what the page does not set stays as it was.
    ...(trainer.loadedOptions ?? {}),
    data: corpus.data,
    cell: c.cell,
    layers: c.numLayers,
    hidden: c.hiddenSize,
    embedding: c.embeddingDim,
    seqLength: settings.window,
    batch: settings.batch,
    lr: settings.lr,
    steps: Math.max(schedule.steps, trainer.step),
    clip: settings.clip,
    dropout: c.dropout,
    recurrentDropout: c.recurrentDropout.p,
    recurrentDropoutPerSequence: c.recurrentDropout.perSequence,
    zoneout: c.zoneout,
    layerNorm: c.layerNorm,
    outputNorm: c.outputNorm,
    heads: c.heads,
    validation: corpus.validation,
    evalEvery: schedule.evalEvery,
    evalWindows: 8,
    sampleEvery: schedule.sampleEvery,
    sampleLength: schedule.sampleLength,
    temperature: schedule.temperature,
    checkpointDir: `checkpoints/${corpus.name}`,
    checkpointEvery: 100,
    keepBest: false,
    maxNonFinite: 5,
    snapshotEvery: 25,
    resume: null,
    seed: settings.seed,
  };
}

/** The two files of a checkpoint of the trainer's current step; call it between steps. */
export async function checkpointFiles(trainer: Trainer, schedule: Schedule): Promise<CheckpointFiles> {
  const base = `step-${String(trainer.step).padStart(6, '0')}`;
  const tensors = await saveCheckpoint({ model: trainer.model, state: carriedPart(trainer) }, trainer.optimizer, { format: CHAR_LM_CHECKPOINT_FORMAT });
  const json = {
    format: CHAR_LM_CHECKPOINT_FORMAT,
    step: trainer.step,
    options: trainOptions(trainer, schedule),
    model: trainer.model.config,
    vocabulary: [...trainer.vocabulary.symbols],
    corpus: { name: trainer.corpus.name, primer: trainer.corpus.primer },
    tensors: `${base}.safetensors`,
    history: trainer.history,
    dropoutCalls: trainer.model.network.dropoutCalls,
    carriedState: trainer.carried !== null,
  } satisfies CharLanguageModelCheckpoint & Record<string, unknown>;
  return { base, json: `${JSON.stringify(json, null, 1)}\n`, tensors };
}

/** A loaded checkpoint JSON: the library's fields and what the command line adds. */
export type LoadedJson = CharLanguageModelCheckpoint & { options: Record<string, unknown>; dropoutCalls?: number; carriedState?: boolean };

/** Reads the two chosen files; which is which is checked by name, so a swapped pair is named. */
export async function readCheckpointFiles(json: File | undefined, tensors: File | undefined): Promise<{ json: LoadedJson; tensors: Uint8Array }> {
  if (!json) throw new Error('checkpoint JSON: expected a step-<n>.json file, got no file chosen');
  if (!tensors) throw new Error('checkpoint tensors: expected a step-<n>.safetensors file, got no file chosen');
  if (!json.name.endsWith('.json')) throw new Error(`checkpoint JSON: expected a .json file, got ${JSON.stringify(json.name)}`);
  if (!tensors.name.endsWith('.safetensors')) throw new Error(`checkpoint tensors: expected a .safetensors file, got ${JSON.stringify(tensors.name)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await json.text());
  } catch (error) {
    throw new Error(`checkpoint JSON: expected JSON text, got ${JSON.stringify(json.name)}, which does not parse (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || (parsed as LoadedJson).format !== CHAR_LM_CHECKPOINT_FORMAT) {
    throw new Error(`checkpoint JSON: expected format ${JSON.stringify(CHAR_LM_CHECKPOINT_FORMAT)}, got ${JSON.stringify((parsed as LoadedJson | null)?.format ?? null)} in ${json.name}`);
  }
  return { json: parsed as LoadedJson, tensors: new Uint8Array(await tensors.arrayBuffer()) };
}

/** The settings a checkpoint was trained with; what it does not say comes from `fallback`. */
export function settingsFromCheckpoint(json: LoadedJson, fallback: TrainSettings): TrainSettings {
  const o = json.options ?? {};
  const number = (value: unknown, otherwise: number): number => (typeof value === 'number' && Number.isFinite(value) ? value : otherwise);
  return {
    cell: json.model.cell,
    hidden: json.model.hiddenSize,
    layers: json.model.numLayers,
    embedding: json.model.embeddingDim,
    seed: json.model.seed,
    lr: number(o.lr, fallback.lr),
    window: number(o.seqLength, fallback.window),
    batch: number(o.batch, fallback.batch),
    clip: number(o.clip, fallback.clip),
  };
}

/** A trainer that continues the checkpoint: weights, Adam state, carried state, step and history. */
export async function restoreTrainer(runtime: Runtime, corpus: Corpus, settings: TrainSettings, json: LoadedJson, tensors: Uint8Array): Promise<Trainer> {
  const { model, vocabulary, checkpoint } = await loadCharModel(runtime, { json, tensors });
  let trainer: Trainer;
  try {
    trainer = new Trainer(runtime, corpus, settings, vocabulary, model);
  } catch (error) {
    model.dispose();
    throw error;
  }
  try {
    const names = Object.keys(decodeSafetensors(tensors).tensors);
    const has = (part: string) => names.some((name) => name.startsWith(`${part}.`));
    // A checkpoint without Adam or carried state (written by other code) still loads; Adam starts afresh.
    loadCheckpoint(tensors, { model, ...(has('state') ? { state: carriedPart(trainer) } : {}) }, has('optimizer') ? trainer.optimizer : undefined);
    if (json.carriedState === false) {
      trainer.carried?.h.dispose();
      trainer.carried?.c?.dispose();
      trainer.carried = null;
    }
    if (typeof json.dropoutCalls === 'number') model.network.dropoutCalls = json.dropoutCalls;
    trainer.step = checkpoint.step;
    trainer.history = restoredHistory(checkpoint.history as Partial<History> | undefined, checkpoint.step, trainer.history.unigramBitsPerCharacter);
    trainer.loadedOptions = json.options ?? null;
    return trainer;
  } catch (error) {
    trainer.dispose();
    throw error;
  }
}

/** The checkpoint's history where it is whole, else one that starts at its step. */
function restoredHistory(history: Partial<History> | undefined, step: number, unigram: number): History {
  const losses = Array.isArray(history?.losses) && history.losses.length === step ? history.losses : new Array<number>(step).fill(Number.NaN);
  const validation = Array.isArray(history?.validation) ? history.validation.filter((v) => Number.isFinite(v?.bitsPerCharacter)) : [];
  return { losses, validation, unigramBitsPerCharacter: typeof history?.unigramBitsPerCharacter === 'number' ? history.unigramBitsPerCharacter : unigram };
}
