/**
 * Checkpoints: the weights of named modules (any Module, or another Checkpointable) and the
 * optimizer's state in one safetensors file (entries `<module>.<key>` and `optimizer.<key>`),
 * with metadata as strings. Loading checks every part before writing any, so a bad file
 * changes nothing.
 */
import { decodeSafetensors, encodeSafetensors } from '../io/safetensors.js';
import { ArgumentError } from '../errors.js';
import type { StateDict } from '../core/types.js';
import type { Optimizer } from './optimizers.js';

export interface Checkpointable {
  stateDict(): Promise<StateDict>;
  /** Throws, naming the entry, where loadStateDict would reject `dict`; writes nothing. */
  checkStateDict(dict: StateDict): void;
  loadStateDict(dict: StateDict): void;
}

const OPTIMIZER = 'optimizer';

export async function saveCheckpoint(
  modules: Readonly<Record<string, Checkpointable>>,
  optimizer?: Optimizer,
  metadata: Record<string, string> = {},
): Promise<Uint8Array> {
  const entries: StateDict = {};
  const parts: [string, Checkpointable | Optimizer][] = [...Object.entries(modules), ...(optimizer ? [[OPTIMIZER, optimizer] as [string, Optimizer]] : [])];
  for (const [name, part] of parts) {
    if (name.includes('.')) throw new ArgumentError('modules', 'names without dots', JSON.stringify(name));
    for (const [key, value] of Object.entries(await part.stateDict())) entries[`${name}.${key}`] = value;
  }
  return encodeSafetensors(entries, metadata);
}

/** Loads what saveCheckpoint wrote into the same modules (and optimizer); returns the metadata. */
export function loadCheckpoint(bytes: Uint8Array, modules: Readonly<Record<string, Checkpointable>>, optimizer?: Optimizer): Record<string, string> {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const part = (name: string): StateDict => {
    const prefix = `${name}.`;
    const dict = Object.fromEntries(Object.entries(tensors).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    if (Object.keys(dict).length === 0) throw new ArgumentError('checkpoint', `entries for ${name}`, 'none');
    return dict;
  };
  const dicts = Object.keys(modules).map((name) => [name, part(name)] as const);
  const optimizerDict = optimizer ? part(OPTIMIZER) : null;
  const parts = [...Object.keys(modules), ...(optimizer ? [OPTIMIZER] : [])];
  const strays = Object.keys(tensors).filter((key) => !parts.some((name) => key.startsWith(`${name}.`)));
  if (strays.length > 0) throw new ArgumentError('checkpoint', `entries of ${parts.join(', ')} only`, `entries of nothing loaded: ${strays.slice(0, 5).join(', ')}${strays.length > 5 ? ', …' : ''}`);
  // Every part is checked before any is written: a load that fails changes nothing.
  for (const [name, dict] of dicts) modules[name]!.checkStateDict(dict);
  if (optimizer && optimizerDict) optimizer.checkStateDict(optimizerDict);
  for (const [name, dict] of dicts) modules[name]!.loadStateDict(dict);
  if (optimizer && optimizerDict) optimizer.loadStateDict(optimizerDict);
  return metadata;
}
