/**
 * A command-line checkpoint as a ready model: `loadCharModel(runtime, 'checkpoints/moby-dick')`
 * in Node, or `loadCharModel(runtime, { json, tensors })` with fetched files in a browser.
 *
 * A checkpoint is step-<n>.json (options, model config, vocabulary, history) beside
 * step-<n>.safetensors (`model.*` weights, `state.*` carried state, `optimizer.*` Adam state);
 * a run directory's latest.json is a copy of its newest step-<n>.json.
 */
import type { Runtime } from '../runtime/runtime.js';
import { ArgumentError, describe } from '../errors.js';
import { CharVocabulary } from '../data/vocabulary.js';
import { decodeSafetensors, withoutPrefix } from '../io/safetensors.js';
import { CharLanguageModel, type CharLanguageModelConfig } from './char-lm.js';

// 2: parameters (and so optimizer entries) are named by module path, `rnn.l0.weight_ih`.
// Still 2 with the cell options: a model config without `outputNorm` is an older one (see
// upgradeCharModelConfig), so older checkpoints load as they did.
export const CHAR_LM_CHECKPOINT_FORMAT = 'webgpu-rnn char-lm checkpoint 2';

/**
 * A checkpoint's model configuration in today's terms. One written before the recurrent
 * cell had options inside it has no `outputNorm` key, and its `layerNorm: true` meant the
 * LayerNorm on the network's output (its `norm.*` tensors): that becomes `outputNorm`, and
 * `layerNorm` (now the in-cell layer norm) false. A configuration with `outputNorm` is
 * returned as it is.
 */
export function upgradeCharModelConfig(model: CharLanguageModelConfig): CharLanguageModelConfig {
  if ('outputNorm' in model) return model;
  const { layerNorm, ...rest } = model as Partial<CharLanguageModelConfig>;
  return { ...rest, outputNorm: layerNorm ?? false, layerNorm: false } as CharLanguageModelConfig;
}

/** The JSON half of a checkpoint, as `webgpu-rnn train` writes it. */
export interface CharLanguageModelCheckpoint {
  format: string;
  /** Optimizer steps taken. */
  step: number;
  /** The command line's train options (model, data, optimizer and schedule). */
  options: object;
  model: CharLanguageModelConfig;
  /** Symbol of each token id. */
  vocabulary: string[];
  /** The corpus, and the text that starts its samples. */
  corpus: { name: string; primer: string };
  /** The safetensors file beside this JSON. */
  tensors: string;
  history: {
    /** Training loss of every step, in nats per character. */
    losses: number[];
    validation: { step: number; bitsPerCharacter: number }[];
    unigramBitsPerCharacter: number;
  };
}

export interface LoadedCharModel {
  model: CharLanguageModel;
  vocabulary: CharVocabulary;
  checkpoint: CharLanguageModelCheckpoint;
}

/** Checks a parsed checkpoint JSON; `where` names it in errors. */
export function checkCharModelCheckpoint(json: unknown, where: string): CharLanguageModelCheckpoint {
  const c = json as Partial<CharLanguageModelCheckpoint> | null;
  if (c === null || typeof c !== 'object') throw new ArgumentError(where, 'a checkpoint JSON object', describe(json));
  if (c.format !== CHAR_LM_CHECKPOINT_FORMAT) throw new ArgumentError(`${where}.format`, JSON.stringify(CHAR_LM_CHECKPOINT_FORMAT), JSON.stringify(c.format));
  if (!Array.isArray(c.vocabulary)) throw new ArgumentError(`${where}.vocabulary`, 'an array of symbols', describe(c.vocabulary));
  if (c.model === null || typeof c.model !== 'object') throw new ArgumentError(`${where}.model`, 'a model configuration', describe(c.model));
  // A file beside the JSON: a name, never a path that could lead elsewhere.
  if (typeof c.tensors !== 'string' || !/^[^/\\]+\.safetensors$/.test(c.tensors) || c.tensors.startsWith('..')) {
    throw new ArgumentError(`${where}.tensors`, 'the name of a .safetensors file beside it (no directories)', describe(c.tensors));
  }
  if (!Number.isSafeInteger(c.step) || c.step! < 0) throw new ArgumentError(`${where}.step`, 'a non-negative integer', describe(c.step));
  if (c.corpus === null || typeof c.corpus !== 'object' || typeof c.corpus.name !== 'string' || typeof c.corpus.primer !== 'string') {
    throw new ArgumentError(`${where}.corpus`, 'an object { name, primer } of strings', describe(c.corpus));
  }
  if (!c.vocabulary.every((symbol) => typeof symbol === 'string')) throw new ArgumentError(`${where}.vocabulary`, 'an array of symbols (strings)', describe(c.vocabulary));
  return { ...c, model: upgradeCharModelConfig(c.model) } as CharLanguageModelCheckpoint;
}

