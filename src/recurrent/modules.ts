/** The user-facing cells: LSTM, GRU (either reset form) and Elman RNN. */
import type { Runtime } from '../runtime/runtime.js';
import { checkBoolean, checkOneOf } from '../errors.js';
import type { Nonlinearity } from '../core/types.js';
import { RecurrentNetwork } from './network.js';
import type { RecurrentOptions } from './types.js';

export interface LSTMOptions extends RecurrentOptions {
  /**
   * Peephole connections (ONNX's P): i and f also see c_{t−1}, o sees c_t, through
   * per-unit weights `weight_peephole_l{k}` of shape [3·hiddenSize] in the order i, f, o
   * (ONNX stores i, o, f). They start at zero and are trained like every weight.
   */
  peephole?: boolean;
}

export class LSTM extends RecurrentNetwork {
  constructor(runtime: Runtime, options: LSTMOptions) {
    const peephole = checkBoolean('options.peephole', options?.peephole ?? false);
    super(runtime, { cell: 'lstm', resetAfter: true, nonlinearity: 'tanh', peephole }, options);
  }
}

export interface GRUOptions extends RecurrentOptions {
  /**
   * true (default): PyTorch's GRU, reset gate applied after the recurrent product with
   * b_hn inside it. false: Cho et al.'s original, reset gate applied to h before it.
   */
  resetAfter?: boolean;
}

export class GRU extends RecurrentNetwork {
  constructor(runtime: Runtime, options: GRUOptions) {
    super(runtime, { cell: 'gru', resetAfter: checkBoolean('options.resetAfter', options?.resetAfter ?? true), nonlinearity: 'tanh' }, options);
  }
}

export interface RNNOptions extends RecurrentOptions {
  nonlinearity?: Nonlinearity;
}

export class RNN extends RecurrentNetwork {
  constructor(runtime: Runtime, options: RNNOptions) {
    const nonlinearity = checkOneOf('options.nonlinearity', options?.nonlinearity ?? 'tanh', ['tanh', 'relu'] as const);
    super(runtime, { cell: 'rnn', resetAfter: true, nonlinearity }, options);
  }
}
