/**
 * Float64 CPU references for the GEMM and reduction kernels, and the linear layer built on
 * them: the oracles for tests, exported for users who debug. Row-major arrays, same
 * conventions as the GPU ops.
 */

export interface ReferenceGemmArgs {
  M: number;
  N: number;
  K: number;
  /** op(A) is [M, K]: A is [M, K], or [K, M] when transA. */
  a: ArrayLike<number>;
  b: ArrayLike<number>;
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
  /** Existing C [M, N], scaled by beta. */
  c?: ArrayLike<number>;
  /** [N], added to every row. */
  bias?: ArrayLike<number>;
}

export interface ReferenceGemmResult {
  value: Float64Array;
  /** Σ|terms| per element: the scale against which rounding error is judged. */
  magnitude: Float64Array;
}

export function referenceGemm(args: ReferenceGemmArgs): ReferenceGemmResult {
  const { M, N, K, a, b } = args;
  const alpha = args.alpha ?? 1;
  const beta = args.beta ?? 0;
  const value = new Float64Array(M * N);
  const magnitude = new Float64Array(M * N);
  const aAt = args.transA ? (m: number, k: number) => a[k * M + m]! : (m: number, k: number) => a[m * K + k]!;
  const bAt = args.transB ? (k: number, n: number) => b[n * K + k]! : (k: number, n: number) => b[k * N + n]!;
  const row = new Float64Array(K);
  for (let m = 0; m < M; m++) {
    for (let k = 0; k < K; k++) row[k] = aAt(m, k);
    for (let n = 0; n < N; n++) {
      let sum = 0;
      let abs = 0;
      for (let k = 0; k < K; k++) {
        const term = row[k]! * bAt(k, n);
        sum += term;
        abs += Math.abs(term);
      }
      let v = alpha * sum;
      let mag = Math.abs(alpha) * abs;
      if (beta !== 0 && args.c) {
        v += beta * args.c[m * N + n]!;
        mag += Math.abs(beta * args.c[m * N + n]!);
      }
      if (args.bias) {
        v += args.bias[n]!;
        mag += Math.abs(args.bias[n]!);
      }
      value[m * N + n] = v;
      magnitude[m * N + n] = mag;
    }
  }
  return { value, magnitude };
}

/** out[c] = alpha · Σ_r f(x[r, c]) + beta · out[c] for a [rows, cols] array. */
export function referenceSumColumns(
  x: ArrayLike<number>,
  rows: number,
  cols: number,
  options: { square?: boolean; alpha?: number; beta?: number; out?: ArrayLike<number> } = {},
): ReferenceGemmResult {
  const value = new Float64Array(cols);
  const magnitude = new Float64Array(cols);
  const alpha = options.alpha ?? 1;
  for (let c = 0; c < cols; c++) {
    let sum = 0;
    let abs = 0;
    for (let r = 0; r < rows; r++) {
      const v = x[r * cols + c]!;
      const term = options.square ? v * v : v;
      sum += term;
      abs += Math.abs(term);
    }
    const previous = options.beta && options.out ? options.beta * options.out[c]! : 0;
    value[c] = alpha * sum + previous;
    magnitude[c] = Math.abs(alpha) * abs + Math.abs(previous);
  }
  return { value, magnitude };
}

/** A linear layer over rows: y = x·Wᵀ + b, x [rows, inF], W [outF, inF]. */
export function referenceLinear(x: ArrayLike<number>, rows: number, w: ArrayLike<number>, b: ArrayLike<number>, inF: number, outF: number): Float64Array {
  const y = new Float64Array(rows * outF);
  for (let r = 0; r < rows; r++) for (let o = 0; o < outF; o++) {
    let s = b[o]!;
    for (let i = 0; i < inF; i++) s += x[r * inF + i]! * w[o * inF + i]!;
    y[r * outF + o] = s;
  }
  return y;
}

/** Backward of referenceLinear for dL/dy: dx, dW, db. */
export function referenceLinearBackward(x: ArrayLike<number>, dy: ArrayLike<number>, rows: number, w: ArrayLike<number>, inF: number, outF: number): { dx: Float64Array; dW: Float64Array; db: Float64Array } {
  const dx = new Float64Array(rows * inF);
  const dW = new Float64Array(outF * inF);
  const db = new Float64Array(outF);
  for (let r = 0; r < rows; r++) for (let o = 0; o < outF; o++) {
    const g = dy[r * outF + o]!;
    db[o] = db[o]! + g;
    for (let i = 0; i < inF; i++) {
      dW[o * inF + i] = dW[o * inF + i]! + g * x[r * inF + i]!;
      dx[r * inF + i] = dx[r * inF + i]! + g * w[o * inF + i]!;
    }
  }
  return { dx, dW, db };
}
