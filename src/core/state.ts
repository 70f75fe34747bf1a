/** Helpers for the one recurrent state type that streams, generation, models and TBPTT carry. */
import type { Tensor } from '../tensor.js';
import type { RecurrentState } from './types.js';

/** A state as forward() takes it: { h0, c0 }, empty for null (zeros). */
export function stateInputs(state: RecurrentState | null): { h0?: Tensor<'f32'>; c0?: Tensor<'f32'> } {
  return { ...(state ? { h0: state.h } : {}), ...(state?.c ? { c0: state.c } : {}) };
}

export function disposeState(state: RecurrentState | null): void {
  state?.h.dispose();
  state?.c?.dispose();
}
