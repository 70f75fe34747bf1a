/**
 * GEMM:  C = alpha · op(A) · op(B) + beta · C (+ bias), optionally batched.
 *
 * `gemm` takes tensors and checks them; `encodeGemm` takes raw buffers with offsets and
 * leading dimensions, for the scheduler's slices of larger buffers (time chunks, gates).
 */
import gemmSource from '../../shaders/gemm.wgsl?raw';
import type { Runtime } from '../runtime/runtime.js';
import type { KernelSpec } from '../gpu/kernel-cache.js';
import { Tensor, checkTensor } from '../tensor.js';
import { ArgumentError, DeviceLimitError, checkFinite, describe } from '../errors.js';

export const GEMM_SHADER = { name: 'gemm', code: gemmSource } as const;

const MICRO_TILE = 4;

export interface GemmTiling {
  /**
   * 'tiled': slabs of A and B shared through workgroup memory (GPUs). 'direct': no
   * workgroup memory or barriers, 8 × 8 of C per invocation (CPU implementations).
   */
  strategy: 'tiled' | 'direct';
  /** Tiled: invocations along N and M; each owns a 4 × 4 block of C. */
  wgN: number;
  wgM: number;
  tileK: number;
}

const DIRECT_MICRO_TILE = 8;
const DIRECT_WORKGROUP = 64;

/**
 * Picks the strategy and workgroup shape. Software adapters get 'direct' (measured 3–8×
 * faster there, bench/RESULTS.md); GPUs get 'tiled', with wide tiles for short C and tall
 * ones for narrow C.
 */
export function chooseGemmTiling(M: number, N: number, limits: GPUSupportedLimits, K = Infinity, software = false): GemmTiling {
  if (software) return { strategy: 'direct', wgN: 1, wgM: 1, tileK: 1 };
  const maxInvocations = Math.min(256, limits.maxComputeInvocationsPerWorkgroup);
  let wgM = 16;
  let wgN = 16;
  if (M <= 16 && N > 64) [wgM, wgN] = [4, 64];
  else if (N <= 16 && M > 64) [wgM, wgN] = [64, 4];
  while (wgM * wgN > maxInvocations) {
    if (wgM >= wgN) wgM /= 2;
    else wgN /= 2;
  }
  // Deepest K slab (fewer barriers) whose two vec4 tiles fit in workgroup memory, and no
  // deeper than K needs.
  let tileK = 32;
  while (tileK > 4 && tileK / 2 >= K) tileK /= 2;
  while (tileK > 1 && gemmWorkgroupBytes({ strategy: 'tiled', wgN, wgM, tileK }) > limits.maxComputeWorkgroupStorageSize) tileK /= 2;
  return { strategy: 'tiled', wgN, wgM, tileK };
}

export function gemmWorkgroupBytes(tiling: GemmTiling): number {
  return tiling.strategy === 'direct' ? 0 : tiling.tileK * (tiling.wgM + tiling.wgN) * 16;
}

/** A GEMM on raw buffers. Offsets, leading dimensions and strides are in elements. */
export interface GemmCall {
  M: number;
  N: number;
  K: number;
  a: GPUBuffer;
  b: GPUBuffer;
  c: GPUBuffer;
  bias?: GPUBuffer;
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
  lda: number;
  ldb: number;
  ldc: number;
  offsetA?: number;
  offsetB?: number;
  offsetC?: number;
  offsetBias?: number;
  batch?: number;
  strideA?: number;
  strideB?: number;
  strideC?: number;
  tiling?: GemmTiling;
}

export function encodeGemm(runtime: Runtime, call: GemmCall): void {
  const tiling = call.tiling ?? chooseGemmTiling(call.M, call.N, runtime.limits, call.K, runtime.adapter.isSoftware);
  const workgroupBytes = gemmWorkgroupBytes(tiling);
  if (workgroupBytes > runtime.limits.maxComputeWorkgroupStorageSize) {
    throw new DeviceLimitError('maxComputeWorkgroupStorageSize', workgroupBytes, runtime.limits.maxComputeWorkgroupStorageSize, 'gemm tiling');
  }
  const flags = { TRANS_A: call.transA ?? false, TRANS_B: call.transB ?? false, HAS_BIAS: call.bias !== undefined };
  const spec: KernelSpec =
    tiling.strategy === 'direct'
      ? { shader: GEMM_SHADER, entryPoint: 'direct', constants: { ...flags, DIRECT_WG: DIRECT_WORKGROUP } }
      : { shader: GEMM_SHADER, constants: { ...flags, WG_N: tiling.wgN, WG_M: tiling.wgM, TILE_K: tiling.tileK } };
  runtime.dispatch(spec, {
    buffers: { a: call.a, b: call.b, c: call.c, bias: call.bias ?? runtime.placeholder() },
    uniforms: {
      M: call.M,
      N: call.N,
      K: call.K,
      lda: call.lda,
      ldb: call.ldb,
      ldc: call.ldc,
      offset_a: call.offsetA ?? 0,
      offset_b: call.offsetB ?? 0,
      offset_c: call.offsetC ?? 0,
      offset_bias: call.offsetBias ?? 0,
      stride_a: call.strideA ?? 0,
      stride_b: call.strideB ?? 0,
      stride_c: call.strideC ?? 0,
      alpha: call.alpha ?? 1,
      beta: call.beta ?? 0,
    },
    workgroups: tiling.strategy === 'direct' ? directGrid(runtime, call.M, call.N, call.batch ?? 1) : [
      Math.ceil(call.N / (tiling.wgN * MICRO_TILE)),
      Math.ceil(call.M / (tiling.wgM * MICRO_TILE)),
      call.batch ?? 1,
    ],
  });
}

/** Workgroups covering every 8 × 8 block of C, folded into y past the per-dimension limit. */
function directGrid(runtime: Runtime, M: number, N: number, batch: number): [number, number, number] {
  const blocks = Math.ceil(M / DIRECT_MICRO_TILE) * Math.ceil(N / DIRECT_MICRO_TILE);
  const groups = Math.ceil(blocks / DIRECT_WORKGROUP);
  const x = Math.min(groups, runtime.limits.maxComputeWorkgroupsPerDimension);
  return [x, Math.ceil(groups / x), batch];
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
