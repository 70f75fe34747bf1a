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

export type { CellConfig };

/** A parameter of the cell itself, beside PyTorch's weight_ih, weight_hh, bias_ih, bias_hh. */
export interface CellParameter {
  /** State-dict kind: the key is `${kind}_l${layer}` (+ `_reverse`). */
  readonly kind: string;
  /** Vectors of H per direction (shape [size·H]). */
  readonly size: number;
  /** Every element's initial value. */
  readonly initialValue: number;
}

/**
 * Row buffers a backward kernel writes, rows × [D, width·H]: the gradients of the input
 * pre-activations (d_gates), of the recurrent pre-activations with their bias (d_gates_h),
 * of the recurrent product W_hh·h alone (d_recurrent), of a bias added after a norm
 * (d_bias), and per-row terms of the cell parameters' gradients (d_cell_terms).
 */
export type GradientRows = 'd_gates' | 'd_gates_h' | 'd_recurrent' | 'd_bias' | 'd_cell_terms';

/** A cell parameter's gradient: Σ over rows of `rows` (a shift), or of `rows` ⊙ saved slots from `slot` on (a gain). */
export interface ParameterGradient {
  readonly kind: string;
  readonly rows: GradientRows;
  /** Vectors of H per direction (the parameter's size). */
  readonly width: number;
  /** First column of the parameter in `rows` (vectors of H). */
  readonly column: number;
  readonly slot?: string;
}

/** Which rows give which of PyTorch's gradients (W_ih and the input always come from d_gates). */
export interface GradientSources {
  readonly inputBias: GradientRows;
  readonly recurrentBias: GradientRows;
  readonly recurrentWeights: GradientRows;
}

/** How the input projection meets the kernels: plain (+ b_ih), layer-normalised, or without its bias (folded into the kernels' bias). */
export interface InputProjection {
  /** LN(X·W_ihᵀ; α, β) + b_ih with these kinds as α and β (over each direction's G·H). */
  readonly norm: { readonly weight: string; readonly bias: string } | null;
  /** b_ih is added after the kernels' norm instead (the Elman cell's layer norm). */
  readonly biasInKernel: boolean;
}

/** A block of dW_hh: gate columns [firstGate, firstGate + gates) of the saved slot `input`. */
export interface RecurrentWeightBlock {
  readonly input: string;
  readonly firstGate: number;
  readonly gates: number;
}

/** The fields layer norm replaces in a record, and the saved slots it appends. */
export type LayerNormLayout = Pick<CellVariant, 'cellParameters' | 'kernelParameters' | 'foldedBiases' | 'parameterGradients' | 'inputProjection' | 'gradientSources'> & {
  readonly saved: readonly string[];
};

export interface CellVariant {
  /** Stable name (tuning keys, labels). */
  readonly name: string;
  /** The configuration this record serves. */
  readonly config: Readonly<Required<CellConfig>>;
  /** Gate order of PyTorch's weight_ih / weight_hh rows (ONNX order differs). */
  readonly gates: readonly string[];
  /** Carries a cell state c beside h (LSTM). */
  readonly hasCellState: boolean;
  /** The candidate recurrent dropout acts on (g, n), or null where the cell has none. */
  readonly candidate: string | null;
  /** What the forward saves per unit for backward, in slot order. */
  readonly saved: readonly string[];
  /** dW_hhᵀ as GEMMs of saved slots against the recurrent gate gradients. */
  readonly recurrentWeightBlocks: readonly RecurrentWeightBlock[];
  /** The rows of PyTorch's bias and W_hh gradients. */
  readonly gradientSources: GradientSources;
  readonly cellParameters: readonly CellParameter[];
  /** The kinds the kernels read, packed per direction in this order into cell_params ([D, Σ size, H]). */
  readonly kernelParameters: readonly string[];
  /** Kinds added to the bias the kernels bind (b_hh): their gradient is that bias's. */
  readonly foldedBiases: readonly string[];
  readonly parameterGradients: readonly ParameterGradient[];
  readonly inputProjection: InputProjection;
  /** What layer normalisation inside the cell changes in this record; null where it is not offered. */
  readonly layerNorm: LayerNormLayout | null;
  readonly forward: RecurrentKernel;
  readonly backward: RecurrentKernel;
  /** Sequences per work item each pass's kernel can block, ascending. */
  readonly blocks: { readonly forward: readonly number[]; readonly backward: readonly number[] };
  readonly reference: ReferenceCell<never>;
}

