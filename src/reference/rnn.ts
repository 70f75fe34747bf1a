/**
 * Float64 reference of the Elman RNN step: h' = act(W_ih x + b_ih + W_hh h + b_hh), act tanh
 * or relu. With layer norm (as the lectures write the Elman cell, biases outside the norm):
 *   h' = act(LN(W_ih x + W_hh h; ln) + b_ih + b_hh), the norm per head.
 */
import type { CellStepOptions, ReferenceCell, ReferenceWeights } from './cell.js';
import { groupNormBackward, groupNormForward, headGroups, LAYER_NORM_KIND, type GroupNorm } from './cell-layer-norm.js';
import { accumulateBiases, accumulateStep, accumulateWeights, preActivations } from './steps.js';

export interface RnnCache {
  x: Float64Array;
  hPrev: Float64Array;
  h: Float64Array;
  /** The norm of W_ih x + W_hh h, with layer norm. */
  norm: GroupNorm | null;
}

/** LN(W_ih x + W_hh h) + b_ih + b_hh, and the norm. */
function normedPreActivation(w: ReferenceWeights, x: Float64Array, hPrev: Float64Array, heads: number, eps: number): { pre: Float64Array; norm: GroupNorm } {
  const H = w.hiddenSize;
  const { xg, hg } = preActivations({ ...w, bIh: undefined, bHh: undefined }, H, x, hPrev);
  const sum = Float64Array.from(xg, (v, j) => v + hg[j]!);
  const norm = groupNormForward(sum, headGroups(1, H, heads), w.extra[LAYER_NORM_KIND.weight]!, w.extra[LAYER_NORM_KIND.bias]!, eps);
  const pre = Float64Array.from(norm.y, (v, j) => v + (w.bIh ? w.bIh[j]! : 0) + (w.bHh ? w.bHh[j]! : 0));
  return { pre, norm };
}

function elman(relu: boolean): ReferenceCell<RnnCache> {
  const act = (v: number): number => (relu ? Math.max(0, v) : Math.tanh(v));
  return {
    forward(w: ReferenceWeights, x, hPrev, _c, options?: CellStepOptions) {
      const H = w.hiddenSize;
      const eps = options?.layerNormEps ?? null;
      if (eps !== null) {
        const { pre, norm } = normedPreActivation(w, x, hPrev, options!.heads, eps);
        const h = Float64Array.from(pre, act);
        return { h, c: new Float64Array(H), cache: { x, hPrev, h, norm } };
      }
      const { xg, hg } = preActivations(w, H, x, hPrev);
      const h = Float64Array.from({ length: H }, (_, j) => act(xg[j]! + hg[j]!));
      return { h, c: new Float64Array(H), cache: { x, hPrev, h, norm: null } };
    },
    backward(w, cache, dh, _dc, grads) {
      const H = w.hiddenSize;
      const da = Float64Array.from({ length: H }, (_, j) => dh[j]! * (relu ? (cache.h[j]! > 0 ? 1 : 0) : 1 - cache.h[j]! * cache.h[j]!));
      const dhPrev = new Float64Array(H);
      if (!cache.norm) {
        const dx = accumulateStep(w, grads, cache.x, cache.hPrev, da, da, [cache.hPrev], dhPrev);
        return { dx, dhPrev, dcPrev: new Float64Array(H) };
      }
      accumulateBiases(grads, da, da);
      const K = LAYER_NORM_KIND;
      const dSum = groupNormBackward(da, cache.norm, w.extra[K.weight]!, grads.extra[K.weight]!, grads.extra[K.bias]!);
      const dx = accumulateWeights(w, grads, cache.x, cache.hPrev, dSum, dSum, [cache.hPrev], dhPrev);
      return { dx, dhPrev, dcPrev: new Float64Array(H) };
    },
  };
}

export const rnnTanhCell = elman(false);
export const rnnReluCell = elman(true);
