/**
 * Checkpoints under seeded mutations: byte-level ones (from the safetensors fuzz) and
 * structural ones that stay valid safetensors but do not fit the model (a dropped, extra,
 * renamed or foreign entry, a wrong shape, a wrong size, integer data, a bad optimizer step). Each
 * mutated file is loaded into a live model and optimizer: it must either load exactly the
 * file's values or fail with a library error leaving every weight and optimizer state as it
 * was. Shared by test/train/checkpoint-fuzz.test.ts and bench/reliability.ts.
 */
import { Adam, ArgumentError, CharLanguageModel, decodeSafetensors, encodeSafetensors, loadCheckpoint, saveCheckpoint } from '../../src/index.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import type { StateDict } from '../../src/core/types.js';
import { mulberry32, mutate, type Rng } from '../io/safetensors-mutations.js';

export interface CheckpointFuzzTally {
  files: number;
  loaded: number;
  rejected: number;
  /** Exceptions that are not library errors. */
  raw: number;
  /** Rejected loads that changed a weight or optimizer state. */
  partial: number;
  /** Accepted loads whose values differ from the file's. */
  wrong: number;
  problems: string[];
}

const int = (rng: Rng, n: number): number => Math.floor(rng() * n);

/** A valid safetensors file that does not fit the model, made from the good checkpoint's entries. */
function structural(rng: Rng, good: StateDict): { kind: string; bytes: Uint8Array } {
  const dict: StateDict = { ...good };
  const keys = Object.keys(dict);
  const key = keys[int(rng, keys.length)]!;
  const entry = dict[key]!;
  const kind = ['drop', 'extra', 'alien', 'rename', 'reshape', 'resize', 'step'][int(rng, 7)]!;
  if (kind === 'drop') delete dict[key];
  else if (kind === 'extra') dict[rng() < 0.5 ? 'model.extra.weight' : 'optimizer.extra.state0'] = { shape: [2], data: [1, 2] };
  else if (kind === 'alien') dict['decoder.weight'] = { shape: [1], data: [0] };
  else if (kind === 'rename') {
    delete dict[key];
    dict[`${key}_x`] = entry;
  } else if (kind === 'reshape') dict[key] = { shape: [entry.data.length], data: entry.data };
  else if (kind === 'resize') dict[key] = { shape: [entry.data.length + 1], data: [...Array.from(entry.data), 0] };
  else dict['optimizer.step'] = { shape: [1], data: [[-1, 0.5, NaN][int(rng, 3)]!] };
  return { kind, bytes: encodeSafetensors(dict) };
}

/** Model and optimizer state as plain arrays, for exact comparison. */
async function snapshot(model: CharLanguageModel, optimizer: Adam): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [prefix, dict] of [['model.', await model.stateDict()], ['optimizer.', await optimizer.stateDict()]] as const) {
    for (const [k, v] of Object.entries(dict)) out[prefix + k] = Array.from(v.data);
  }
  return out;
}

const same = (a: Record<string, number[]>, b: Record<string, number[]>): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] !== undefined && v.length === b[k]!.length && v.every((x, i) => Object.is(x, b[k]![i])));

export async function runCheckpointFuzz(runtime: Runtime, seed: number, count: number): Promise<CheckpointFuzzTally> {
  const model = new CharLanguageModel(runtime, { vocabularySize: 7, embeddingDim: 3, hiddenSize: 5, seed });
  const optimizer = new Adam(runtime, model.parameters(), { lr: 0.1 });
  const window = { index: 1, steps: 4, batch: 2, input: Int32Array.from({ length: 8 }, (_, i) => i % 7), target: Int32Array.from({ length: 8 }, (_, i) => (i + 1) % 7) };
  const { state } = await model.trainStep(window, null, optimizer, 1);
  state?.h.dispose();
  state?.c?.dispose();
  const good = await saveCheckpoint({ model }, optimizer);
  const goodTensors = decodeSafetensors(good).tensors;
  const baseline = await snapshot(model, optimizer);
  const tally: CheckpointFuzzTally = { files: 0, loaded: 0, rejected: 0, raw: 0, partial: 0, wrong: 0, problems: [] };
  const note = (text: string): void => void (tally.problems.length < 20 && tally.problems.push(text));
  try {
    for (let i = 0; i < count; i++) {
      const rng = mulberry32((Math.imul(seed, 0x9e3779b1) ^ Math.imul(i, 0x85ebca77)) >>> 0);
      const mutation = rng() < 0.5 ? structural(rng, goodTensors) : mutate(rng, good);
      tally.files++;
      try {
        loadCheckpoint(mutation.bytes, { model }, optimizer);
      } catch (error) {
        if (!(error instanceof ArgumentError)) {
          tally.raw++;
          note(`case ${i} (${mutation.kind}): ${(error as Error)?.name}: ${(error as Error)?.message}`);
        } else tally.rejected++;
        if (!same(await snapshot(model, optimizer), baseline)) {
          tally.partial++;
          note(`case ${i} (${mutation.kind}): rejected, but the state changed`);
          loadCheckpoint(good, { model }, optimizer);
        }
        continue;
      }
      tally.loaded++;
      // Loaded: exactly the file's values (as float32), then back to the baseline.
      const expected = Object.fromEntries(Object.entries(decodeSafetensors(mutation.bytes).tensors).map(([k, v]) => [k, Array.from(Float32Array.from(v.data))]));
      const { 'optimizer.step': step, ...rest } = expected;
      const actual = await snapshot(model, optimizer);
      const { 'optimizer.step': actualStep, ...actualRest } = actual;
      if (!same(rest, actualRest) || step?.[0] !== actualStep?.[0]) {
        tally.wrong++;
        note(`case ${i} (${mutation.kind}): loaded values differ from the file's`);
      }
      loadCheckpoint(good, { model }, optimizer);
    }
  } finally {
    optimizer.dispose();
    model.dispose();
  }
  return tally;
}