const LSTM_SAVED = ['i', 'f', 'g', 'o', 'c', 'c_prev', 'h_prev'] as const;
/** One gradient, d_gates, serves every bias and weight. */
const SHARED_GRADIENT: GradientSources = { inputBias: 'd_gates', recurrentBias: 'd_gates', recurrentWeights: 'd_gates' };
const PLAIN_INPUT: InputProjection = { norm: null, biasInKernel: false };
const NO_CELL_PARAMETERS = { cellParameters: [], kernelParameters: [], parameterGradients: [] } as const;

/** A layer-norm gain (starting at 1) or shift (at 0) of `size` vectors of H. */
const gain = (kind: string, size: number): CellParameter => ({ kind, size, initialValue: 1 });
const shift = (kind: string, size: number): CellParameter => ({ kind, size, initialValue: 0 });
const INPUT_NORM: InputProjection = { norm: { weight: 'ln_ih_weight', bias: 'ln_ih_bias' }, biasInKernel: false };

/**
 * Ba et al.'s LSTM: LN of W_hh·h (per head) and of X·W_ihᵀ over the 4 gates, LN of c. The
 * kernels read α_h, α_c, β_c; β_h is folded into b_hh; the input norm runs outside them.
 */
const LSTM_LAYER_NORM: LayerNormLayout = {
  cellParameters: [gain('ln_ih_weight', 4), shift('ln_ih_bias', 4), gain('ln_hh_weight', 4), shift('ln_hh_bias', 4), gain('ln_c_weight', 1), shift('ln_c_bias', 1)],
  kernelParameters: ['ln_hh_weight', 'ln_c_weight', 'ln_c_bias'],
  foldedBiases: ['ln_hh_bias'],
  parameterGradients: [
    { kind: 'ln_hh_weight', rows: 'd_gates', width: 4, column: 0, slot: 'rhat_i' },
    { kind: 'ln_c_weight', rows: 'd_cell_terms', width: 1, column: 0, slot: 'c_hat' },
    { kind: 'ln_c_bias', rows: 'd_cell_terms', width: 1, column: 0 },
  ],
  inputProjection: INPUT_NORM,
  gradientSources: { inputBias: 'd_gates', recurrentBias: 'd_gates', recurrentWeights: 'd_recurrent' },
  saved: ['rhat_i', 'rhat_f', 'rhat_g', 'rhat_o', 'c_hat', 'rstd_h', 'rstd_c'],
};

/** The GRU (PyTorch's form): the input and recurrent pre-activations normalised apart. */
const GRU_LAYER_NORM: LayerNormLayout = {
  cellParameters: [gain('ln_ih_weight', 3), shift('ln_ih_bias', 3), gain('ln_hh_weight', 3), shift('ln_hh_bias', 3)],
  kernelParameters: ['ln_hh_weight'],
  foldedBiases: ['ln_hh_bias'],
  parameterGradients: [{ kind: 'ln_hh_weight', rows: 'd_gates_h', width: 3, column: 0, slot: 'rhat_r' }],
  inputProjection: INPUT_NORM,
  gradientSources: { inputBias: 'd_gates', recurrentBias: 'd_gates_h', recurrentWeights: 'd_recurrent' },
  saved: ['rhat_r', 'rhat_z', 'rhat_n', 'rstd'],
};

/** The Elman cell as the lectures write it: one LN of W_ih·x + W_hh·h, the biases after it. */
const RNN_LAYER_NORM: LayerNormLayout = {
  cellParameters: [gain('ln_weight', 1), shift('ln_bias', 1)],
  kernelParameters: ['ln_weight'],
  foldedBiases: ['ln_bias'],
  parameterGradients: [{ kind: 'ln_weight', rows: 'd_bias', width: 1, column: 0, slot: 'a_hat' }],
  inputProjection: { norm: null, biasInKernel: true },
  gradientSources: { inputBias: 'd_bias', recurrentBias: 'd_bias', recurrentWeights: 'd_gates' },
  saved: ['a_hat', 'rstd'],
};
const LSTM_COMMON = {
  gates: ['i', 'f', 'g', 'o'],
  hasCellState: true,
  candidate: 'g',
  saved: LSTM_SAVED,
  recurrentWeightBlocks: [{ input: 'h_prev', firstGate: 0, gates: 4 }],
  gradientSources: SHARED_GRADIENT,
  foldedBiases: [],
  inputProjection: PLAIN_INPUT,
  forward: lstmForwardKernel,
  backward: lstmBackwardKernel,
  blocks: { forward: [1, 2, 4, 8], backward: [1, 2, 4, 8] },
  reference: lstmCell as ReferenceCell<never>,
} as const;

const GRU_COMMON = {
  gates: ['r', 'z', 'n'],
  hasCellState: false,
  candidate: 'n',
  ...NO_CELL_PARAMETERS,
  foldedBiases: [],
  inputProjection: PLAIN_INPUT,
  forward: gruForwardKernel,
  backward: gruBackwardKernel,
  blocks: { forward: [1, 2, 4], backward: [1, 2, 4, 8] },
} as const;

