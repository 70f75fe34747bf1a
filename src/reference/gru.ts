/**
 * Float64 reference of the GRU step (gates r, z, n) in both reset forms:
 *   r = σ(x_r + W_hr h + b_hr),  z = σ(x_z + W_hz h + b_hz),  h' = (1 − z) ⊙ D(n) + z ⊙ h
 *   reset after (PyTorch):  n = tanh(x_n + r ⊙ (W_hn h + b_hn))
 *   reset before (Cho):     n = tanh(x_n + W_hn (r ⊙ h) + b_hn)
 * D is recurrent dropout (the identity without it). Layer norm (reset after only) replaces
 * W_ih x by LN(W_ih x; ln_ih) over all rows and W_hh h by LN(W_hh h; ln_hh) per head, the
 * biases added after the norms.
 */
import type { CellStepOptions, ReferenceCell, ReferenceWeightGrads, ReferenceWeights } from './cell.js';
import { accumulateStep, add, matvecRow, normedAccumulateStep, normedPreActivations, preActivations, sigmoid, type ProjectionNorms } from './steps.js';

export interface GruCache {
  x: Float64Array;
  hPrev: Float64Array;
  /** r, z, n (n before dropout) */
  gates: Float64Array;
  /** After: W_hn h + b_hn. Before: r ⊙ h. */
  extra: Float64Array;
  /** The projections' norms, with layer norm. */
  norms: ProjectionNorms | null;
}

function forward(resetAfter: boolean, w: ReferenceWeights, x: Float64Array, hPrev: Float64Array, options: CellStepOptions | undefined) {
  const H = w.hiddenSize;
  const eps = options?.layerNormEps ?? null;
  if (eps !== null && !resetAfter) throw new Error('GRU layer norm needs the reset-after form');
  const drop = options?.dropout ?? null;
  const normed = eps === null ? null : normedPreActivations(w, 3 * H, x, hPrev, options!.heads, eps);
  const { xg, hg } = normed ?? preActivations(w, 3 * H, x, hPrev);
  const gates = new Float64Array(3 * H);
  const extra = new Float64Array(H);
  const h = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    gates[j] = sigmoid(xg[j]! + hg[j]!);
    gates[H + j] = sigmoid(xg[H + j]! + hg[H + j]!);
  }
  if (!resetAfter) for (let k = 0; k < H; k++) extra[k] = gates[k]! * hPrev[k]!;
  for (let j = 0; j < H; j++) {
    let recurrent: number;
    if (resetAfter) {
      extra[j] = hg[2 * H + j]!;
      recurrent = gates[j]! * extra[j]!;
    } else {
      recurrent = matvecRow(w.wHh, w.bHh, extra, H, 2 * H + j);
    }
    const n = Math.tanh(xg[2 * H + j]! + recurrent);
    gates[2 * H + j] = n;
    const z = gates[H + j]!;
    h[j] = (1 - z) * (drop ? n * drop[j]! : n) + z * hPrev[j]!;
  }
  return { h, c: new Float64Array(H), cache: { x, hPrev, gates, extra, norms: normed?.norms ?? null } };
}

function backward(resetAfter: boolean, w: ReferenceWeights, cache: GruCache, dh: Float64Array, grads: ReferenceWeightGrads, options: CellStepOptions | undefined) {
  const H = w.hiddenSize;
  const { gates, extra, hPrev } = cache;
  const drop = options?.dropout ?? null;
  const dxg = new Float64Array(3 * H); // of the input pre-activations (W_ih x + b_ih, or its norm + b_ih)
  const dhg = new Float64Array(3 * H); // of the recurrent ones (row n: of W_hn (r ⊙ h) + b_hn for Cho)
  const dhPrev = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    const [z, n] = [gates[H + j]!, gates[2 * H + j]!];
    const dnPre = dh[j]! * (1 - z) * (drop ? drop[j]! : 1) * (1 - n * n);
    dxg[H + j] = dh[j]! * (hPrev[j]! - (drop ? n * drop[j]! : n)) * z * (1 - z);
    dxg[2 * H + j] = dnPre;
    add(dhPrev, j, dh[j]! * z);
    if (resetAfter) {
      const r = gates[j]!;
      dxg[j] = dnPre * extra[j]! * r * (1 - r);
      dhg[2 * H + j] = dnPre * r;
    } else {
      dhg[2 * H + j] = dnPre;
    }
  }
  if (!resetAfter) {
    // d(r ⊙ h) = W_hnᵀ dn_pre.
    for (let k = 0; k < H; k++) {
      let dRh = 0;
      for (let j = 0; j < H; j++) dRh += w.wHh[(2 * H + j) * H + k]! * dhg[2 * H + j]!;
      const r = gates[k]!;
      dxg[k] = dRh * hPrev[k]! * r * (1 - r);
      add(dhPrev, k, dRh * r);
    }
  }
  // r and z rows: the recurrent and input pre-activations have the same gradient.
  for (let j = 0; j < 2 * H; j++) dhg[j] = dxg[j]!;
  if (cache.norms) return { dx: normedAccumulateStep(w, grads, cache.x, hPrev, dxg, dhg, cache.norms, dhPrev), dhPrev, dcPrev: new Float64Array(H) };
  // Cho's n rows reach h only through r ⊙ h, handled above.
  const sources = resetAfter ? [hPrev] : [hPrev, hPrev, extra];
  const dx = accumulateStep(w, grads, cache.x, hPrev, dxg, dhg, sources, dhPrev);
  return { dx, dhPrev, dcPrev: new Float64Array(H) };
}

export const gruResetAfterCell: ReferenceCell<GruCache> = {
  forward: (w, x, hPrev, _c, options) => forward(true, w, x, hPrev, options),
  backward: (w, cache, dh, _dc, grads, options) => backward(true, w, cache, dh, grads, options),
};

export const gruResetBeforeCell: ReferenceCell<GruCache> = {
  forward: (w, x, hPrev, _c, options) => forward(false, w, x, hPrev, options),
  backward: (w, cache, dh, _dc, grads, options) => backward(false, w, cache, dh, grads, options),
};
