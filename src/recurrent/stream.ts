/** Forward in pieces: a stateful stream over a unidirectional network. */
import type { Tensor } from '../tensor.js';
import type { ForwardState } from './types.js';
import type { RecurrentNetwork } from './network.js';

/** Forward in pieces: the state after one piece starts the next. */
export class RecurrentStream {
  private h: Tensor<'f32'> | null = null;
  private c: Tensor<'f32'> | null = null;

  constructor(
    private readonly network: RecurrentNetwork,
    private readonly initial: Omit<ForwardState, 'lengths'>,
  ) {}

  /** Runs the next piece; returns its output. The state is in `state`. */
  forward(piece: Tensor): Tensor<'f32'> {
    const state: ForwardState = this.h ? { h0: this.h, ...(this.c ? { c0: this.c } : {}) } : this.initial;
    const result = this.network.forward(piece, state);
    this.h?.dispose();
    this.c?.dispose();
    this.h = result.h;
    this.c = result.c;
    return result.output;
  }

  /** The current h (and c): valid until the next forward(), reset() or dispose(). */
  get state(): { h: Tensor<'f32'> | null; c: Tensor<'f32'> | null } {
    return { h: this.h, c: this.c };
  }

  reset(): void {
    this.h?.dispose();
    this.c?.dispose();
    this.h = null;
    this.c = null;
  }

  dispose(): void {
    this.reset();
  }
}
