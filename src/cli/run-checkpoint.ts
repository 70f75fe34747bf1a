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
import type { TrainOptions } from './options.js';

/** What the command line adds to the library's checkpoint JSON to resume exactly. */
export interface RunCheckpointJson extends CharLanguageModelCheckpoint {
  options: TrainOptions;
  dropoutCalls: number;
  carriedState: boolean;
}

export type TrainHistory = RunCheckpointJson['history'];

export { CHAR_LM_CHECKPOINT_FORMAT as CHECKPOINT_FORMAT };

/** Writes a file whole or not at all (a crash or Ctrl-C mid-write leaves the old one). */
function writeAtomically(path: string, data: string | Uint8Array): void {
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
