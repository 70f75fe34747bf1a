/**
 * Float64 reference of the GRU step (gates r, z, n) in both reset forms:
 *   r = σ(x_r + W_hr h + b_hr),  z = σ(x_z + W_hz h + b_hz),  h' = (1 − z) ⊙ n + z ⊙ h
 *   reset after (PyTorch):  n = tanh(x_n + r ⊙ (W_hn h + b_hn))
 *   reset before (Cho):     n = tanh(x_n + W_hn (r ⊙ h) + b_hn)
 */
import type { ReferenceCell, ReferenceWeights } from './cell.js';
import { accumulateStep, add, matvecRow, preActivations, sigmoid } from './steps.js';

export interface GruCache {
  x: Float64Array;
  hPrev: Float64Array;
  /** r, z, n */
  gates: Float64Array;
  /** After: W_hn h + b_hn. Before: r ⊙ h. */
  extra: Float64Array;
}

function forward(resetAfter: boolean, w: ReferenceWeights, x: Float64Array, hPrev: Float64Array) {
  const H = w.hiddenSize;
  const { xg, hg } = preActivations(w, 3 * H, x, hPrev);
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
    h[j] = (1 - z) * n + z * hPrev[j]!;
  }
  return { h, c: new Float64Array(H), cache: { x, hPrev, gates, extra } };
}

function backward(resetAfter: boolean, w: ReferenceWeights, cache: GruCache, dh: Float64Array, grads: Parameters<ReferenceCell<GruCache>['backward']>[4]) {
  const H = w.hiddenSize;
  const { gates, extra, hPrev } = cache;
  const dxg = new Float64Array(3 * H); // of W_ih x + b_ih
  const dhg = new Float64Array(3 * H); // of W_hh h + b_hh (row n: of W_hn (r ⊙ h) + b_hn for Cho)
  const dhPrev = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    const [z, n] = [gates[H + j]!, gates[2 * H + j]!];
    const dnPre = dh[j]! * (1 - z) * (1 - n * n);
    dxg[H + j] = dh[j]! * (hPrev[j]! - n) * z * (1 - z);
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
  // Cho's n rows reach h only through r ⊙ h, handled above.
  const sources = resetAfter ? [hPrev] : [hPrev, hPrev, extra];
  const dx = accumulateStep(w, grads, cache.x, hPrev, dxg, dhg, sources, dhPrev);
  return { dx, dhPrev, dcPrev: new Float64Array(H) };
}

export const gruResetAfterCell: ReferenceCell<GruCache> = {
  forward: (w, x, hPrev) => forward(true, w, x, hPrev),
  backward: (w, cache, dh, _dc, grads) => backward(true, w, cache, dh, grads),
};

export const gruResetBeforeCell: ReferenceCell<GruCache> = {
  forward: (w, x, hPrev) => forward(false, w, x, hPrev),
  backward: (w, cache, dh, _dc, grads) => backward(false, w, cache, dh, grads),
};
