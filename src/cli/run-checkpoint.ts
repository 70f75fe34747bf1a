/**
 * A training run's checkpoint files: step-<n>.safetensors (weights, Adam state, carried
 * hidden state) and step-<n>.json (options, vocabulary, history); latest.json copies the
 * newest JSON, and with --keep-best, best.json and best.safetensors hold the checkpoint
 * of the lowest validation loss. Every file is written whole or not at all.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Runtime } from '../runtime/runtime.js';
import { Tensor } from '../tensor.js';
import type { StateDict } from '../core/types.js';
import { checkStateEntry, checkStateKeys } from '../core/state-dict.js';
import type { Checkpointable } from '../train/checkpoint.js';
import type { RecurrentState } from '../generate/token-model.js';
import { CHAR_LM_CHECKPOINT_FORMAT, type CharLanguageModelCheckpoint } from '../models/char-lm-checkpoint.js';
import { OptionError, TRAIN_OPTION_NAMES, parseTrainOptions, type TrainOptions } from './options.js';

/** What the command line adds to the library's checkpoint JSON to resume exactly. */
export interface RunCheckpointJson extends CharLanguageModelCheckpoint {
  options: TrainOptions;
  dropoutCalls: number;
  carriedState: boolean;
}

export type TrainHistory = RunCheckpointJson['history'];

export { CHAR_LM_CHECKPOINT_FORMAT as CHECKPOINT_FORMAT };

const camelCase = (name: string): string => name.replace(/-(.)/g, (_, c: string) => c.toUpperCase());

const isZoneout = (value: unknown): value is { hidden: number; cell: number } =>
  typeof value === 'object' && value !== null && typeof (value as { hidden?: unknown }).hidden === 'number' && typeof (value as { cell?: unknown }).cell === 'number';

/**
 * A checkpoint's train options in today's terms. Options written before --output-norm
 * existed have no `outputNorm`, and their `layerNorm` meant the layer norm before the output
 * layer (today's --output-norm; --layer-norm is now the one inside the cell).
 */
function upgradeTrainOptions(options: Record<string, unknown>): Record<string, unknown> {
  if ('outputNorm' in options) return options;
  return { ...options, outputNorm: options.layerNorm ?? false, layerNorm: false };
}

/**
 * Checks what a resumed run takes from its checkpoint JSON, field by field, naming the file
 * and the field: the options (each through the command line's own parser, so the same
 * ranges hold), the step, the carried-state flags and the history.
 */
export function checkRunCheckpointJson(json: RunCheckpointJson, file: string): RunCheckpointJson {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new OptionError(`${file}: ${field}: expected ${expected}, got ${JSON.stringify(got) ?? String(got)}`);
  };
  const written = json.options as unknown as Record<string, unknown>;
  if (written === null || typeof written !== 'object' || Array.isArray(written)) fail('options', 'an object of train options', written);
  const o = upgradeTrainOptions(written);
  const argv: string[] = [];
  for (const name of TRAIN_OPTION_NAMES) {
    const field = camelCase(name);
    const value = o[field];
    // Options added since the checkpoint was written take their defaults.
    if (value === undefined || value === null || name === 'resume' || name === 'checkpoint-dir') continue;
    if (typeof value === 'boolean') {
      if (value) argv.push(`--${name}`);
    } else if (typeof value === 'number' || typeof value === 'string') argv.push(`--${name}`, String(value));
    else if (name === 'zoneout' && isZoneout(value)) argv.push('--zoneout', `${value.hidden},${value.cell}`);
    else fail(`options.${field}`, name === 'zoneout' ? 'a number or { hidden, cell } of numbers' : 'a number, string or boolean', value);
  }
  let options: TrainOptions;
  try {
    options = parseTrainOptions(argv);
  } catch (error) {
    throw new OptionError(`${file}: options: ${(error as Error).message}`);
  }
  if (!Number.isSafeInteger(json.step) || json.step < 0) fail('step', 'a non-negative integer', json.step);
  if (!Number.isSafeInteger(json.dropoutCalls) || json.dropoutCalls < 0) fail('dropoutCalls', 'a non-negative integer', json.dropoutCalls);
  if (typeof json.carriedState !== 'boolean') fail('carriedState', 'true or false', json.carriedState);
  const h = json.history as Partial<TrainHistory> | null;
  if (h === null || typeof h !== 'object') fail('history', 'an object', h);
  // A skipped (non-finite) step's loss is written as null.
  if (!Array.isArray(h!.losses) || h!.losses.length !== json.step || !h!.losses.every((v) => v === null || typeof v === 'number')) fail('history.losses', `${json.step} losses (one per step)`, h!.losses);
  if (!Array.isArray(h!.validation) || !h!.validation.every((v) => v !== null && typeof v === 'object' && Number.isSafeInteger(v.step) && typeof v.bitsPerCharacter === 'number')) fail('history.validation', 'a list of { step, bitsPerCharacter }', h!.validation);
  if (typeof h!.unigramBitsPerCharacter !== 'number') fail('history.unigramBitsPerCharacter', 'a number', h!.unigramBitsPerCharacter);
  if (typeof json.corpus?.primer !== 'string' || json.corpus.primer.length === 0) fail('corpus.primer', 'a non-empty string', json.corpus?.primer);
  return { ...json, options: { ...options, checkpointDir: String(o.checkpointDir ?? options.checkpointDir), resume: null } };
}

