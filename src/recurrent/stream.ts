/** Forward in pieces: a stateful stream over a unidirectional network. */
import type { Tensor } from '../tensor.js';
import type { ForwardState } from './types.js';
import type { RecurrentNetwork } from './network.js';
import { CarriedState } from './carried-state.js';

/** Forward in pieces: the state after one piece starts the next. */
export class RecurrentStream {
  private readonly carried = new CarriedState();

  constructor(
    private readonly network: RecurrentNetwork,
    private readonly initial: Omit<ForwardState, 'lengths'>,
  ) {}

  /** Runs the next piece; returns its output. The state is in `state`. */
  forward(piece: Tensor): Tensor<'f32'> {
    const result = this.network.forward(piece, this.carried.isEmpty ? this.initial : this.carried.forwardState);
    this.carried.replace(result.h, result.c);
    return result.output;
  }

  /** The current h (and c): valid until the next forward(), reset() or dispose(). */
  get state(): { h: Tensor<'f32'> | null; c: Tensor<'f32'> | null } {
    return this.carried.state;
  }

  reset(): void {
    this.carried.reset();
  }

  dispose(): void {
    this.carried.reset();
  }
}
