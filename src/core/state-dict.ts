/**
 * Checks of state-dict entries, shared by every loader (modules, optimizers, checkpoint
 * parts): a loader checks its whole dict with these before it writes anything.
 */
import { ArgumentError, describe } from '../errors.js';
import type { StateDict } from './types.js';

/** Float data a parameter can take: Float32Array, Float64Array or an array of numbers. */
function isFloatData(data: unknown): data is ArrayLike<number> {
  if (data instanceof Float32Array || data instanceof Float64Array) return true;
  return Array.isArray(data) && data.every((v) => typeof v === 'number');
}

/** Checks `dict[key]`: present, an object, this shape, float data of the shape's size. */
export function checkStateEntry(where: string, dict: StateDict, key: string, shape: readonly number[]): void {
  const entry = Object.hasOwn(dict, key) ? dict[key] : undefined;
  if (entry === undefined) throw new ArgumentError(where, `key ${key}`, 'no such key');
  if (entry === null || typeof entry !== 'object') throw new ArgumentError(`${where}.${key}`, 'a { shape, data } entry', describe(entry));
  if (!Array.isArray(entry.shape) || entry.shape.join() !== shape.join()) throw new ArgumentError(`${where}.${key}`, `shape ${describe(shape)}`, `shape ${describe(entry.shape)}`);
  const size = shape.reduce((a, b) => a * b, 1);
  if (!isFloatData(entry.data)) throw new ArgumentError(`${where}.${key}.data`, 'float data (Float32Array, Float64Array or numbers)', describe(entry.data));
  if (entry.data.length !== size) throw new ArgumentError(`${where}.${key}.data`, `${size} values`, `${entry.data.length} values`);
}

/** Checks that `dict` is an object holding no keys but `expected`. */
export function checkStateKeys(where: string, dict: StateDict, expected: readonly string[]): void {
  if (dict === null || typeof dict !== 'object' || Array.isArray(dict)) throw new ArgumentError(where, 'an object of { shape, data } entries', describe(dict));
  const names = new Set(expected);
  const unexpected = Object.keys(dict).filter((key) => !names.has(key));
  if (unexpected.length > 0) throw new ArgumentError(where, `only the keys ${expected.join(', ')}`, `unexpected keys ${unexpected.join(', ')}`);
}
