/**
 * GEMM:  C = alpha · op(A) · op(B) + beta · C (+ bias), optionally batched.
 *
 * `gemm` takes tensors and checks them; `encodeGemm` takes raw buffers with offsets and
 * leading dimensions, for the scheduler's slices of larger buffers (time chunks, gates).
 */
import type { Runtime } from '../runtime/runtime.js';
import { chooseGemmTiling, gemmKernel, type GemmShape, type GemmTiling } from '../kernels/gemm.js';
import { Tensor, checkTensor } from '../tensor.js';
import { ArgumentError, checkFinite, describe } from '../errors.js';

/** A GEMM on raw buffers. */
export interface GemmCall extends GemmShape {
  a: GPUBuffer;
  b: GPUBuffer;
  c: GPUBuffer;
  bias?: GPUBuffer;
}

export function encodeGemm(runtime: Runtime, call: GemmCall): void {
  const { a, b, c, bias, ...shape } = call;
  runtime.launch(gemmKernel, { ...shape, hasBias: bias !== undefined }, { a, b, c, bias: bias ?? runtime.placeholder() });
}

export interface GemmOptions {
  /** Read A as its transpose: A is [K, M] (or [batch, K, M]). */
  transA?: boolean;
  /** Read B as its transpose: B is [N, K] (or [batch, N, K]). */
  transB?: boolean;
  alpha?: number;
  /** Scales the existing contents of `out`; needs `out`. */
  beta?: number;
  /** A length-N vector added to every row. */
  bias?: Tensor;
  /** Write here instead of a new tensor; shape [M, N] or [batch, M, N]. */
  out?: Tensor;
  /** Kernel strategy; by default the one chooseGemmTiling picks for the adapter. */
  strategy?: GemmTiling['strategy'];
}

/**
 * C = alpha · op(A) · op(B) + beta · out + bias. A and B are rank 2, or rank 3 with a
 * leading batch dimension; a rank-2 operand is shared by every batch item.
 */
export function gemm(a: Tensor, b: Tensor, options: GemmOptions = {}): Tensor {
  const runtime = checkTensor('a', a, (a as Tensor)?.runtime, { dtype: 'f32' }).runtime;
  checkTensor('b', b, runtime, { dtype: 'f32' });
  for (const [name, t] of [['a', a], ['b', b]] as const) {
    if (t.rank !== 2 && t.rank !== 3) throw new ArgumentError(name, 'rank 2 [rows, cols] or rank 3 [batch, rows, cols]', `shape ${describe(t.shape)}`);
  }
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  const alpha = checkFinite('options.alpha', options.alpha ?? 1);
  const beta = checkFinite('options.beta', options.beta ?? 0);

  const [aRows, aCols] = a.shape.slice(-2) as [number, number];
  const [bRows, bCols] = b.shape.slice(-2) as [number, number];
  const [M, K] = transA ? [aCols, aRows] : [aRows, aCols];
  const [KB, N] = transB ? [bCols, bRows] : [bRows, bCols];
  if (K !== KB) {
    throw new ArgumentError('b', `an inner dimension of ${K} to match op(a) ${describe([M, K])}`, `op(b) ${describe([KB, N])} from shape ${describe(b.shape)}${transB ? ' (transposed)' : ''}`);
  }
  const aBatch = a.rank === 3 ? a.shape[0]! : 1;
  const bBatch = b.rank === 3 ? b.shape[0]! : 1;
  if (a.rank === 3 && b.rank === 3 && aBatch !== bBatch) {
    throw new ArgumentError('b', `batch ${aBatch} to match a`, `batch ${bBatch}`);
  }
  const batched = a.rank === 3 || b.rank === 3;
  const batch = Math.max(aBatch, bBatch);
  const outShape = batched ? [batch, M, N] : [M, N];

  if (options.bias !== undefined) {
    checkTensor('options.bias', options.bias, runtime, { dtype: 'f32', rank: 1 });
    if (options.bias.shape[0] !== N) throw new ArgumentError('options.bias', `shape [${N}]`, `shape ${describe(options.bias.shape)}`);
  }
  if (options.out !== undefined) {
    checkTensor('options.out', options.out, runtime, { dtype: 'f32' });
    if (options.out.shape.join() !== outShape.join()) throw new ArgumentError('options.out', `shape ${describe(outShape)}`, `shape ${describe(options.out.shape)}`);
    if (options.out === a || options.out === b) throw new ArgumentError('options.out', 'a tensor other than a and b', 'one of the inputs');
  } else if (beta !== 0) {
    throw new ArgumentError('options.beta', '0 when no options.out is given (beta scales out)', String(beta));
  }

  const c = options.out ?? Tensor.empty(runtime, outShape, 'f32', 'gemm.out');
  encodeGemm(runtime, {
    M, N, K,
    a: a.buffer, b: b.buffer, c: c.buffer,
    ...(options.bias ? { bias: options.bias.buffer } : {}),
    transA, transB, alpha, beta,
    lda: aCols, ldb: bCols, ldc: N,
    batch,
    strideA: a.rank === 3 ? aRows * aCols : 0,
    strideB: b.rank === 3 ? bRows * bCols : 0,
    strideC: M * N,
    ...(options.strategy ? { tiling: chooseGemmTiling(M, N, runtime.limits, K, options.strategy === 'direct') } : {}),
  });
  return c;
}
