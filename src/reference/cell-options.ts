/**
 * The cell variants of the float64 recurrent reference beyond PyTorch's cells: layer norm,
 * heads (block-diagonal W_hh), zoneout (Krueger et al. 2017) and recurrent dropout
 * (Semeniuta et al. 2016, without memory loss). This module holds the options, their
 * checks, the masks (the GPU kernels hash the same keys, so tests compare bit for bit), and
 * the math the driver applies around a step; the steps' own math is in lstm.ts, gru.ts and
 * rnn.ts, the layer norm's in cell-layer-norm.ts.
 */
import type { CellType } from '../core/types.js';
import type { CellStepOptions } from './cell.js';
import { LAYER_NORM_KIND } from './cell-layer-norm.js';
import { referencePcgHash } from './elementwise.js';

export interface ReferenceCellOptions {
  /** Default false. LSTM (not with peepholes), GRU (reset-after form only), RNN. */
  layerNorm?: boolean;
  /** Default 1e-5, inside the square root like torch.nn.LayerNorm. */
  layerNormEps?: number;
  /** Default 1; the hidden size must be a multiple. */
  heads?: number;
  /** Rates in [0, 1): `hidden` on h (any cell), `cell` on c (LSTM only); a number is the rate on h. */
  zoneout?: number | { hidden?: number; cell?: number };
  /** LSTM and GRU: on g, or on n, before it enters the state; rate p in [0, 1); a number is p. */
  recurrentDropout?: number | { p: number; perSequence?: boolean };
  /** Default false: masks are sampled only in training, evaluation uses their expectations. */
  training?: boolean;
  /** One u32 seed per layer; needed when training with zoneout or recurrent dropout. */
  maskSeeds?: readonly number[];
}

/** The hash domains of the masks: `kind` of referenceCellMask. */
export const CELL_MASK_KIND = { zoneoutHidden: 1, zoneoutCell: 2, recurrentDropout: 3 } as const;

/**
 * The uniform number in [0, 1) of one mask element: unit j of sequence b at time t
 * (the actual time index, also in direction d = 1) of a layer whose seed is `seed`.
 *   kindSeed = pcg(seed ^ pcg(kind)),  key = ((t·2 + d)·B + b)·H + j  (u32),
 *   u = (pcg(kindSeed ^ pcg(key)) >>> 8) / 2²⁴.
 */
export function referenceCellMask(seed: number, kind: number, t: number, d: number, b: number, j: number, batch: number, hidden: number): number {
  const kindSeed = referencePcgHash((seed ^ referencePcgHash(kind)) >>> 0);
  const key = (Math.imul((Math.imul((Math.imul(t, 2) + d) >>> 0, batch) + b) >>> 0, hidden) + j) >>> 0;
  return (referencePcgHash((kindSeed ^ referencePcgHash(key)) >>> 0) >>> 8) / 16777216;
}

/** The options with their defaults, checked against the cell. */
export interface ResolvedCellOptions {
  /** null: no layer norm. */
  layerNormEps: number | null;
  heads: number;
  /** Zoneout rates, 0 for none. */
  zoneoutHidden: number;
  zoneoutCell: number;
  /** null: no recurrent dropout (or its rate 0). */
  recurrentDropout: { p: number; perSequence: boolean } | null;
  training: boolean;
  maskSeeds: readonly number[];
}

/** What the options are checked against. */
export interface CellOptionsContext {
  cell: CellType;
  peephole: boolean;
  resetAfter: boolean;
  hiddenSize: number;
  numLayers: number;
}

function checkRate(name: string, rate: number): number {
  if (!(rate >= 0 && rate < 1)) throw new Error(`${name} must be in [0, 1), got ${rate}`);
  return rate;
}

/** Fills in the defaults; throws a plain Error for a combination the cells do not have. */
export function resolveCellOptions(options: ReferenceCellOptions | undefined, context: CellOptionsContext): ResolvedCellOptions {
  const o = options ?? {};
  const { cell, hiddenSize: H } = context;
  const heads = o.heads ?? 1;
  if (!Number.isInteger(heads) || heads < 1 || H % heads !== 0) throw new Error(`heads must be a positive divisor of the hidden size ${H}, got ${heads}`);
  const layerNorm = o.layerNorm ?? false;
  if (layerNorm && cell === 'lstm' && context.peephole) throw new Error('layer norm is not supported with LSTM peepholes');
  if (layerNorm && cell === 'gru' && !context.resetAfter) throw new Error("layer norm needs the GRU's reset-after form (resetAfter: true)");
  const eps = o.layerNormEps ?? 1e-5;
  if (!(eps > 0 && Number.isFinite(eps))) throw new Error(`layerNormEps must be a positive number, got ${eps}`);
  // The shorthands: a number is the rate on h, or dropout's p.
  const zoneout = typeof o.zoneout === 'number' ? { hidden: o.zoneout } : (o.zoneout ?? {});
  const dropout = typeof o.recurrentDropout === 'number' ? { p: o.recurrentDropout } : o.recurrentDropout;
  const zoneoutHidden = checkRate('zoneout.hidden', zoneout.hidden ?? 0);
  const zoneoutCell = checkRate('zoneout.cell', zoneout.cell ?? 0);
  if (zoneoutCell > 0 && cell !== 'lstm') throw new Error(`zoneout.cell needs a cell state (LSTM), not ${cell}`);
  const p = dropout ? checkRate('recurrentDropout.p', dropout.p) : 0;
  if (p > 0 && cell === 'rnn') throw new Error('recurrent dropout is for LSTM and GRU, not the Elman RNN');
  const recurrentDropout = p > 0 ? { p, perSequence: dropout!.perSequence ?? false } : null;
  const training = o.training ?? false;
  const maskSeeds = o.maskSeeds ?? [];
  const sampled = zoneoutHidden > 0 || zoneoutCell > 0 || p > 0;
  if (training && sampled && maskSeeds.length < context.numLayers) {
    throw new Error(`training with zoneout or recurrent dropout needs maskSeeds, one per layer (${context.numLayers}), got ${maskSeeds.length}`);
  }
  return { layerNormEps: layerNorm ? eps : null, heads, zoneoutHidden, zoneoutCell, recurrentDropout, training, maskSeeds };
}

