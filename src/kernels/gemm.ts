/**
 * Host description of shaders/gemm.wgsl: C = alpha · op(A) · op(B) + beta · C (+ bias),
 * batched, by a tiled kernel (GPUs) or a direct one (CPU implementations).
 */
import source from '../../shaders/gemm.wgsl?raw';
import { sizeConstant, workgroupBytes, type KernelDescriptor } from '../gpu/kernel-descriptor.js';

/** MICRO in gemm.wgsl: each tiled invocation owns a 4 × 4 block of C. */
const MICRO_TILE = 4;
/** DIRECT_MICRO in gemm.wgsl: each direct invocation owns an 8 × 8 block of C. */
const DIRECT_MICRO_TILE = 8;
const DIRECT_WORKGROUP = 64;
const VEC4_BYTES = 16;

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

/** A GEMM's sizes and layout. Offsets, leading dimensions and strides are in elements. */
export interface GemmShape {
  M: number;
  N: number;
  K: number;
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
  /** By default the one chooseGemmTiling picks for the device. */
  tiling?: GemmTiling;
}

export interface GemmKernelCall extends GemmShape {
  hasBias: boolean;
}

function tiledConstants(tiling: GemmTiling): { WG_N: number; WG_M: number; TILE_K: number } {
  return { WG_N: tiling.wgN, WG_M: tiling.wgM, TILE_K: tiling.tileK };
}

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
  // Deepest K slab (fewer barriers) whose two tiles fit in workgroup memory, and no
  // deeper than K needs.
  let tileK = 32;
  while (tileK > 4 && tileK / 2 >= K) tileK /= 2;
  const fits = (k: number): boolean => workgroupBytes(gemmKernel, tiledConstants({ strategy: 'tiled', wgN, wgM, tileK: k })) <= limits.maxComputeWorkgroupStorageSize;
  while (tileK > 1 && !fits(tileK)) tileK /= 2;
  return { strategy: 'tiled', wgN, wgM, tileK };
}

/** Workgroups covering every 8 × 8 block of C, folded into y past the per-dimension limit. */
function directGrid(M: number, N: number, batch: number, limits: GPUSupportedLimits): [number, number, number] {
  const blocks = Math.ceil(M / DIRECT_MICRO_TILE) * Math.ceil(N / DIRECT_MICRO_TILE);
  const groups = Math.ceil(blocks / DIRECT_WORKGROUP);
  const x = Math.min(groups, limits.maxComputeWorkgroupsPerDimension);
  return [x, Math.ceil(groups / x), batch];
}

export const gemmKernel: KernelDescriptor<GemmKernelCall> = {
  shader: { name: 'gemm', code: source },
  entryPoints: ['main', 'direct'],
  launch(call, device) {
    const tiling = call.tiling ?? chooseGemmTiling(call.M, call.N, device.limits, call.K, device.isSoftware);
    const flags = { TRANS_A: call.transA ?? false, TRANS_B: call.transB ?? false, HAS_BIAS: call.hasBias };
    const batch = call.batch ?? 1;
    const uniforms = {
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
    };
    if (tiling.strategy === 'direct') {
      return { entryPoint: 'direct', constants: { ...flags, DIRECT_WG: DIRECT_WORKGROUP }, workgroups: directGrid(call.M, call.N, batch, device.limits), uniforms };
    }
    return {
      entryPoint: 'main',
      constants: { ...flags, ...tiledConstants(tiling) },
      workgroups: [Math.ceil(call.N / (tiling.wgN * MICRO_TILE)), Math.ceil(call.M / (tiling.wgM * MICRO_TILE)), batch],
      uniforms,
    };
  },
  workgroupArrays(constants, entryPoint): Record<string, number> {
    if (entryPoint === 'direct') return {};
    const tileK = sizeConstant(constants, 'TILE_K');
    return { tile_a: tileK * sizeConstant(constants, 'WG_M') * VEC4_BYTES, tile_b: tileK * sizeConstant(constants, 'WG_N') * VEC4_BYTES };
  },
};
