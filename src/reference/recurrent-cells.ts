/**
 * One step of each cell in float64, forward and backward, for the recurrent reference:
 * LSTM (i, f, g, o), GRU in both reset forms (r, z, n), Elman RNN (tanh or relu).
 */
import type { CellType, ReferenceRecurrentArgs } from './recurrent.js';

export function gateCount(cell: CellType): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** a[i] += v (typed arrays under noUncheckedIndexedAccess). */
export function add(a: Float64Array, i: number, v: number): void {
  a[i] = a[i]! + v;
}

export interface LayerWeights {
  wIh: ArrayLike<number>;
  wHh: ArrayLike<number>;
  bIh: ArrayLike<number> | undefined;
  bHh: ArrayLike<number> | undefined;
  inputSize: number;
}

/** What one step keeps for its backward. */
export interface StepCache {
  x: Float64Array;
  hPrev: Float64Array;
  cPrev: Float64Array;
  /** Activated gates: LSTM i, f, g, o; GRU r, z, n; RNN h. */
  gates: Float64Array;
  /** LSTM: c_t. GRU after: W_hn h + b_hn. GRU before: r ⊙ h. */
  extra: Float64Array;
}

export function layerWeights(args: ReferenceRecurrentArgs, layer: number, dir: number, inputSize: number): LayerWeights {
  const suffix = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
  return {
    wIh: args.weights[`weight_ih${suffix}`]!.data,
    wHh: args.weights[`weight_hh${suffix}`]!.data,
    bIh: args.weights[`bias_ih${suffix}`]?.data,
    bHh: args.weights[`bias_hh${suffix}`]?.data,
    inputSize,
  };
}

/** One step of the cell. */
export function cellForward(args: ReferenceRecurrentArgs, w: LayerWeights, x: Float64Array, hPrev: Float64Array, cPrev: Float64Array): { h: Float64Array; c: Float64Array; cache: StepCache } {
  const H = args.hiddenSize;
  const G = gateCount(args.cell);
  const matvec = (m: ArrayLike<number>, bias: ArrayLike<number> | undefined, v: ArrayLike<number>, cols: number, row: number): number => {
    let sum = bias ? bias[row]! : 0;
    for (let k = 0; k < cols; k++) sum += m[row * cols + k]! * v[k]!;
    return sum;
  };
  const xg = Float64Array.from({ length: G * H }, (_, r) => matvec(w.wIh, w.bIh, x, w.inputSize, r));
  const hg = Float64Array.from({ length: G * H }, (_, r) => matvec(w.wHh, w.bHh, hPrev, H, r));
  const h = new Float64Array(H);
  const c = new Float64Array(H);
  const gates = new Float64Array(G * H);
  const extra = new Float64Array(H);
  if (args.cell === 'lstm') {
    for (let j = 0; j < H; j++) {
      const i = sigmoid(xg[j]! + hg[j]!);
      const f = sigmoid(xg[H + j]! + hg[H + j]!);
      const g = Math.tanh(xg[2 * H + j]! + hg[2 * H + j]!);
      const o = sigmoid(xg[3 * H + j]! + hg[3 * H + j]!);
      gates[j] = i;
      gates[H + j] = f;
      gates[2 * H + j] = g;
      gates[3 * H + j] = o;
      c[j] = f * cPrev[j]! + i * g;
      h[j] = o * Math.tanh(c[j]!);
      extra[j] = c[j]!;
    }
  } else if (args.cell === 'gru') {
    for (let j = 0; j < H; j++) {
      gates[j] = sigmoid(xg[j]! + hg[j]!);
      gates[H + j] = sigmoid(xg[H + j]! + hg[H + j]!);
    }
    const resetAfter = args.resetAfter ?? true;
    if (!resetAfter) for (let k = 0; k < H; k++) extra[k] = gates[k]! * hPrev[k]!;
    for (let j = 0; j < H; j++) {
      let recurrent: number;
      if (resetAfter) {
        extra[j] = hg[2 * H + j]!; // W_hn h + b_hn
        recurrent = gates[j]! * extra[j]!;
      } else {
        recurrent = matvec(w.wHh, w.bHh, extra, H, 2 * H + j); // W_hn (r ⊙ h) + b_hn
      }
      const n = Math.tanh(xg[2 * H + j]! + recurrent);
      gates[2 * H + j] = n;
      const z = gates[H + j]!;
      h[j] = (1 - z) * n + z * hPrev[j]!;
    }
  } else {
    for (let j = 0; j < H; j++) {
      const a = xg[j]! + hg[j]!;
      h[j] = (args.nonlinearity ?? 'tanh') === 'relu' ? Math.max(0, a) : Math.tanh(a);
      gates[j] = h[j]!;
    }
  }
  return { h, c, cache: { x, hPrev, cPrev: Float64Array.from(cPrev), gates, extra } };
}

