/**
 * Truncated BPTT over a long sequence, fed one window at a time: the state at the end of
 * a window starts the next, but no gradient crosses a window boundary, so the memory for
 * activations is bounded by the window, not by the sequence.
 */
import type { Runtime } from '../runtime/runtime.js';
import type { RecurrentNetwork } from '../recurrent/network.js';
import { Tape } from '../autograd/tape.js';
import type { Tensor } from '../tensor.js';
import type { RecurrentState } from '../core/types.js';
import { stateInputs } from '../core/state.js';
import { CarriedState } from '../recurrent/carried-state.js';

export interface TruncatedBPTTOptions {
  /** Keep only layer inputs in forward and recompute activations in backward (step() only). */
  recompute?: boolean;
}

/**
 * A model's loss on one window, recorded on `tape`, starting from `state` (null: zeros);
 * returns the loss and the state the window ends in.
 */
export type WindowLoss<I = Tensor> = (input: I, state: RecurrentState | null, tape: Tape) => { loss: Tensor; state: RecurrentState };

/** A loss built from the network's output on one window, recorded on `tape`. */
export type OutputLoss = (output: Tensor<'f32'>, tape: Tape) => Tensor;

export class TruncatedBPTT {
  private readonly carried = new CarriedState();

  constructor(
    readonly network: RecurrentNetwork,
    private readonly options: TruncatedBPTTOptions = {},
  ) {}

  /**
   * One window on a fresh tape: `windowLoss` from `state`, then backward, which adds the
   * window's gradients to the parameters. The returned loss and state are plain tensors
   * (the next window's tape sees the state as a leaf) that the caller owns; `state` is not
   * consumed.
   */
  static window<I>(runtime: Runtime, input: I, state: RecurrentState | null, windowLoss: WindowLoss<I>): { loss: Tensor; state: RecurrentState } {
    const tape = new Tape(runtime);
    const result = windowLoss(input, state, tape);
    tape.backward(result.loss);
    tape.keep(result.loss, result.state.h, result.state.c);
    tape.dispose();
    return result;
  }

  /**
   * Trains on one window of the network: forward from the carried state, `lossOf` builds
   * the loss from the window's output (recording on the tape), backward. Returns the loss,
   * which the caller disposes.
   */
  step(window: Tensor, lossOf: OutputLoss): Tensor {
    return this.stepWith(window, (input, state, tape) => {
      const result = this.network.forward(input, { ...stateInputs(state), tape, recompute: this.options.recompute ?? false });
      return { loss: lossOf(result.output, tape), state: { h: result.h, c: result.c } };
    });
  }

  /**
   * Trains any model around the network on one window from the carried state: `windowLoss`
   * runs it (e.g. embedding → network → head → loss). Returns the loss, which the caller disposes.
   */
  stepWith<I>(input: I, windowLoss: WindowLoss<I>): Tensor {
    const { loss, state } = TruncatedBPTT.window(this.network.runtime, input, this.carried.state, windowLoss);
    this.carried.replace(state);
    return loss;
  }

  /** The carried state, null before the first step (valid until the next step or reset). */
  get state(): RecurrentState | null {
    return this.carried.state;
  }

  /** Takes ownership of `state` as the state the next window starts from (null: zeros). */
  carry(state: RecurrentState | null): void {
    this.carried.replace(state);
  }

  reset(): void {
    this.carried.reset();
  }
}
