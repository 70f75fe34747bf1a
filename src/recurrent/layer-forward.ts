/**
 * Forward of one recurrent layer, both directions at once: one GEMM computes the input
 * projection for every step, then the persistent kernel runs one dispatch per time chunk,
 * carrying h (and c) between chunks in the state buffers.
 */
import type { Runtime } from '../runtime/runtime.js';
import type { KernelSpec } from '../gpu/kernel-cache.js';
import { encodeGemm } from '../ops/gemm.js';
import { forwardKernel, gatesOf, type CellConfig } from './cells.js';
import type { RecurrentSchedule, RecurrentShape } from './schedule.js';

/** What forward and backward of one layer both take. */
export interface LayerCall {
  config: CellConfig;
  shape: RecurrentShape;
  schedule: RecurrentSchedule;
  batchFirst: boolean;
  /** The layer's input X: [T, B, I] or [B, T, I] */
  input: GPUBuffer;
  inputSize: number;
  /** [D·G·H, I]: PyTorch's weight_ih of each direction, stacked. */
  wIh: GPUBuffer;
  /** [D, H, G·H]: W_hh of each direction, transposed. */
  wHhT: GPUBuffer;
  /** [B] u32, or null when every sequence has T steps. */
  lengths: GPUBuffer | null;
  /** Element offset of this layer's [D, B, H] in the [L·D, B, H] state buffers. */
  stateOffset: number;
}

export interface LayerForwardCall extends LayerCall {
  /** [D·G·H], or null without bias. */
  bIh: GPUBuffer | null;
  /** [D·G·H] (zeros without bias). */
  bHh: GPUBuffer;
  /** [L·D, B, H]: holds h0 before, h_T after. */
  hState: GPUBuffer;
  cState: GPUBuffer | null;
  /** [T, B, D·H] or [B, T, D·H] */
  output: GPUBuffer;
  /** For backward: rows × [D, savedSlots, H] of activations; null for inference. */
  saved: GPUBuffer | null;
}

/** First steps of the chunks covering T steps, in forward order. */
export function chunkStarts(steps: number, chunkLength: number): number[] {
  return Array.from({ length: Math.ceil(steps / chunkLength) }, (_, i) => i * chunkLength);
}

/** One dispatch of a persistent recurrent kernel (forward or backward) over one chunk. */
export function dispatchChunk(runtime: Runtime, spec: KernelSpec, buffers: Record<string, GPUBuffer>, layer: LayerCall, begin: number): void {
  const { steps: T, batch: B, directions: D } = layer.shape;
  const [rowT, rowB] = rowStrides(layer.batchFirst, T, B);
  runtime.dispatch(spec, {
    buffers,
    uniforms: {
      batch: B,
      steps: T,
      step_begin: begin,
      step_count: Math.min(layer.schedule.chunkLength, T - begin),
      has_lengths: layer.lengths ? 1 : 0,
      state_offset: layer.stateOffset,
      directions: D,
      row_t: rowT,
      row_b: rowB,
    },
    workgroups: [Math.ceil(B / layer.schedule.batchTile), D],
  });
}

/** Row strides (row_t, row_b): row of (t, b) = t·row_t + b·row_b in the input's layout. */
export function rowStrides(batchFirst: boolean, steps: number, batch: number): [number, number] {
  return batchFirst ? [1, steps] : [batch, 1];
}

export function encodeLayerForward(runtime: Runtime, call: LayerForwardCall): void {
  const { steps: T, batch: B, hidden: H, directions: D } = call.shape;
  const gateWidth = D * gatesOf(call.config.cell) * H;
  const pre = runtime.pool.acquire(T * B * gateWidth * 4, GPUBufferUsage.STORAGE, `${call.config.cell} input projection`);

  // pre = X · W_ihᵀ + b_ih over all T·B rows, in the input's own (time- or batch-major) order.
  encodeGemm(runtime, {
    M: T * B,
    N: gateWidth,
    K: call.inputSize,
    a: call.input,
    b: call.wIh,
    c: pre,
    ...(call.bIh ? { bias: call.bIh } : {}),
    transB: true,
    lda: call.inputSize,
    ldb: call.inputSize,
    ldc: gateWidth,
  });

  const { shader, constants } = forwardKernel(call.config, call.schedule, call.saved !== null);
  const buffers: Record<string, GPUBuffer> = {
    pre,
    w_hh_t: call.wHhT,
    b_hh: call.bHh,
    lengths: call.lengths ?? runtime.placeholder(),
    h_state: call.hState,
    out: call.output,
    saved: call.saved ?? runtime.placeholder('write'),
  };
  if (call.config.cell === 'lstm') buffers.c_state = call.cState!;

  const chunks = chunkStarts(T, call.schedule.chunkLength);
  for (const begin of chunks) {
    dispatchChunk(runtime, { shader, constants }, buffers, call, begin);
  }
  runtime.pool.release(pre);
}
