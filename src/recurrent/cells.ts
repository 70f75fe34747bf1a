/**
 * The cell table: one record per cell variant holds everything the engine knows about it.
 * The scheduler, the tuner, the forward and backward passes, the parameters, state-dict
 * conversion and the float64 reference all read these records; none switches on a cell's
 * name. A new variant is a record here, its WGSL (with its kernel descriptor) and its
 * float64 step in src/reference/.
 */
import type { CellConfig } from '../core/types.js';
import { ArgumentError, describe } from '../errors.js';
import type { RecurrentKernel } from '../kernels/recurrent_common.js';
import { lstmForwardKernel } from '../kernels/lstm_forward.js';
import { lstmBackwardKernel } from '../kernels/lstm_backward.js';
import { gruForwardKernel } from '../kernels/gru_forward.js';
import { gruBackwardKernel } from '../kernels/gru_backward.js';
import { rnnForwardKernel } from '../kernels/rnn_forward.js';
import { rnnBackwardKernel } from '../kernels/rnn_backward.js';
import type { ReferenceCell } from '../reference/cell.js';
import { lstmCell } from '../reference/lstm.js';
import { gruResetAfterCell, gruResetBeforeCell } from '../reference/gru.js';
import { rnnReluCell, rnnTanhCell } from '../reference/rnn.js';
import { withCellOptions } from './cell-options.js';

export type { CellConfig };

/** A parameter of the cell itself, beside PyTorch's weight_ih, weight_hh, bias_ih, bias_hh. */
export interface CellParameter {
  /** State-dict kind: the key is `${kind}_l${layer}` (+ `_reverse`). */
  readonly kind: string;
  /** Vectors of H per direction (shape [size·H]). */
  readonly size: number;
  /** The kernels' binding of the parameter; its per-row gradient terms bind as `d_${binding}`. */
  readonly binding: string;
  /** Every element's initial value. */
  readonly initialValue: number;
}

/** A block of dW_hh: gate columns [firstGate, firstGate + gates) of the saved slot `input`. */
export interface RecurrentWeightBlock {
  readonly input: string;
  readonly firstGate: number;
  readonly gates: number;
}

export interface CellVariant {
  /** Stable name (tuning keys, labels). */
  readonly name: string;
  /** The configuration this record serves. */
  readonly config: Readonly<Required<CellConfig>>;
  /** Gate order of PyTorch's weight_ih / weight_hh rows (ONNX order differs). */
  readonly gates: readonly string[];
  /** Carries a cell state c beside h (LSTM). */
  readonly hasCellState: boolean;
  /** What the forward saves per unit for backward, in slot order. */
  readonly saved: readonly string[];
  /** dW_hhᵀ as GEMMs of saved slots against the recurrent gate gradients. */
  readonly recurrentWeightBlocks: readonly RecurrentWeightBlock[];
  /** Backward writes separate gradients for the recurrent pre-activations (GRU reset-after: b_hn sits inside r ⊙ ·). */
  readonly separateRecurrentGradient: boolean;
  readonly cellParameters: readonly CellParameter[];
  readonly forward: RecurrentKernel;
  readonly backward: RecurrentKernel;
  /** Sequences per work item each pass's kernel can block, ascending. */
  readonly blocks: { readonly forward: readonly number[]; readonly backward: readonly number[] };
  readonly reference: ReferenceCell<never>;
}

const LSTM_SAVED = ['i', 'f', 'g', 'o', 'c', 'c_prev', 'h_prev'] as const;
const LSTM_COMMON = {
  gates: ['i', 'f', 'g', 'o'],
  hasCellState: true,
  saved: LSTM_SAVED,
  recurrentWeightBlocks: [{ input: 'h_prev', firstGate: 0, gates: 4 }],
  separateRecurrentGradient: false,
  forward: lstmForwardKernel,
  backward: lstmBackwardKernel,
  blocks: { forward: [1, 2, 4, 8], backward: [1, 2, 4, 8] },
  reference: lstmCell as ReferenceCell<never>,
} as const;