/** Writes a file whole or not at all (a crash or Ctrl-C mid-write leaves the old one). */
export function writeAtomically(path: string, data: string | Uint8Array): void {
  writeFileSync(`${path}.partial`, data);
  renameSync(`${path}.partial`, path);
}

/** The carried TBPTT state as a checkpoint part (zeros when none is carried). */
export function carriedStateCheckpoint(get: () => RecurrentState | null, set: (state: RecurrentState) => void, shape: number[], runtime: Runtime, lstm: boolean): Checkpointable {
  return {
    async stateDict(): Promise<StateDict> {
      const state = get();
      const size = shape.reduce((a, b) => a * b, 1);
      const dict: StateDict = { h: { shape, data: state ? await state.h.read() : new Float32Array(size) } };
      if (lstm) dict.c = { shape, data: state?.c ? await state.c.read() : new Float32Array(size) };
      return dict;
    },
    checkStateDict(dict: StateDict): void {
      const keys = lstm ? ['h', 'c'] : ['h'];
      checkStateKeys('checkpoint state', dict, keys);
      for (const key of keys) checkStateEntry('checkpoint state', dict, key, shape);
    },
    loadStateDict(dict: StateDict): void {
      this.checkStateDict(dict);
      set({ h: Tensor.from(runtime, dict.h!.data, shape, 'f32', 'carried h'), c: lstm ? Tensor.from(runtime, dict.c!.data, shape, 'f32', 'carried c') : null });
    },
  };
}

/** Writes a run's checkpoints into one directory. */
export class RunDirectory {
  constructor(readonly path: string) {}

  /** Fails now, not at the first checkpoint minutes later, when the directory cannot be written. */
  checkWritable(): void {
    const probe = join(this.path, `.write-check-${process.pid}`);
    try {
      mkdirSync(this.path, { recursive: true });
      writeFileSync(probe, '');
      rmSync(probe);
    } catch (error) {
      throw new OptionError(`--checkpoint-dir ${this.path}: expected a directory this user can write, got ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }

  /** Removes the .partial files a killed write left behind (their complete versions, if any, are intact). */
  removePartialFiles(): string[] {
    if (!existsSync(this.path)) return [];
    const partial = readdirSync(this.path).filter((name) => name.endsWith('.partial'));
    for (const name of partial) rmSync(join(this.path, name), { force: true });
    return partial;
  }

  /** Writes step-<n>.* and latest.json; returns the JSON's path. */
  save(json: Omit<RunCheckpointJson, 'tensors'>, tensors: Uint8Array): string {
    const name = `step-${String(json.step).padStart(6, '0')}`;
    const text = this.write(name, json, tensors);
    writeAtomically(join(this.path, 'latest.json'), text);
    return join(this.path, `${name}.json`);
  }

  /** The validation (bits per character) of best.json, or Infinity when there is none. */
  bestValidation(): number {
    const file = join(this.path, 'best.json');
    if (!existsSync(file)) return Infinity;
    const json = JSON.parse(readFileSync(file, 'utf8')) as RunCheckpointJson;
    const at = json.history.validation.find((v) => v.step === json.step);
    return at?.bitsPerCharacter ?? Infinity;
  }

  /** Writes best.json and best.safetensors; returns the JSON's path. */
  saveBest(json: Omit<RunCheckpointJson, 'tensors'>, tensors: Uint8Array): string {
    this.write('best', json, tensors);
    return join(this.path, 'best.json');
  }

  private write(name: string, json: Omit<RunCheckpointJson, 'tensors'>, tensors: Uint8Array): string {
    mkdirSync(this.path, { recursive: true });
    writeAtomically(join(this.path, `${name}.safetensors`), tensors);
    const text = `${JSON.stringify({ ...json, tensors: `${name}.safetensors` } satisfies RunCheckpointJson, null, 1)}\n`;
    writeAtomically(join(this.path, `${name}.json`), text);
    return text;
  }
}