/** The layer-norm parameters a cell reads from the state dict: kind and length in units of H. */
export function layerNormParameters(cell: CellType, gates: number): { kind: string; size: number }[] {
  const K = LAYER_NORM_KIND;
  if (cell === 'rnn') return [{ kind: K.weight, size: 1 }, { kind: K.bias, size: 1 }];
  const projections = [K.inputWeight, K.inputBias, K.recurrentWeight, K.recurrentBias].map((kind) => ({ kind, size: gates }));
  return cell === 'lstm' ? [...projections, { kind: K.cellWeight, size: 1 }, { kind: K.cellBias, size: 1 }] : projections;
}

/** Everything one step of one sequence uses beyond the plain cell. */
export interface StepMasks {
  /** For the step itself. */
  step: CellStepOptions;
  /** Zoneout of h and of c: per unit, the weight of the previous value (0 or 1 in training, the rate in evaluation); null for none. */
  zoneHidden: Float64Array | null;
  zoneCell: Float64Array | null;
}

/** Where a step is: its layer, its actual time index t, direction d, sequence b. */
export interface StepPosition {
  layer: number;
  t: number;
  d: number;
  b: number;
  batch: number;
  hidden: number;
}

/** The masks of one step (none are sampled in evaluation). */
export function stepMasks(options: ResolvedCellOptions, at: StepPosition): StepMasks {
  const { training } = options;
  const seed = options.maskSeeds[at.layer] ?? 0;
  const uniform = (kind: number, t: number) => Float64Array.from({ length: at.hidden }, (_, j) => referenceCellMask(seed, kind, t, at.d, at.b, j, at.batch, at.hidden));
  // Zoned (m = 1, keep the previous value) when u < rate; the rate itself in evaluation.
  const zone = (kind: number, rate: number) => (rate === 0 ? null : training ? uniform(kind, at.t).map((u) => (u < rate ? 1 : 0)) : new Float64Array(at.hidden).fill(rate));
  const dropout = options.recurrentDropout;
  const scale = dropout && training ? 1 / (1 - dropout.p) : 0;
  return {
    step: {
      heads: options.heads,
      layerNormEps: options.layerNormEps,
      dropout: scale === 0 ? null : uniform(CELL_MASK_KIND.recurrentDropout, dropout!.perSequence ? 0 : at.t).map((u) => (u >= dropout!.p ? scale : 0)),
    },
    zoneHidden: zone(CELL_MASK_KIND.zoneoutHidden, options.zoneoutHidden),
    zoneCell: zone(CELL_MASK_KIND.zoneoutCell, options.zoneoutCell),
  };
}

/** m ⊙ previous + (1 − m) ⊙ candidate; the candidate itself without zoneout. */
export function zoneout(previous: Float64Array, candidate: Float64Array, m: Float64Array | null): Float64Array {
  return m ? Float64Array.from(candidate, (v, j) => m[j]! * previous[j]! + (1 - m[j]!) * v) : candidate;
}

/** Splits the gradient at a zoned state into the candidate's share and the previous value's (null without zoneout). */
export function zoneoutBackward(d: Float64Array, m: Float64Array | null): { candidate: Float64Array; previous: Float64Array | null } {
  if (!m) return { candidate: d, previous: null };
  return { candidate: d.map((v, j) => (1 - m[j]!) * v), previous: d.map((v, j) => m[j]! * v) };
}

/**
 * W_hh ([G·H, H], gate-major rows) as the heads use it: entry (g·H + r, k) only where units r
 * and k are in the same head, 0 elsewhere. Also zeroes a gradient's off-block entries.
 * Returns `w` itself with one head.
 */
export function headBlockDiagonal<T extends ArrayLike<number>>(w: T, hidden: number, heads: number): T | Float64Array {
  if (heads === 1) return w;
  const headSize = hidden / heads;
  return Float64Array.from({ length: w.length }, (_, i) => {
    const [row, k] = [Math.floor(i / hidden), i % hidden];
    return Math.floor((row % hidden) / headSize) === Math.floor(k / headSize) ? w[i]! : 0;
  });
}
