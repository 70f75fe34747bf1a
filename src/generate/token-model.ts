/** What generation needs from a model: logits for tokens, one or more steps at a time. */
import type { Tensor } from '../tensor.js';
import type { RecurrentState } from '../core/types.js';

export type { RecurrentState };
export { disposeState } from '../core/state.js';

export interface TokenModel {
  readonly vocabularySize: number;
  /**
   * tokens: i32 [T, N] → logits [T, N, V], and the state after the last step. `state` null
   * means the model's initial (zero) state. The caller owns and disposes everything returned.
   */
  step(tokens: Tensor<'i32'>, state: RecurrentState | null): { logits: Tensor<'f32'>; state: RecurrentState };
}

