/** State tensors, lengths and dropout seeds for the recurrent modules. */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor } from '../tensor.js';
import { ArgumentError, checkInteger, describe } from '../errors.js';

export function checkLengths(lengths: readonly number[], batch: number, steps: number): number[] {
  if (!Array.isArray(lengths) && !ArrayBuffer.isView(lengths)) throw new ArgumentError('state.lengths', `an array of ${batch} lengths`, describe(lengths));
  if (lengths.length !== batch) throw new ArgumentError('state.lengths', `${batch} lengths (one per sequence)`, `${lengths.length}`);
  return Array.from(lengths, (length, b) => checkInteger(`state.lengths[${b}]`, length, 1, steps));
}

/** The mask seed of a layer boundary in the call-th training forward (1, 2, …). */
export function dropoutMaskSeed(baseSeed: number, call: number, layer: number): number {
  return (Math.imul(baseSeed + 1, 0x9e3779b1) ^ Math.imul(call, 0x85ebca77) ^ Math.imul(layer + 1, 0xc2b2ae3d)) >>> 0;
}

export function copyOf(runtime: Runtime, source: Tensor, label: string): Tensor<'f32'> {
  const copy = Tensor.empty(runtime, source.shape, 'f32', label);
  runtime.commandEncoder().copyBufferToBuffer(source.buffer, 0, copy.buffer, 0, source.byteLength);
  return copy;
}

export function initialState(runtime: Runtime, given: Tensor | undefined, shape: number[], label: string): Tensor<'f32'> {
  const state = Tensor.empty(runtime, shape, 'f32', label);
  const encoder = runtime.commandEncoder();
  if (given) encoder.copyBufferToBuffer(given.buffer, 0, state.buffer, 0, state.byteLength);
  else encoder.clearBuffer(state.buffer, 0, state.byteLength);
  return state;
}