export interface WeightGrads {
  wIh: Float64Array;
  wHh: Float64Array;
  bIh: Float64Array;
  bHh: Float64Array;
}

/** Backward of one step: accumulates weight gradients; returns dx, dh_prev, dc_prev. */
export function cellBackward(
  args: ReferenceRecurrentArgs,
  w: LayerWeights,
  cache: StepCache,
  dh: Float64Array,
  dc: Float64Array,
  grads: WeightGrads,
): { dx: Float64Array; dhPrev: Float64Array; dcPrev: Float64Array } {
  const H = args.hiddenSize;
  const G = gateCount(args.cell);
  const { gates, extra, hPrev, cPrev } = cache;
  const dxg = new Float64Array(G * H); // gradient of W_ih x + b_ih
  const dhg = new Float64Array(G * H); // gradient of W_hh h + b_hh (row n: of W_hn (r ⊙ h) + b_hn for Cho)
  const dhPrev = new Float64Array(H);
  const dcPrev = new Float64Array(H);
  let hSource: Float64Array[] = [hPrev]; // what W_hh multiplies, per gate block
  if (args.cell === 'lstm') {
    for (let j = 0; j < H; j++) {
      const [i, f, g, o] = [gates[j]!, gates[H + j]!, gates[2 * H + j]!, gates[3 * H + j]!];
      const tc = Math.tanh(extra[j]!);
      const dcj = dc[j]! + dh[j]! * o * (1 - tc * tc);
      dxg[j] = dcj * g * i * (1 - i);
      dxg[H + j] = dcj * cPrev[j]! * f * (1 - f);
      dxg[2 * H + j] = dcj * i * (1 - g * g);
      dxg[3 * H + j] = dh[j]! * tc * o * (1 - o);
      dcPrev[j] = dcj * f;
    }
    dhg.set(dxg);
  } else if (args.cell === 'gru') {
    const resetAfter = args.resetAfter ?? true;
    for (let j = 0; j < H; j++) {
      const [z, n] = [gates[H + j]!, gates[2 * H + j]!];
      const dn = dh[j]! * (1 - z);
      const dnPre = dn * (1 - n * n);
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
      // n = tanh(x_n + W_hn (r ⊙ h) + b_hn): d(r ⊙ h) = W_hnᵀ dn_pre.
      for (let k = 0; k < H; k++) {
        let dRh = 0;
        for (let j = 0; j < H; j++) dRh += w.wHh[(2 * H + j) * H + k]! * dhg[2 * H + j]!;
        const r = gates[k]!;
        dxg[k] = dRh * hPrev[k]! * r * (1 - r);
        add(dhPrev, k, dRh * r);
      }
      hSource = [hPrev, hPrev, extra];
    }
    // r and z rows: the recurrent and input pre-activations have the same gradient.
    for (let j = 0; j < 2 * H; j++) dhg[j] = dxg[j]!;
  } else {
    for (let j = 0; j < H; j++) {
      const h = gates[j]!;
      dxg[j] = dh[j]! * ((args.nonlinearity ?? 'tanh') === 'relu' ? (h > 0 ? 1 : 0) : 1 - h * h);
    }
    dhg.set(dxg);
  }

  const dx = new Float64Array(w.inputSize);
  for (let r = 0; r < G * H; r++) {
    const source = hSource[Math.min(Math.floor(r / H), hSource.length - 1)]!;
    add(grads.bIh, r, dxg[r]!);
    add(grads.bHh, r, dhg[r]!);
    for (let i = 0; i < w.inputSize; i++) {
      add(grads.wIh, r * w.inputSize + i, dxg[r]! * cache.x[i]!);
      add(dx, i, w.wIh[r * w.inputSize + i]! * dxg[r]!);
    }
    for (let k = 0; k < H; k++) {
      add(grads.wHh, r * H + k, dhg[r]! * source[k]!);
      // Cho's n rows reach h only through r ⊙ h, handled above.
      if (source === hPrev) add(dhPrev, k, w.wHh[r * H + k]! * dhg[r]!);
    }
  }
  return { dx, dhPrev, dcPrev };
}
