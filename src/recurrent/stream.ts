/** Forward in pieces: a stateful stream over a unidirectional network. */
import type { Tensor } from '../tensor.js';
import type { RecurrentState } from '../core/types.js';
import type { ForwardResult, ForwardState } from './types.js';
import { CarriedState } from './carried-state.js';

/** Forward in pieces: the state after one piece starts the next. */
export class RecurrentStream {
  private readonly carried = new CarriedState();

  constructor(
    private readonly network: { forward(input: Tensor, state: ForwardState): ForwardResult },
    private readonly initial: Omit<ForwardState, 'lengths'>,
  ) {}

  /** Runs the next piece; returns its output. The state is in `state`. */
  forward(piece: Tensor): Tensor<'f32'> {
    const result = this.network.forward(piece, this.carried.isEmpty ? this.initial : this.carried.forwardState);
    this.carried.replace({ h: result.h, c: result.c });
    return result.output;
  }

  /** The current state (null before the first piece): valid until the next forward(), reset() or dispose(). */
  get state(): RecurrentState | null {
    return this.carried.state;
  }

  reset(): void {
    this.carried.reset();
  }

  dispose(): void {
    this.carried.reset();
  }
}
