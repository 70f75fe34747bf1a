/** The library's core types: what modules, references, loaders and models all speak. */
import type { Tensor } from '../tensor.js';

/** PyTorch state_dict entries: row-major data with a shape. */
export type StateDict = Record<string, { shape: readonly number[]; data: ArrayLike<number> }>;

/** The recurrent cell families. */
export type CellType = 'lstm' | 'gru' | 'rnn';

/** The Elman RNN's nonlinearity. */
export type Nonlinearity = 'tanh' | 'relu';

/** A recurrent cell with its variant. */
export interface CellConfig {
  cell: CellType;
  /** GRU: PyTorch's form (reset gate applied after the recurrent product). */
  resetAfter: boolean;
  nonlinearity: Nonlinearity;
  /** LSTM: peephole connections from the cell state to the i, f and o gates. */
  peephole?: boolean;
}

/** Recurrent state: h (and c for an LSTM), [L·D, N, H]. */
export interface RecurrentState {
  h: Tensor<'f32'>;
  c: Tensor<'f32'> | null;
}
