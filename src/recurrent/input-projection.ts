/**
 * The input projection of a recurrent layer, hoisted out of the recurrence: one GEMM gives
 * X·W_ihᵀ (+ b_ih) for every step. With layer norm inside the cell (Ba et al.) it is
 * normalised over each direction's G·H pre-activations, LN(X·W_ihᵀ; α, β) + b_ih, all
 * steps at once; a training forward keeps the projection and its statistics in the layer's
 * saved activations (inputNormLayout) for backward.
 */
import type { Runtime } from '../runtime/runtime.js';
import { encodeGemm } from '../ops/gemm.js';
import { encodeAxpy } from '../ops/elementwise.js';
import { layerNormKernel } from '../kernels/layer_norm.js';
import { copyUsage } from './cell-parameters.js';
import type { LayerParameters } from './parameters.js';
import type { LayerPlan, RecurrentPlan } from './plan.js';
import { inputNormLayout } from './saved.js';


function rowsBuffer(runtime: Runtime, plan: RecurrentPlan, label: string): GPUBuffer {
  const { steps: T, batch: B, hidden: H, directions: D } = plan.shape;
  return runtime.pool.acquire(T * B * D * plan.variant.gates.length * H * 4, GPUBufferUsage.STORAGE, `${plan.variant.name} ${label}`);
}

/** X·W_ihᵀ over all T·B rows into `out` ([rows, D·G·H] from `offset`), with b_ih when given. */
function encodeProjection(runtime: Runtime, plan: RecurrentPlan, layer: LayerPlan, input: GPUBuffer, out: GPUBuffer, offset: number, bias: GPUBuffer | null): void {
  const { steps: T, batch: B, hidden: H, directions: D } = plan.shape;
  const width = D * plan.variant.gates.length * H;
  encodeGemm(runtime, {
    M: T * B, N: width, K: layer.inputSize,
    a: input, b: layer.weights.wIh.buffer, c: out, offsetC: offset, ...(bias ? { bias } : {}),
    transB: true, lda: layer.inputSize, ldb: layer.inputSize, ldc: width,
  });
}

/** Where the projection X·W_ihᵀ and its statistics are: a layer's saved activations, or scratch. */
interface NormBuffers {
  raw: GPUBuffer;
  rawOffset: number;
  stats: GPUBuffer;
  statsOffset: number;
}

/** The layer norm's launches over rows × [D, G·H]: one parameter set per direction. */
function launchNorm(runtime: Runtime, plan: RecurrentPlan, layer: LayerPlan, op: 'forward' | 'backwardInput' | 'backwardParams', at: NormBuffers, buffers: Record<string, GPUBuffer>): void {
  const { steps: T, batch: B, hidden: H, directions: D } = plan.shape;
  const call = { op, rows: T * B * D, features: plan.variant.gates.length * H, eps: layer.masks.layerNormEps, sets: D, xOffset: at.rawOffset, statsOffset: at.statsOffset };
  runtime.launch(layerNormKernel, call, { x: at.raw, [op === 'forward' ? 'stats' : 'saved_stats']: at.stats, ...buffers });
}

/**
 * The pre-activations the kernels read, from the pool (the caller releases them). `saved`:
 * a training forward's saved activations, which keep the input norm's projection and statistics.
 */
export function encodeInputProjection(runtime: Runtime, plan: RecurrentPlan, layer: LayerPlan, input: GPUBuffer, saved: GPUBuffer | null): GPUBuffer {
  const { norm, biasInKernel } = plan.variant.inputProjection;
  const { bIh } = layer.weights;
  const pre = rowsBuffer(runtime, plan, 'input projection');
  if (!norm) {
    encodeProjection(runtime, plan, layer, input, pre, 0, biasInKernel ? null : (bIh?.buffer ?? null));
    return pre;
  }
  const { steps: T, batch: B, directions: D } = plan.shape;
  const layout = inputNormLayout(plan.variant, plan.shape);
  // The statistics go to scratch first: a dispatch may not read and write one buffer.
  const statsBytes = T * B * D * 2 * 4;
  const stats = runtime.pool.acquire(statsBytes, copyUsage(), `${plan.variant.name} input norm stats`);
  const at: NormBuffers = saved
    ? { raw: saved, rawOffset: layout.projection, stats, statsOffset: 0 }
    : { raw: rowsBuffer(runtime, plan, 'input projection (raw)'), rawOffset: 0, stats, statsOffset: 0 };
  encodeProjection(runtime, plan, layer, input, at.raw, at.rawOffset, null);
  // β and b_ih are one shift after the norm.
  const shift = layer.weights.cell[norm.bias]!;
  let beta = shift.buffer;
  if (bIh) {
    beta = runtime.pool.acquire(shift.byteLength, copyUsage(), `${plan.variant.name} input shift`);
    runtime.commandEncoder().copyBufferToBuffer(shift.buffer, 0, beta, 0, shift.byteLength);
    encodeAxpy(runtime, beta, bIh.buffer, shift.size);
  }
  launchNorm(runtime, plan, layer, 'forward', at, { gamma: layer.weights.cell[norm.weight]!.buffer, beta, y: pre });
  if (saved) runtime.commandEncoder().copyBufferToBuffer(stats, 0, saved, layout.stats * 4, statsBytes);
  for (const buffer of [stats, ...(saved ? [] : [at.raw]), ...(beta === shift.buffer ? [] : [beta])]) runtime.pool.release(buffer);
  return pre;
}

/**
 * The gradient of the projection X·W_ihᵀ from that of the pre-activations (d_gates): itself
 * without a norm; with one, the norm's backward, adding the gradients of α and β.
 * Returns the rows for dW_ih and dX, and their release.
 */
export function encodeInputProjectionBackward(runtime: Runtime, plan: RecurrentPlan, layer: LayerPlan, saved: GPUBuffer, dGates: GPUBuffer, grads: LayerParameters): { rows: GPUBuffer; release(): void } {
  const norm = plan.variant.inputProjection.norm;
  if (!norm) return { rows: dGates, release: () => {} };
  const layout = inputNormLayout(plan.variant, plan.shape);
  const at: NormBuffers = { raw: saved, rawOffset: layout.projection, stats: saved, statsOffset: layout.stats };
  const dRaw = rowsBuffer(runtime, plan, 'd input projection');
  launchNorm(runtime, plan, layer, 'backwardInput', at, { dy: dGates, gamma: layer.weights.cell[norm.weight]!.buffer, dx: dRaw });
  launchNorm(runtime, plan, layer, 'backwardParams', at, { dy: dGates, d_gamma: grads.cell[norm.weight]!.buffer, d_beta: grads.cell[norm.bias]!.buffer });
  return { rows: dRaw, release: () => runtime.pool.release(dRaw) };
}
