/** Float64 reference of the Elman RNN step: h' = act(W_ih x + b_ih + W_hh h + b_hh), act tanh or relu. */
import type { ReferenceCell, ReferenceWeights } from './cell.js';
import { accumulateStep, preActivations } from './steps.js';

export interface RnnCache {
  x: Float64Array;
  hPrev: Float64Array;
  h: Float64Array;
}

function elman(relu: boolean): ReferenceCell<RnnCache> {
  return {
    forward(w: ReferenceWeights, x, hPrev) {
      const H = w.hiddenSize;
      const { xg, hg } = preActivations(w, H, x, hPrev);
      const h = Float64Array.from({ length: H }, (_, j) => (relu ? Math.max(0, xg[j]! + hg[j]!) : Math.tanh(xg[j]! + hg[j]!)));
      return { h, c: new Float64Array(H), cache: { x, hPrev, h } };
    },
    backward(w, cache, dh, _dc, grads) {
      const H = w.hiddenSize;
      const da = Float64Array.from({ length: H }, (_, j) => dh[j]! * (relu ? (cache.h[j]! > 0 ? 1 : 0) : 1 - cache.h[j]! * cache.h[j]!));
      const dhPrev = new Float64Array(H);
      const dx = accumulateStep(w, grads, cache.x, cache.hPrev, da, da, [cache.hPrev], dhPrev);
      return { dx, dhPrev, dcPrev: new Float64Array(H) };
    },
  };
}

export const rnnTanhCell = elman(false);
export const rnnReluCell = elman(true);
