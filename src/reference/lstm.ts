/**
 * Float64 reference of the LSTM step (gates i, f, g, o), with ONNX's peephole connections
 * when the weights hold `weight_peephole` ([3H]: p_i, p_f, p_o):
 *   i = σ(a_i + p_i ⊙ c_prev)   f = σ(a_f + p_f ⊙ c_prev)   g = tanh(a_g)
 *   c = f ⊙ c_prev + i ⊙ g      o = σ(a_o + p_o ⊙ c)         h = o ⊙ tanh(c)
 */
import type { ReferenceCell } from './cell.js';
import { accumulateStep, add, preActivations, sigmoid } from './steps.js';

export interface LstmCache {
  x: Float64Array;
  hPrev: Float64Array;
  cPrev: Float64Array;
  /** i, f, g, o */
  gates: Float64Array;
  c: Float64Array;
}

const PEEPHOLE = 'weight_peephole';

export const lstmCell: ReferenceCell<LstmCache> = {
  forward(w, x, hPrev, cPrev) {
    const H = w.hiddenSize;
    const { xg, hg } = preActivations(w, 4 * H, x, hPrev);
    const p = w.extra[PEEPHOLE];
    const gates = new Float64Array(4 * H);
    const h = new Float64Array(H);
    const c = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const a = (g: number) => xg[g * H + j]! + hg[g * H + j]!;
      const i = sigmoid(a(0) + (p ? p[j]! * cPrev[j]! : 0));
      const f = sigmoid(a(1) + (p ? p[H + j]! * cPrev[j]! : 0));
      const g = Math.tanh(a(2));
      c[j] = f * cPrev[j]! + i * g;
      const o = sigmoid(a(3) + (p ? p[2 * H + j]! * c[j]! : 0));
      h[j] = o * Math.tanh(c[j]!);
      [gates[j], gates[H + j], gates[2 * H + j], gates[3 * H + j]] = [i, f, g, o];
    }
    return { h, c, cache: { x, hPrev, cPrev: Float64Array.from(cPrev), gates, c } };
  },

  backward(w, cache, dh, dc, grads) {
    const H = w.hiddenSize;
    const { gates, cPrev, c } = cache;
    const p = w.extra[PEEPHOLE];
    const dp = grads.extra[PEEPHOLE];
    const dxg = new Float64Array(4 * H);
    const dcPrev = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const [i, f, g, o] = [gates[j]!, gates[H + j]!, gates[2 * H + j]!, gates[3 * H + j]!];
      const tc = Math.tanh(c[j]!);
      const dO = dh[j]! * tc * o * (1 - o);
      const dcj = dc[j]! + dh[j]! * o * (1 - tc * tc) + (p ? dO * p[2 * H + j]! : 0);
      dxg[j] = dcj * g * i * (1 - i);
      dxg[H + j] = dcj * cPrev[j]! * f * (1 - f);
      dxg[2 * H + j] = dcj * i * (1 - g * g);
      dxg[3 * H + j] = dO;
      dcPrev[j] = dcj * f + (p ? dxg[j]! * p[j]! + dxg[H + j]! * p[H + j]! : 0);
      if (dp) {
        add(dp, j, dxg[j]! * cPrev[j]!);
        add(dp, H + j, dxg[H + j]! * cPrev[j]!);
        add(dp, 2 * H + j, dO * c[j]!);
      }
    }
    const dhPrev = new Float64Array(H);
    const dx = accumulateStep(w, grads, cache.x, cache.hPrev, dxg, dxg, [cache.hPrev], dhPrev);
    return { dx, dhPrev, dcPrev };
  },
};
