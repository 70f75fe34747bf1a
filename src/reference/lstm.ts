/**
 * Float64 reference of the LSTM step (gates i, f, g, o), with ONNX's peephole connections
 * when the weights hold `weight_peephole` ([3H]: p_i, p_f, p_o):
 *   i = σ(a_i + p_i ⊙ c_prev)   f = σ(a_f + p_f ⊙ c_prev)   g = tanh(a_g)
 *   c = f ⊙ c_prev + i ⊙ D(g)   o = σ(a_o + p_o ⊙ c)         h = o ⊙ tanh(c)
 * D is recurrent dropout (the identity without it). With layer norm (no peepholes):
 *   a = LN(W_hh h; ln_hh) + LN(W_ih x; ln_ih) + b_ih + b_hh   and   h = o ⊙ tanh(LN(c; ln_c)),
 * the recurrent and cell-state norms per head.
 */
import type { CellStepOptions, ReferenceCell } from './cell.js';
import { groupNormBackward, groupNormForward, headGroups, LAYER_NORM_KIND, type GroupNorm } from './cell-layer-norm.js';
import { accumulateStep, add, normedAccumulateStep, normedPreActivations, preActivations, sigmoid, type ProjectionNorms } from './steps.js';

export interface LstmCache {
  x: Float64Array;
  hPrev: Float64Array;
  cPrev: Float64Array;
  /** i, f, g, o (g before dropout) */
  gates: Float64Array;
  c: Float64Array;
  /** With layer norm: the projections' norms and the cell state's. */
  norms: { projections: ProjectionNorms; cell: GroupNorm } | null;
}

const PEEPHOLE = 'weight_peephole';

export const lstmCell: ReferenceCell<LstmCache> = {
  forward(w, x, hPrev, cPrev, options?: CellStepOptions) {
    const H = w.hiddenSize;
    const eps = options?.layerNormEps ?? null;
    const drop = options?.dropout ?? null;
    const normed = eps === null ? null : normedPreActivations(w, 4 * H, x, hPrev, options!.heads, eps);
    const { xg, hg } = normed ?? preActivations(w, 4 * H, x, hPrev);
    const p = w.extra[PEEPHOLE];
    const gates = new Float64Array(4 * H);
    const c = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const a = (g: number) => xg[g * H + j]! + hg[g * H + j]!;
      const i = sigmoid(a(0) + (p ? p[j]! * cPrev[j]! : 0));
      const f = sigmoid(a(1) + (p ? p[H + j]! * cPrev[j]! : 0));
      const g = Math.tanh(a(2));
      c[j] = f * cPrev[j]! + i * (drop ? g * drop[j]! : g);
      const o = sigmoid(a(3) + (p ? p[2 * H + j]! * c[j]! : 0));
      [gates[j], gates[H + j], gates[2 * H + j], gates[3 * H + j]] = [i, f, g, o];
    }
    const cellNorm = eps === null ? null : groupNormForward(c, headGroups(1, H, options!.heads), w.extra[LAYER_NORM_KIND.cellWeight]!, w.extra[LAYER_NORM_KIND.cellBias]!, eps);
    const squashed = cellNorm ? cellNorm.y : c;
    const h = Float64Array.from({ length: H }, (_, j) => gates[3 * H + j]! * Math.tanh(squashed[j]!));
    const norms = normed && cellNorm ? { projections: normed.norms, cell: cellNorm } : null;
    return { h, c, cache: { x, hPrev, cPrev: Float64Array.from(cPrev), gates, c, norms } };
  },

  backward(w, cache, dh, dc, grads, options?: CellStepOptions) {
    const H = w.hiddenSize;
    const { gates, cPrev, c, norms } = cache;
    const drop = options?.dropout ?? null;
    const p = w.extra[PEEPHOLE];
    const dp = grads.extra[PEEPHOLE];
    // dh reaches c through tanh (and the cell-state norm); o's gradient on the way.
    const squashed = norms ? norms.cell.y : c;
    const dO = new Float64Array(H);
    const dSquashed = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const o = gates[3 * H + j]!;
      const tc = Math.tanh(squashed[j]!);
      dO[j] = dh[j]! * tc * o * (1 - o);
      dSquashed[j] = dh[j]! * o * (1 - tc * tc);
    }
    const K = LAYER_NORM_KIND;
    const dcFromH = norms
      ? groupNormBackward(dSquashed, norms.cell, w.extra[K.cellWeight]!, grads.extra[K.cellWeight]!, grads.extra[K.cellBias]!)
      : dSquashed;
    const dxg = new Float64Array(4 * H);
    const dcPrev = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const [i, f, g] = [gates[j]!, gates[H + j]!, gates[2 * H + j]!];
      const dcj = dc[j]! + dcFromH[j]! + (p ? dO[j]! * p[2 * H + j]! : 0);
      dxg[j] = dcj * (drop ? g * drop[j]! : g) * i * (1 - i);
      dxg[H + j] = dcj * cPrev[j]! * f * (1 - f);
      dxg[2 * H + j] = dcj * (drop ? i * drop[j]! : i) * (1 - g * g);
      dxg[3 * H + j] = dO[j]!;
      dcPrev[j] = dcj * f + (p ? dxg[j]! * p[j]! + dxg[H + j]! * p[H + j]! : 0);
      if (dp) {
        add(dp, j, dxg[j]! * cPrev[j]!);
        add(dp, H + j, dxg[H + j]! * cPrev[j]!);
        add(dp, 2 * H + j, dO[j]! * c[j]!);
      }
    }
    const dhPrev = new Float64Array(H);
    const dx = norms
      ? normedAccumulateStep(w, grads, cache.x, cache.hPrev, dxg, dxg, norms.projections, dhPrev)
      : accumulateStep(w, grads, cache.x, cache.hPrev, dxg, dxg, [cache.hPrev], dhPrev);
    return { dx, dhPrev, dcPrev };
  },
};
