/**
 * Forward of one recurrent layer, both directions at once: one GEMM computes the input
 * projection of every step (normalised with layer norm), then the plan's strategy runs
 * the recurrence.
 */
import type { Runtime } from '../runtime/runtime.js';
import { kernelBias, kernelCellParameters } from './cell-parameters.js';
import { encodeInputProjection } from './input-projection.js';
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
  const pre = encodeInputProjection(runtime, plan, layer, io.input, io.saved);
  const cellParams = kernelCellParameters(runtime, plan, layer);
  const bias = kernelBias(runtime, plan, layer);
  plan.strategies.forward.encodeForward(runtime, plan, layer, {
    pre,
    w_hh_t: layer.weights.wHhT.buffer,
    b_hh: bias.buffer,
    cell_params: cellParams.buffer,
    lengths: io.lengths,
    h_state: io.h,
    c_state: io.c,
    out: io.output,
    saved: io.saved,
  }, io.saved !== null);
  for (const done of [cellParams, bias]) done.release();
  runtime.pool.release(pre);
}
