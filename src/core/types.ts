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
  /** Heads of a block-diagonal W_hh (H divisible by it); 1, the default, is the dense cell. */
  heads?: number;
  /** Layer normalisation inside the cell (Ba et al. 2016). */
  layerNorm?: boolean;
  /** Zoneout on h (and an LSTM's c): the kernels draw and regenerate its masks. */
  zoneout?: boolean;
  /** LSTM and GRU: dropout on the candidate inside the recurrence (Semeniuta et al. 2016). */
  recurrentDropout?: boolean;
}

/** Recurrent state: h (and c for an LSTM), [L·D, N, H]. */
export interface RecurrentState {
  h: Tensor<'f32'>;
  c: Tensor<'f32'> | null;
}
