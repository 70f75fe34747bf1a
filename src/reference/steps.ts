/** Float64 building blocks shared by the recurrent cells' references. */
import type { ReferenceWeightGrads, ReferenceWeights } from './cell.js';

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

/**
 * The weight gradients of one step from the gradients of its input pre-activations (dxg)
 * and recurrent pre-activations (dhg), and dx. W_hh's gate block g multiplies
 * `sources[min(g, last)]`; dh_prev through W_hh is added where that source is h_prev.
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
  const H = w.hiddenSize;
  const dx = new Float64Array(w.inputSize);
  for (let r = 0; r < dxg.length; r++) {
    const source = sources[Math.min(Math.floor(r / H), sources.length - 1)]!;
    add(grads.bIh, r, dxg[r]!);
    add(grads.bHh, r, dhg[r]!);
    for (let i = 0; i < w.inputSize; i++) {
      add(grads.wIh, r * w.inputSize + i, dxg[r]! * x[i]!);
      add(dx, i, w.wIh[r * w.inputSize + i]! * dxg[r]!);
    }
    for (let k = 0; k < H; k++) {
      add(grads.wHh, r * H + k, dhg[r]! * source[k]!);
      if (source === hPrev) add(dhPrev, k, w.wHh[r * H + k]! * dhg[r]!);
    }
  }
  return dx;
}
