/** A recurrent state carried from one call to the next, owned and disposed here. */
import type { Tensor } from '../tensor.js';
import type { RecurrentState } from '../core/types.js';
import { disposeState, stateInputs } from '../core/state.js';

export class CarriedState {
  private current: RecurrentState | null = null;

  /** The state as forward() takes it; empty before the first call. */
  get forwardState(): { h0?: Tensor<'f32'>; c0?: Tensor<'f32'> } {
    return stateInputs(this.current);
  }

  get isEmpty(): boolean {
    return this.current === null;
  }

  /** Takes ownership of the new state (null: zeros) and frees the old one. */
  replace(state: RecurrentState | null): void {
    disposeState(this.current);
    this.current = state;
  }

  /** The current state, null before the first call: valid until the next replace() or reset(). */
  get state(): RecurrentState | null {
    return this.current;
  }

  reset(): void {
    this.replace(null);
  }
}