/** A model from a checkpoint's two halves; the caller disposes `model`. */
export function charModelFromCheckpoint(runtime: Runtime, json: unknown, tensors: Uint8Array): LoadedCharModel {
  const checkpoint = checkCharModelCheckpoint(typeof json === 'string' ? parseCheckpointText(json) : json, 'checkpoint');
  const vocabulary = new CharVocabulary(checkpoint.vocabulary, 'checkpoint.vocabulary');
  if (checkpoint.model.vocabularySize !== vocabulary.size) {
    throw new ArgumentError('checkpoint.model.vocabularySize', `the vocabulary's ${vocabulary.size} symbols`, String(checkpoint.model.vocabularySize));
  }
  const weights = withoutPrefix(decodeSafetensors(tensors).tensors, 'model.');
  const model = new CharLanguageModel(runtime, checkpoint.model);
  try {
    model.loadStateDict(weights);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, vocabulary, checkpoint };
}

/** A checkpoint JSON's text, as fetched in a browser. */
function parseCheckpointText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ArgumentError('checkpoint', 'JSON text', `text that does not parse (${(error as Error).message})`);
  }
}

/**
 * Loads a checkpoint written by `webgpu-rnn train`: in Node a run directory (its newest
 * checkpoint) or a step-<n>.json path; anywhere, the parsed JSON and the safetensors bytes.
 */
export async function loadCharModel(runtime: Runtime, source: string | { json: unknown; tensors: Uint8Array }): Promise<LoadedCharModel> {
  if (typeof source === 'string') {
    const { json, tensors } = await readCharModelCheckpoint(source);
    return charModelFromCheckpoint(runtime, json, tensors);
  }
  if (source === null || typeof source !== 'object' || !(source.tensors instanceof Uint8Array)) {
    throw new ArgumentError('source', 'a checkpoint path, or { json (object or text), tensors: Uint8Array }', describe(source));
  }
  return charModelFromCheckpoint(runtime, source.json, source.tensors);
}

/** Node only: a run directory's latest.json, or a step-<n>.json, with its safetensors bytes and directory. */
export async function readCharModelCheckpoint(path: string): Promise<{ json: CharLanguageModelCheckpoint; tensors: Uint8Array; directory: string; file: string }> {
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new ArgumentError('source', 'a { json, tensors } pair outside Node (paths need a file system)', JSON.stringify(path));
  }
  // Kept out of bundlers' sight: browser builds never load node:fs.
  const [fsName, pathName] = ['node:fs/promises', 'node:path'];
  const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
  const { dirname, join } = (await import(/* @vite-ignore */ pathName)) as typeof import('node:path');
  let file = path;
  try {
    if ((await fs.stat(path)).isDirectory()) file = join(path, 'latest.json');
  } catch {
    throw new ArgumentError('source', 'a checkpoint directory or step-<n>.json file', `${JSON.stringify(path)}, which does not exist`);
  }
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new ArgumentError('source', `a checkpoint directory holding ${file}`, `${JSON.stringify(path)} without it (was the run checkpointed?)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ArgumentError(file, 'checkpoint JSON', (error as Error).message);
  }
  const json = checkCharModelCheckpoint(parsed, file);
  const directory = dirname(file);
  let tensors: Uint8Array;
  try {
    tensors = new Uint8Array(await fs.readFile(join(directory, json.tensors)));
  } catch {
    throw new ArgumentError(`${file}.tensors`, 'a safetensors file beside it', `${JSON.stringify(json.tensors)}, which cannot be read`);
  }
  return { json, tensors, directory, file };
}
