/**
 * Forward of one recurrent layer, both directions at once: one GEMM computes the input
 * projection of every step, then the plan's strategy runs the recurrence.
 */
import type { Runtime } from '../runtime/runtime.js';
import { encodeGemm } from '../ops/gemm.js';
import type { LayerPlan, RecurrentPlan } from './plan.js';

/** The buffers of one layer's forward. */
export interface LayerForwardBuffers {
  /** [T, B, I] or [B, T, I] */
  input: GPUBuffer;
  /** [T, B, D·H] or [B, T, D·H] */
  output: GPUBuffer;
  /** Shape [L·D, B, H]: holds h0 before, h_T after (c likewise; null without a cell state). */
  h: GPUBuffer;
  c: GPUBuffer | null;
  /** [B] u32, or null when every sequence has T steps. */
  lengths: GPUBuffer | null;
  /** For backward: rows × [D, saved slots, H]; null for inference. */
  saved: GPUBuffer | null;
}

export function encodeLayerForward(runtime: Runtime, plan: RecurrentPlan, layer: LayerPlan, io: LayerForwardBuffers): void {
  const { steps: T, batch: B, hidden: H, directions: D } = plan.shape;
  const gateWidth = D * plan.variant.gates.length * H;
  const pre = runtime.pool.acquire(T * B * gateWidth * 4, GPUBufferUsage.STORAGE, `${plan.variant.name} input projection`);
  const { weights } = layer;
  // pre = X · W_ihᵀ + b_ih over all T·B rows, in the input's own (time- or batch-major) order.
  encodeGemm(runtime, {
    M: T * B, N: gateWidth, K: layer.inputSize,
    a: io.input, b: weights.wIh.buffer, c: pre, ...(weights.bIh ? { bias: weights.bIh.buffer } : {}),
    transB: true, lda: layer.inputSize, ldb: layer.inputSize, ldc: gateWidth,
  });
  const cellParameters = Object.fromEntries(plan.variant.cellParameters.map((p) => [p.binding, weights.cell[p.kind]!.buffer]));
  plan.strategies.forward.encodeForward(runtime, plan, layer, {
    ...cellParameters,
    pre,
    w_hh_t: weights.wHhT.buffer,
    b_hh: layer.recurrentBias.buffer,
    lengths: io.lengths,
    h_state: io.h,
    c_state: io.c,
    out: io.output,
    saved: io.saved,
  }, io.saved !== null);
  runtime.pool.release(pre);
}
