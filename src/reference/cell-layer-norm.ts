/**
 * Layer normalisation inside the recurrent cells (src/reference/cell-options.ts):
 *   LN(v; α, β) = α ⊙ (v − μ) / sqrt(σ² + ε) + β,
 * μ and the biased σ² taken over each group of v's entries apart, α and β indexed by the
 * entry's position in the whole vector. A group is the whole vector (the input projection)
 * or one head's entries (the recurrent projection, the LSTM's cell state, the Elman cell).
 */

/** State-dict kinds of the cells' layer-norm parameters (the key adds `_l{k}` and `_reverse`). */
export const LAYER_NORM_KIND = {
  inputWeight: 'ln_ih_weight',
  inputBias: 'ln_ih_bias',
  recurrentWeight: 'ln_hh_weight',
  recurrentBias: 'ln_hh_bias',
  cellWeight: 'ln_c_weight',
  cellBias: 'ln_c_bias',
  /** The Elman cell's single norm, of W_ih x + W_hh h. */
  weight: 'ln_weight',
  bias: 'ln_bias',
} as const;

/** Lists of indices into the normalised vector; each is normalised on its own. */
export type NormGroups = readonly (readonly number[])[];

/** The whole vector as one group. */
export function wholeVector(length: number): NormGroups {
  return [Array.from({ length }, (_, i) => i)];
}

/**
 * One group per head of a gate-major vector of `gates` blocks of `hidden` units: head n
 * holds units n·HS … n·HS + HS − 1 of every gate (rows g·H + r), gate by gate.
 */
export function headGroups(gates: number, hidden: number, heads: number): NormGroups {
  const headSize = hidden / heads;
  return Array.from({ length: heads }, (_, n) => {
    const rows: number[] = [];
    for (let g = 0; g < gates; g++) for (let r = n * headSize; r < (n + 1) * headSize; r++) rows.push(g * hidden + r);
    return rows;
  });
}

/** The forward of a grouped layer norm and what its backward needs. */
export interface GroupNorm {
  y: Float64Array;
  /** (v − μ) / sqrt(σ² + ε), per entry. */
  normalized: Float64Array;
  /** 1 / sqrt(σ² + ε), per group. */
  rstd: Float64Array;
  groups: NormGroups;
}

export function groupNormForward(v: ArrayLike<number>, groups: NormGroups, alpha: ArrayLike<number>, beta: ArrayLike<number>, eps: number): GroupNorm {
  const y = new Float64Array(v.length);
  const normalized = new Float64Array(v.length);
  const rstd = new Float64Array(groups.length);
  groups.forEach((group, n) => {
    let mean = 0;
    for (const i of group) mean += v[i]!;
    mean /= group.length;
    let variance = 0;
    for (const i of group) variance += (v[i]! - mean) ** 2;
    variance /= group.length;
    rstd[n] = 1 / Math.sqrt(variance + eps);
    for (const i of group) {
      normalized[i] = (v[i]! - mean) * rstd[n]!;
      y[i] = alpha[i]! * normalized[i]! + beta[i]!;
    }
  });
  return { y, normalized, rstd, groups };
}

/** dL/dv from dL/dy; adds dL/dα and dL/dβ into dAlpha and dBeta. */
export function groupNormBackward(
  dy: ArrayLike<number>,
  norm: GroupNorm,
  alpha: ArrayLike<number>,
  dAlpha: Float64Array,
  dBeta: Float64Array,
): Float64Array {
  const dv = new Float64Array(dy.length);
  norm.groups.forEach((group, n) => {
    // With ĝ = dy ⊙ α: dv = rstd · (ĝ − mean(ĝ) − v̂ · mean(ĝ ⊙ v̂)).
    let meanG = 0;
    let meanGv = 0;
    for (const i of group) {
      const g = dy[i]! * alpha[i]!;
      meanG += g;
      meanGv += g * norm.normalized[i]!;
      dAlpha[i] = dAlpha[i]! + dy[i]! * norm.normalized[i]!;
      dBeta[i] = dBeta[i]! + dy[i]!;
    }
    meanG /= group.length;
    meanGv /= group.length;
    for (const i of group) dv[i] = norm.rstd[n]! * (dy[i]! * alpha[i]! - meanG - norm.normalized[i]! * meanGv);
  });
  return dv;
}