const RNN_COMMON = {
  gates: ['h'],
  hasCellState: false,
  candidate: null,
  saved: ['h', 'h_prev'],
  recurrentWeightBlocks: [{ input: 'h_prev', firstGate: 0, gates: 1 }],
  gradientSources: SHARED_GRADIENT,
  ...NO_CELL_PARAMETERS,
  foldedBiases: [],
  inputProjection: PLAIN_INPUT,
  forward: rnnForwardKernel,
  backward: rnnBackwardKernel,
  // The Elman forward always blocks 4 sequences; its backward blocks none.
  blocks: { forward: [4], backward: [1] },
  layerNorm: RNN_LAYER_NORM,
} as const;

const DEFAULTS = { resetAfter: true, nonlinearity: 'tanh', peephole: false, heads: 1, layerNorm: false, zoneout: false, recurrentDropout: false } as const;

export const CELL_VARIANTS: readonly CellVariant[] = [
  { ...LSTM_COMMON, ...NO_CELL_PARAMETERS, name: 'lstm', config: { ...DEFAULTS, cell: 'lstm' }, layerNorm: LSTM_LAYER_NORM },
  {
    ...LSTM_COMMON,
    name: 'lstm-peephole',
    config: { ...DEFAULTS, cell: 'lstm', peephole: true },
    // ONNX's P input, in the gate order i, f, o (ONNX stores i, o, f).
    cellParameters: [{ kind: 'weight_peephole', size: 3, initialValue: 0 }],
    kernelParameters: ['weight_peephole'],
    parameterGradients: [{ kind: 'weight_peephole', rows: 'd_cell_terms', width: 3, column: 0 }],
    layerNorm: null,
  },
  {
    ...GRU_COMMON,
    name: 'gru',
    config: { ...DEFAULTS, cell: 'gru' },
    saved: ['r', 'z', 'n', 'hn', 'h_prev'],
    recurrentWeightBlocks: [{ input: 'h_prev', firstGate: 0, gates: 3 }],
    // b_hn sits inside r ⊙ ·, so the recurrent pre-activations have their own gradient.
    gradientSources: { inputBias: 'd_gates', recurrentBias: 'd_gates_h', recurrentWeights: 'd_gates_h' },
    layerNorm: GRU_LAYER_NORM,
    reference: gruResetAfterCell as ReferenceCell<never>,
  },
  {
    ...GRU_COMMON,
    name: 'gru-reset-before',
    config: { ...DEFAULTS, cell: 'gru', resetAfter: false },
    saved: ['r', 'z', 'n', 'r_h', 'h_prev'],
    // W_hn multiplies r ⊙ h in Cho's form.
    recurrentWeightBlocks: [{ input: 'h_prev', firstGate: 0, gates: 2 }, { input: 'r_h', firstGate: 2, gates: 1 }],
    gradientSources: SHARED_GRADIENT,
    layerNorm: null,
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

/** The record of `base` with the options inside the cell that `config` (all fields given) names. */
function withCellOptions(base: CellVariant, config: Required<CellConfig>): CellVariant {
  const { heads, layerNorm, zoneout, recurrentDropout } = config;
  if (!Number.isInteger(heads) || heads < 1) throw new ArgumentError('options.heads', 'a positive integer', describe(heads));
  if (recurrentDropout && base.candidate === null) {
    throw new ArgumentError('options.recurrentDropout', 'a cell with a candidate (LSTM or GRU); the Elman cell has none', base.name);
  }
  if (layerNorm && !base.layerNorm) throw new ArgumentError('options.layerNorm', "an LSTM without peepholes, PyTorch's GRU (resetAfter: true) or an RNN", base.name);
  if (heads === 1 && !layerNorm && !zoneout && !recurrentDropout) return base;
  const name = [base.name, heads > 1 ? `heads${heads}` : '', layerNorm ? 'ln' : '', zoneout ? 'zoneout' : '', recurrentDropout ? 'rdrop' : ''].filter(Boolean).join('+');
  const specialised = { ...base, name, config: { ...base.config, heads, layerNorm, zoneout, recurrentDropout } };
  if (!layerNorm || !base.layerNorm) return specialised;
  const { saved, ...layout } = base.layerNorm;
  return { ...specialised, ...layout, saved: [...base.saved, ...saved] };
}

/** Index of a named slot in the variant's saved activations. */
export function savedSlot(variant: CellVariant, name: string): number {
  const slot = variant.saved.indexOf(name);
  if (slot < 0) throw new Error(`${variant.name} saves no ${name}`);
  return slot;
}
