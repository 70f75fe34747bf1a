/**
 * Truncated BPTT over a long sequence, fed one window at a time: the state at the end of
 * a window starts the next, but no gradient crosses a window boundary, so the memory for
 * activations is bounded by the window, not by the sequence.
 */
import type { RecurrentNetwork } from '../recurrent/network.js';
import { Tape } from '../autograd/tape.js';
import type { Tensor } from '../tensor.js';
import { CarriedState } from '../recurrent/carried-state.js';

export interface TruncatedBPTTOptions {
  /** Keep only layer inputs in forward and recompute activations in backward. */
  recompute?: boolean;
}

export class TruncatedBPTT {
  private readonly carried = new CarriedState();

  constructor(
    readonly network: RecurrentNetwork,
    private readonly options: TruncatedBPTTOptions = {},
  ) {}

  /**
   * Trains on one window: forward from the carried state on a fresh tape, `lossOf` builds
   * the loss from the window's output (recording on the tape), backward adds the window's
   * gradients to the parameters. Returns the loss, which the caller disposes.
   */
  step(window: Tensor, lossOf: (output: Tensor<'f32'>, tape: Tape) => Tensor): Tensor {
    const tape = new Tape(this.network.runtime);
    const result = this.network.forward(window, {
      ...this.carried.forwardState,
      tape,
      recompute: this.options.recompute ?? false,
    });
    const loss = lossOf(result.output, tape);
    tape.backward(loss);
    tape.keep(result.h, result.c, loss);
    tape.dispose();
    // The new state is a plain tensor: the next window's tape sees it as a leaf.
    this.carried.replace(result.h, result.c);
    return loss;
  }

  /** The carried state (valid until the next step or reset). */
  get state(): { h: Tensor<'f32'> | null; c: Tensor<'f32'> | null } {
    return this.carried.state;
  }

  reset(): void {
    this.carried.reset();
  }
}
