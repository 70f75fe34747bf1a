/** Options, state and results of the recurrent modules. */
import type { Tensor } from '../tensor.js';
import type { Tape } from '../autograd/tape.js';
import type { InitOptions } from './init.js';
import type { CellOptions } from './cell-options.js';
import type { GradientTrace } from './gradient-trace.js';

export interface RecurrentOptions extends CellOptions {
  inputSize: number;
  hiddenSize: number;
  numLayers?: number;
  bias?: boolean;
  /** Input and output are [B, T, ·] instead of [T, B, ·]. */
  batchFirst?: boolean;
  bidirectional?: boolean;
  init?: InitOptions;
  /** Time steps per dispatch; chosen from the shape and device when absent. */
  chunkLength?: number;
  /** Dropout probability on the outputs of every layer but the last, when training. */
  dropout?: number;
  /** Use one dropout mask for every time step (variational dropout, Gal & Ghahramani). */
  variationalDropout?: boolean;
  /** Seeds the dropout masks; each training forward draws new ones from it. */
  dropoutSeed?: number;
  /** Prefix of the parameters' names (default: the cell type), distinct per network in one optimizer. */
  name?: string;
}

export interface ForwardState {
  /** [L·D, B, H] */
  h0?: Tensor;
  /** LSTM only: [L·D, B, H] */
  c0?: Tensor;
  /** Per-sequence lengths, each in 1..T (PyTorch packed-sequence semantics). */
  lengths?: readonly number[];
  /** Record on this tape: the forward keeps activations and backward runs from tape.backward(). */
  tape?: Tape;
  /**
   * Keep only each layer's input and initial state; backward re-runs each layer's forward
   * just before its backward, so at most one layer's activations exist at a time.
   */
  recompute?: boolean;
  /**
   * Training only: backward copies ∂L/∂h_t of every step and layer into this trace (one
   * step per dispatch, so slower). Read it after backward.
   */
  gradientTrace?: GradientTrace;
}

export interface ForwardResult {
  /** [T, B, D·H] or [B, T, D·H]; zero past each sequence's length. */
  output: Tensor<'f32'>;
  /** Shape [L·D, B, H]: the state at each sequence's last step. */
  h: Tensor<'f32'>;
  /** LSTM only; null otherwise. */
  c: Tensor<'f32'> | null;
}

/** Gradients arriving at a forward's results; absent ones are zero. */
export interface BackwardSeeds {
  output?: Tensor;
  h?: Tensor;
  c?: Tensor;
}

export interface BackwardResult {
  /** dL/d input, shaped like the input. */
  input: Tensor<'f32'>;
  /** dL/d h0, [L·D, B, H] */
  h0: Tensor<'f32'>;
  /** LSTM: dL/d c0; null otherwise. */
  c0: Tensor<'f32'> | null;
}

/** A forward that kept its activations; backward() runs BPTT once and frees them. */
export interface TrainingPass extends ForwardResult {
  /** Adds this pass's parameter gradients to the network's and returns the others. */
  backward(seeds: BackwardSeeds): BackwardResult;
  /** Frees the kept activations without running backward. */
  release(): void;
}
