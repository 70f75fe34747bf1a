/** Float64 building blocks shared by the recurrent cells' references. */
import type { ReferenceWeightGrads, ReferenceWeights } from './cell.js';
import { groupNormBackward, groupNormForward, headGroups, LAYER_NORM_KIND, wholeVector, type GroupNorm } from './cell-layer-norm.js';

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** a[i] += v (typed arrays under noUncheckedIndexedAccess). */
export function add(a: Float64Array, i: number, v: number): void {
  a[i] = a[i]! + v;
}

/** Row `row` of m · v + bias, m row-major with `cols` columns. */
export function matvecRow(m: ArrayLike<number>, bias: ArrayLike<number> | undefined, v: ArrayLike<number>, cols: number, row: number): number {
  let sum = bias ? bias[row]! : 0;
  for (let k = 0; k < cols; k++) sum += m[row * cols + k]! * v[k]!;
  return sum;
}

/** The input and recurrent pre-activations of every gate row: W_ih x + b_ih and W_hh h + b_hh. */
export function preActivations(w: ReferenceWeights, rows: number, x: ArrayLike<number>, hPrev: ArrayLike<number>): { xg: Float64Array; hg: Float64Array } {
  return {
    xg: Float64Array.from({ length: rows }, (_, r) => matvecRow(w.wIh, w.bIh, x, w.inputSize, r)),
    hg: Float64Array.from({ length: rows }, (_, r) => matvecRow(w.wHh, w.bHh, hPrev, w.hiddenSize, r)),
  };
}

/** The projections' layer norms of a step (LSTM, GRU), kept for backward. */
export interface ProjectionNorms {
  input: GroupNorm;
  recurrent: GroupNorm;
}

/**
 * Layer-normed pre-activations (LSTM, GRU): LN(W_ih x; ln_ih) + b_ih over all rows, and
 * LN(W_hh h; ln_hh) + b_hh over each head's rows; the biases come after the norms.
 */
export function normedPreActivations(
  w: ReferenceWeights,
  rows: number,
  x: ArrayLike<number>,
  hPrev: ArrayLike<number>,
  heads: number,
  eps: number,
): { xg: Float64Array; hg: Float64Array; norms: ProjectionNorms } {
  const H = w.hiddenSize;
  const raw = preActivations({ ...w, bIh: undefined, bHh: undefined }, rows, x, hPrev);
  const input = groupNormForward(raw.xg, wholeVector(rows), w.extra[LAYER_NORM_KIND.inputWeight]!, w.extra[LAYER_NORM_KIND.inputBias]!, eps);
  const recurrent = groupNormForward(raw.hg, headGroups(rows / H, H, heads), w.extra[LAYER_NORM_KIND.recurrentWeight]!, w.extra[LAYER_NORM_KIND.recurrentBias]!, eps);
  return {
    xg: Float64Array.from(input.y, (v, r) => v + (w.bIh ? w.bIh[r]! : 0)),
    hg: Float64Array.from(recurrent.y, (v, r) => v + (w.bHh ? w.bHh[r]! : 0)),
    norms: { input, recurrent },
  };
}

/** Adds the bias gradients of a step: those of its input (dxg) and recurrent (dhg) pre-activations. */
export function accumulateBiases(grads: ReferenceWeightGrads, dxg: Float64Array, dhg: Float64Array): void {
  for (let r = 0; r < dxg.length; r++) {
    add(grads.bIh, r, dxg[r]!);
    add(grads.bHh, r, dhg[r]!);
  }
}

/**
 * The weight gradients of one step from the gradients of its projections W_ih x (dxProj)
 * and W_hh·source (dhProj), and dx. W_hh's gate block g multiplies
 * `sources[min(g, last)]`; dh_prev through W_hh is added where that source is h_prev.
 */
export function accumulateWeights(
  w: ReferenceWeights,
  grads: ReferenceWeightGrads,
  x: Float64Array,
  hPrev: Float64Array,
  dxProj: Float64Array,
  dhProj: Float64Array,
  sources: readonly Float64Array[],
  dhPrev: Float64Array,
): Float64Array {
  const H = w.hiddenSize;
  const dx = new Float64Array(w.inputSize);
  for (let r = 0; r < dxProj.length; r++) {
    const source = sources[Math.min(Math.floor(r / H), sources.length - 1)]!;
    for (let i = 0; i < w.inputSize; i++) {
      add(grads.wIh, r * w.inputSize + i, dxProj[r]! * x[i]!);
      add(dx, i, w.wIh[r * w.inputSize + i]! * dxProj[r]!);
    }
    for (let k = 0; k < H; k++) {
      add(grads.wHh, r * H + k, dhProj[r]! * source[k]!);
      if (source === hPrev) add(dhPrev, k, w.wHh[r * H + k]! * dhProj[r]!);
    }
  }
  return dx;
}

/**
 * The weight and bias gradients of one step from the gradients of its input pre-activations
 * (dxg) and recurrent pre-activations (dhg), and dx (see accumulateWeights for `sources`).
 */
export function accumulateStep(
  w: ReferenceWeights,
  grads: ReferenceWeightGrads,
  x: Float64Array,
  hPrev: Float64Array,
  dxg: Float64Array,
  dhg: Float64Array,
  sources: readonly Float64Array[],
  dhPrev: Float64Array,
): Float64Array {
  accumulateBiases(grads, dxg, dhg);
  return accumulateWeights(w, grads, x, hPrev, dxg, dhg, sources, dhPrev);
}

/** accumulateStep through normedPreActivations' norms (every W_hh row multiplies h_prev). */
export function normedAccumulateStep(
  w: ReferenceWeights,
  grads: ReferenceWeightGrads,
  x: Float64Array,
  hPrev: Float64Array,
  dxg: Float64Array,
  dhg: Float64Array,
  norms: ProjectionNorms,
  dhPrev: Float64Array,
): Float64Array {
  accumulateBiases(grads, dxg, dhg);
  const K = LAYER_NORM_KIND;
  const dxProj = groupNormBackward(dxg, norms.input, w.extra[K.inputWeight]!, grads.extra[K.inputWeight]!, grads.extra[K.inputBias]!);
  const dhProj = groupNormBackward(dhg, norms.recurrent, w.extra[K.recurrentWeight]!, grads.extra[K.recurrentWeight]!, grads.extra[K.recurrentBias]!);
  return accumulateWeights(w, grads, x, hPrev, dxProj, dhProj, [hPrev], dhPrev);
}
