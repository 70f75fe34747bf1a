/** Argument checks, state tensors, lengths and dropout seeds for the recurrent modules. */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor, checkTensor } from '../tensor.js';
import { ArgumentError, checkInteger, describe } from '../errors.js';
import type { DropoutMask } from '../ops/elementwise.js';

export function checkLengths(lengths: readonly number[], batch: number, steps: number): number[] {
  if (!Array.isArray(lengths) && !ArrayBuffer.isView(lengths)) throw new ArgumentError('state.lengths', `an array of ${batch} lengths`, describe(lengths));
  if (lengths.length !== batch) throw new ArgumentError('state.lengths', `${batch} lengths (one per sequence)`, `${lengths.length}`);
  return Array.from(lengths, (length, b) => checkInteger(`state.lengths[${b}]`, length, 1, steps));
}

/** The mask seed of a layer boundary in the call-th training forward (1, 2, …). */
export function dropoutMaskSeed(baseSeed: number, call: number, layer: number): number {
  return (Math.imul(baseSeed + 1, 0x9e3779b1) ^ Math.imul(call, 0x85ebca77) ^ Math.imul(layer + 1, 0xc2b2ae3d)) >>> 0;
}

/** The seed of a layer's zoneout and recurrent-dropout masks in the call-th training forward. */
export function cellMaskSeed(baseSeed: number, call: number, layer: number): number {
  // Layer boundaries use indices 0 … L − 2; the cells' masks take another stream.
  return dropoutMaskSeed(baseSeed ^ 0x5bd1e995, call, layer);
}

/** One mask per layer boundary for the call-th training forward, from the dropout seed. */
export function layerDropoutMasks(o: { layers: number; p: number; seed: number; call: number; steps: number; batch: number; features: number; variational: boolean; batchFirst: boolean }): DropoutMask[] {
  const count = o.steps * o.batch * o.features;
  const [keyDiv, keyMod] = !o.variational
    ? [count, count]
    : o.batchFirst
      ? [o.steps * o.features, o.features] // [B, T, F]: key = b·F + f
      : [count, o.batch * o.features]; //    [T, B, F]: key = b·F + f
  return Array.from({ length: o.layers - 1 }, (_, layer) => ({ p: o.p, seed: dropoutMaskSeed(o.seed, o.call, layer), keyDiv, keyMod }));
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

/** input: [T, B, inputSize] (or [B, T, inputSize] batch-first) with T, B ≥ 1. */
export function checkSequenceInput(runtime: Runtime, input: Tensor, inputSize: number, batchFirst: boolean): { steps: number; batch: number } {
  checkTensor('input', input, runtime, { dtype: 'f32', rank: 3 });
  const [first, second, features] = input.shape as [number, number, number];
  const [T, B] = batchFirst ? [second, first] : [first, second];
  const layout = batchFirst ? '[B, T, inputSize]' : '[T, B, inputSize]';
  if (features !== inputSize) throw new ArgumentError('input', `shape ${layout} with inputSize ${inputSize}`, `shape ${describe(input.shape)}`);
  if (T < 1 || B < 1) throw new ArgumentError('input', `shape ${layout} with at least one step and one sequence`, `shape ${describe(input.shape)}`);
  return { steps: T, batch: B };
}

/** An optional state or seed tensor: absent, or f32 of exactly `shape`. */
export function checkStateTensor(runtime: Runtime, argument: string, value: Tensor | undefined, shape: number[], layout = '[layers·directions, B, H]'): void {
  if (value === undefined) return;
  checkTensor(argument, value, runtime, { dtype: 'f32' });
  if (value.shape.join() !== shape.join()) throw new ArgumentError(argument, `shape ${describe(shape)} ${layout}`, `shape ${describe(value.shape)}`);
}
