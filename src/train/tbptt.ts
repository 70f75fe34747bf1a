/**
 * Truncated BPTT over a long sequence, fed one window at a time: the state at the end of
 * a window starts the next, but no gradient crosses a window boundary, so the memory for
 * activations is bounded by the window, not by the sequence.
 */
import type { RecurrentNetwork } from '../recurrent/network.js';
import { Tape } from '../autograd/tape.js';
import type { Tensor } from '../tensor.js';

export interface TruncatedBPTTOptions {
  /** Keep only layer inputs in forward and recompute activations in backward. */
  recompute?: boolean;
}

export class TruncatedBPTT {
  private h: Tensor<'f32'> | null = null;
  private c: Tensor<'f32'> | null = null;

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
      ...(this.h ? { h0: this.h } : {}),
      ...(this.c ? { c0: this.c } : {}),
      tape,
      recompute: this.options.recompute ?? false,
    });
    const loss = lossOf(result.output, tape);
    tape.backward(loss);
    tape.keep(result.h, result.c, loss);
    tape.dispose();
    // The new state is a plain tensor: the next window's tape sees it as a leaf.
    this.h?.dispose();
    this.c?.dispose();
    this.h = result.h;
    this.c = result.c;
    return loss;
  }

  /** The carried state (valid until the next step or reset). */
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