const GRU_COMMON = {
  gates: ['r', 'z', 'n'],
  hasCellState: false,
  cellParameters: [],
  forward: gruForwardKernel,
  backward: gruBackwardKernel,
  blocks: { forward: [1, 2, 4], backward: [1, 2, 4, 8] },
} as const;

const RNN_COMMON = {
  gates: ['h'],
  hasCellState: false,
  saved: ['h', 'h_prev'],
  recurrentWeightBlocks: [{ input: 'h_prev', firstGate: 0, gates: 1 }],
  separateRecurrentGradient: false,
  cellParameters: [],
  forward: rnnForwardKernel,
  backward: rnnBackwardKernel,
  // The Elman forward always blocks 4 sequences; its backward blocks none.
  blocks: { forward: [4], backward: [1] },
} as const;

const DEFAULTS = { resetAfter: true, nonlinearity: 'tanh', peephole: false, heads: 1, layerNorm: false, zoneout: false, recurrentDropout: false } as const;

export const CELL_VARIANTS: readonly CellVariant[] = [
  { ...LSTM_COMMON, name: 'lstm', config: { ...DEFAULTS, cell: 'lstm' }, cellParameters: [] },
  {
    ...LSTM_COMMON,
    name: 'lstm-peephole',
    config: { ...DEFAULTS, cell: 'lstm', peephole: true },
    // ONNX's P input, in the gate order i, f, o (ONNX stores i, o, f).
    cellParameters: [{ kind: 'weight_peephole', size: 3, binding: 'peephole', initialValue: 0 }],
  },
  {
    ...GRU_COMMON,
    name: 'gru',
    config: { ...DEFAULTS, cell: 'gru' },
    saved: ['r', 'z', 'n', 'hn', 'h_prev'],
    recurrentWeightBlocks: [{ input: 'h_prev', firstGate: 0, gates: 3 }],
    separateRecurrentGradient: true,
    reference: gruResetAfterCell as ReferenceCell<never>,
  },
  {
    ...GRU_COMMON,
    name: 'gru-reset-before',
    config: { ...DEFAULTS, cell: 'gru', resetAfter: false },
    saved: ['r', 'z', 'n', 'r_h', 'h_prev'],
    // W_hn multiplies r ⊙ h in Cho's form.
    recurrentWeightBlocks: [{ input: 'h_prev', firstGate: 0, gates: 2 }, { input: 'r_h', firstGate: 2, gates: 1 }],
    separateRecurrentGradient: false,
    reference: gruResetBeforeCell as ReferenceCell<never>,
  },
  { ...RNN_COMMON, name: 'rnn-tanh', config: { ...DEFAULTS, cell: 'rnn' }, reference: rnnTanhCell as ReferenceCell<never> },
  { ...RNN_COMMON, name: 'rnn-relu', config: { ...DEFAULTS, cell: 'rnn', nonlinearity: 'relu' }, reference: rnnReluCell as ReferenceCell<never> },
];

/** The options that matter for each cell family; others take their defaults. */
const RELEVANT: Record<CellConfig['cell'], readonly (keyof CellConfig)[]> = {
  lstm: ['peephole'],
  gru: ['resetAfter'],
  rnn: ['nonlinearity'],
};

/** The record for a cell configuration, with the options inside the cell that it names. */
export function cellVariant(config: CellConfig): CellVariant {
  const relevant = RELEVANT[config.cell];
  if (!relevant) throw new ArgumentError('cell', "'lstm', 'gru' or 'rnn'", describe(config.cell));
  const wanted: Required<CellConfig> = { ...DEFAULTS, ...config } as Required<CellConfig>;
  const found = CELL_VARIANTS.find((v) => v.config.cell === config.cell && relevant.every((key) => v.config[key] === wanted[key]));
  if (!found) throw new ArgumentError('cell', `a variant of ${config.cell} in the cell table`, JSON.stringify(config));
  return withCellOptions(found, wanted);
}

/** Index of a named slot in the variant's saved activations. */
export function savedSlot(variant: CellVariant, name: string): number {
  const slot = variant.saved.indexOf(name);
  if (slot < 0) throw new Error(`${variant.name} saves no ${name}`);
  return slot;
}
