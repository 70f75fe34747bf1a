/** A recurrent state carried from one call to the next, owned and disposed here. */
import type { Tensor } from '../tensor.js';

export class CarriedState {
  private h: Tensor<'f32'> | null = null;
  private c: Tensor<'f32'> | null = null;

  /** The state as forward() takes it; empty before the first call. */
  get forwardState(): { h0?: Tensor<'f32'>; c0?: Tensor<'f32'> } {
    return { ...(this.h ? { h0: this.h } : {}), ...(this.c ? { c0: this.c } : {}) };
  }

  get isEmpty(): boolean {
    return this.h === null;
  }

  /** Takes ownership of the new state and frees the old one. */
  replace(h: Tensor<'f32'>, c: Tensor<'f32'> | null): void {
    this.reset();
    this.h = h;
    this.c = c;
  }

  /** The current h (and c): valid until the next replace() or reset(). */
  get state(): { h: Tensor<'f32'> | null; c: Tensor<'f32'> | null } {
    return { h: this.h, c: this.c };
  }

  reset(): void {
    this.h?.dispose();
    this.c?.dispose();
    this.h = null;
    this.c = null;
  }
}
