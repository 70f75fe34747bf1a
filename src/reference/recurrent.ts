/**
 * Float64 CPU reference for LSTM, GRU (both reset forms) and Elman RNN: stacked,
 * bidirectional, with per-sequence lengths in PyTorch's packed-sequence semantics.
 * Weights use PyTorch's state_dict names, shapes and gate orders.
 */

export type CellType = 'lstm' | 'gru' | 'rnn';
export type Nonlinearity = 'tanh' | 'relu';

/** PyTorch state_dict entries: row-major data with a shape. */
export type StateDict = Record<string, { shape: readonly number[]; data: ArrayLike<number> }>;

export interface ReferenceRecurrentArgs {
  cell: CellType;
  /** GRU: true for PyTorch's form (reset gate after the recurrent product, b_hn inside). */
  resetAfter?: boolean;
  nonlinearity?: Nonlinearity;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  weights: StateDict;
  /** [T, B, I], time-major. */
  input: ArrayLike<number>;
  steps: number;
  batch: number;
  /** Per-sequence lengths (each in 1..T); all T when absent. */
  lengths?: readonly number[];
  /** [L·D, B, H] */
  h0?: ArrayLike<number>;
  c0?: ArrayLike<number>;
}

export interface ReferenceRecurrentResult {
  /** [T, B, D·H]; zero past each sequence's length. */
  output: Float64Array;
  /** [L·D, B, H], the state at each sequence's last step. */
  h: Float64Array;
  c: Float64Array | null;
}

export function gateCount(cell: CellType): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export function referenceRecurrent(args: ReferenceRecurrentArgs): ReferenceRecurrentResult {
  const { cell, hiddenSize: H, numLayers, steps: T, batch: B } = args;
  const D = args.bidirectional ? 2 : 1;
  const G = gateCount(cell);
  const lengths = args.lengths ?? new Array<number>(B).fill(T);
  const hN = new Float64Array(numLayers * D * B * H);
  const cN = cell === 'lstm' ? new Float64Array(numLayers * D * B * H) : null;
  let layerInput: ArrayLike<number> = args.input;
  let inputSize = args.inputSize;
  let output = new Float64Array(0);

  for (let layer = 0; layer < numLayers; layer++) {
    output = new Float64Array(T * B * D * H);
    for (let dir = 0; dir < D; dir++) {
      const suffix = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
      const wIh = args.weights[`weight_ih${suffix}`]!.data;
      const wHh = args.weights[`weight_hh${suffix}`]!.data;
      const bIh = args.weights[`bias_ih${suffix}`]?.data;
      const bHh = args.weights[`bias_hh${suffix}`]?.data;
      const stateIndex = layer * D + dir;
      for (let b = 0; b < B; b++) {
        const h = new Float64Array(H);
        const c = new Float64Array(H);
        for (let j = 0; j < H; j++) {
          h[j] = args.h0 ? args.h0[(stateIndex * B + b) * H + j]! : 0;
          c[j] = args.c0 ? args.c0[(stateIndex * B + b) * H + j]! : 0;
        }
        const len = lengths[b]!;
        for (let s = 0; s < len; s++) {
          const t = dir === 1 ? len - 1 - s : s;
          // xg[g·H + j] = W_ih x + b_ih ; hg[g·H + j] = W_hh h + b_hh
          const xg = new Float64Array(G * H);
          const hg = new Float64Array(G * H);
          for (let r = 0; r < G * H; r++) {
            let sx = bIh ? bIh[r]! : 0;
            for (let i = 0; i < inputSize; i++) sx += wIh[r * inputSize + i]! * layerInput[(t * B + b) * inputSize + i]!;
            let sh = bHh ? bHh[r]! : 0;
            for (let k = 0; k < H; k++) sh += wHh[r * H + k]! * h[k]!;
            xg[r] = sx;
            hg[r] = sh;
          }
          const next = stepCell(args, xg, hg, h, c, wHh, bHh);
          h.set(next.h);
          c.set(next.c);
          for (let j = 0; j < H; j++) output[(t * B + b) * D * H + dir * H + j] = h[j]!;
        }
        hN.set(h, (stateIndex * B + b) * H);
        cN?.set(c, (stateIndex * B + b) * H);
      }
    }
    layerInput = output;
    inputSize = D * H;
  }
  return { output, h: hN, c: cN };
}

function stepCell(
  args: ReferenceRecurrentArgs,
  xg: Float64Array,
  hg: Float64Array,
  h: Float64Array,
  c: Float64Array,
  wHh: ArrayLike<number>,
  bHh: ArrayLike<number> | undefined,
): { h: Float64Array; c: Float64Array } {
  const H = args.hiddenSize;
  const hNew = new Float64Array(H);
  const cNew = new Float64Array(H);
  if (args.cell === 'lstm') {
    for (let j = 0; j < H; j++) {
      const i = sigmoid(xg[j]! + hg[j]!);
      const f = sigmoid(xg[H + j]! + hg[H + j]!);
      const g = Math.tanh(xg[2 * H + j]! + hg[2 * H + j]!);
      const o = sigmoid(xg[3 * H + j]! + hg[3 * H + j]!);
      cNew[j] = f * c[j]! + i * g;
      hNew[j] = o * Math.tanh(cNew[j]!);
    }
  } else if (args.cell === 'gru') {
    const r = new Float64Array(H);
    const z = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      r[j] = sigmoid(xg[j]! + hg[j]!);
      z[j] = sigmoid(xg[H + j]! + hg[H + j]!);
    }
    for (let j = 0; j < H; j++) {
      let recurrent: number;
      if (args.resetAfter ?? true) {
        recurrent = r[j]! * hg[2 * H + j]!; // r ⊙ (W_hn h + b_hn)
      } else {
        recurrent = bHh ? bHh[2 * H + j]! : 0; // W_hn (r ⊙ h) + b_hn
        for (let k = 0; k < H; k++) recurrent += wHh[(2 * H + j) * H + k]! * r[k]! * h[k]!;
      }
      const n = Math.tanh(xg[2 * H + j]! + recurrent);
      hNew[j] = (1 - z[j]!) * n + z[j]! * h[j]!;
    }
  } else {
    for (let j = 0; j < H; j++) {
      const a = xg[j]! + hg[j]!;
      hNew[j] = (args.nonlinearity ?? 'tanh') === 'relu' ? Math.max(0, a) : Math.tanh(a);
    }
  }
  return { h: hNew, c: cNew };
}
