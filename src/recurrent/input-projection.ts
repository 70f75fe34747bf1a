/**
 * The input projection of a recurrent layer, hoisted out of the recurrence: one GEMM gives
 * X·W_ihᵀ (+ b_ih) for every step. With layer norm inside the cell (Ba et al.) it is
 * normalised over each direction's G·H pre-activations, LN(X·W_ihᵀ; α, β) + b_ih, all
 * steps at once; backward recomputes the projection and its statistics rather than keep them.
 */
import type { Runtime } from '../runtime/runtime.js';
import { encodeGemm } from '../ops/gemm.js';
import { encodeAxpy } from '../ops/elementwise.js';
import { layerNormKernel } from '../kernels/layer_norm.js';
import { copyUsage } from './cell-parameters.js';
import type { LayerParameters } from './parameters.js';
import type { LayerPlan, RecurrentPlan } from './plan.js';


function rowsBuffer(runtime: Runtime, plan: RecurrentPlan, label: string): GPUBuffer {
  const { steps: T, batch: B, hidden: H, directions: D } = plan.shape;
  return runtime.pool.acquire(T * B * D * plan.variant.gates.length * H * 4, GPUBufferUsage.STORAGE, `${plan.variant.name} ${label}`);
}

/** X·W_ihᵀ over all T·B rows into `out` ([rows, D·G·H]), with b_ih when given. */
function encodeProjection(runtime: Runtime, plan: RecurrentPlan, layer: LayerPlan, input: GPUBuffer, out: GPUBuffer, bias: GPUBuffer | null): void {
  const { steps: T, batch: B, hidden: H, directions: D } = plan.shape;
  const width = D * plan.variant.gates.length * H;
  encodeGemm(runtime, {
    M: T * B, N: width, K: layer.inputSize,
    a: input, b: layer.weights.wIh.buffer, c: out, ...(bias ? { bias } : {}),
    transB: true, lda: layer.inputSize, ldb: layer.inputSize, ldc: width,
  });
}

/** The layer norm's launches over rows × [D, G·H]: one parameter set per direction. */
function launchNorm(runtime: Runtime, plan: RecurrentPlan, op: 'forward' | 'backwardInput' | 'backwardParams', buffers: Record<string, GPUBuffer>, eps: number): void {
  const { steps: T, batch: B, hidden: H, directions: D } = plan.shape;
  runtime.launch(layerNormKernel, { op, rows: T * B * D, features: plan.variant.gates.length * H, eps, sets: D }, buffers);
}

/** Statistics (mean, rstd) of every row of the projection `raw`, writing the normalised rows to `out`. */
function encodeNormForward(runtime: Runtime, plan: RecurrentPlan, layer: LayerPlan, raw: GPUBuffer, out: GPUBuffer, beta: GPUBuffer): GPUBuffer {
  const { steps: T, batch: B, directions: D } = plan.shape;
  const norm = plan.variant.inputProjection.norm!;
  const stats = runtime.pool.acquire(T * B * D * 2 * 4, GPUBufferUsage.STORAGE, `${plan.variant.name} input norm stats`);
  launchNorm(runtime, plan, 'forward', { x: raw, gamma: layer.weights.cell[norm.weight]!.buffer, beta, y: out, stats }, layer.masks.layerNormEps);
  return stats;
}

/** The pre-activations the kernels read, from the pool (the caller releases them). */
export function encodeInputProjection(runtime: Runtime, plan: RecurrentPlan, layer: LayerPlan, input: GPUBuffer): GPUBuffer {
  const { norm, biasInKernel } = plan.variant.inputProjection;
  const { bIh } = layer.weights;
  const pre = rowsBuffer(runtime, plan, 'input projection');
  if (!norm) {
    encodeProjection(runtime, plan, layer, input, pre, biasInKernel ? null : (bIh?.buffer ?? null));
    return pre;
  }
  const raw = rowsBuffer(runtime, plan, 'input projection (raw)');
  encodeProjection(runtime, plan, layer, input, raw, null);
  // β and b_ih are one shift after the norm.
  const shift = layer.weights.cell[norm.bias]!;
  let beta = shift.buffer;
  if (bIh) {
    beta = runtime.pool.acquire(shift.byteLength, copyUsage(), `${plan.variant.name} input shift`);
    runtime.commandEncoder().copyBufferToBuffer(shift.buffer, 0, beta, 0, shift.byteLength);
    encodeAxpy(runtime, beta, bIh.buffer, shift.size);
  }
  const stats = encodeNormForward(runtime, plan, layer, raw, pre, beta);
  for (const buffer of [raw, stats, ...(beta === shift.buffer ? [] : [beta])]) runtime.pool.release(buffer);
  return pre;
}

/**
 * The gradient of the projection X·W_ihᵀ from that of the pre-activations (d_gates): itself
 * without a norm; with one, the norm's backward, adding the gradients of α and β.
 * Returns the rows for dW_ih and dX, and their release.
 */
export function encodeInputProjectionBackward(runtime: Runtime, plan: RecurrentPlan, layer: LayerPlan, input: GPUBuffer, dGates: GPUBuffer, grads: LayerParameters): { rows: GPUBuffer; release(): void } {
  const norm = plan.variant.inputProjection.norm;
  if (!norm) return { rows: dGates, release: () => {} };
  const raw = rowsBuffer(runtime, plan, 'input projection (recomputed)');
  const discard = rowsBuffer(runtime, plan, 'input norm (recomputed)');
  encodeProjection(runtime, plan, layer, input, raw, null);
  const stats = encodeNormForward(runtime, plan, layer, raw, discard, layer.weights.cell[norm.bias]!.buffer);
  runtime.pool.release(discard);
  const dRaw = rowsBuffer(runtime, plan, 'd input projection');
  const eps = layer.masks.layerNormEps;
  const common = { x: raw, dy: dGates, saved_stats: stats };
  launchNorm(runtime, plan, 'backwardInput', { ...common, gamma: layer.weights.cell[norm.weight]!.buffer, dx: dRaw }, eps);
  launchNorm(runtime, plan, 'backwardParams', { ...common, d_gamma: grads.cell[norm.weight]!.buffer, d_beta: grads.cell[norm.bias]!.buffer }, eps);
  runtime.pool.release(raw);
  runtime.pool.release(stats);
  return { rows: dRaw, release: () => runtime.pool.release(dRaw) };
}
