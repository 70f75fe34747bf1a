/**
 * Backward of one recurrent layer, both directions at once: the persistent backward kernel
 * runs the chunks in reverse time and writes the gate gradients of every step; then GEMMs
 * and column sums over all T·B rows reduce them into the weight and bias gradients
 * (accumulating, so that chunks, windows and calls add up), and one GEMM gives dX.
 */
import type { Runtime } from '../runtime/runtime.js';
import { encodeGemm } from '../ops/gemm.js';
import { encodeColumnReduce } from '../ops/reduce.js';
import { backwardKernel, gatesOf, previousHiddenSlot, savedSlots, type CellConfig } from './cells.js';
import { chunkStarts, dispatchChunk, type LayerCall } from './layer-forward.js';
import type { RecurrentSchedule, RecurrentShape } from './schedule.js';

/** Gradient buffers of one layer, laid out like its parameters; added to, never overwritten. */
export interface LayerGradientBuffers {
  wIh: GPUBuffer;
  wHhT: GPUBuffer;
  bIh: GPUBuffer | null;
  bHh: GPUBuffer | null;
}

export interface LayerBackwardCall extends LayerCall {
  /** From the forward with SAVE: rows × [D, savedSlots, H]. */
  saved: GPUBuffer;
  /** dL/d output, rows × [D·H]. */
  dOutput: GPUBuffer;
  /** [L·D, B, H]: in, dL/dh_n of this layer at stateOffset; out, dL/dh0. */
  dhState: GPUBuffer;
  dcState: GPUBuffer | null;
  grads: LayerGradientBuffers;
  /** dL/dX, rows × I (overwritten); null when nobody needs it. */
  dInput: GPUBuffer | null;
}

export function encodeLayerBackward(runtime: Runtime, call: LayerBackwardCall): void {
  const { config, shape, schedule } = call;
  const { steps: T, batch: B, hidden: H, directions: D } = shape;
  const G = gatesOf(config.cell);
  const rows = T * B;
  const gateWidth = D * G * H;
  const separateRecurrent = config.cell === 'gru' && config.resetAfter;
  const dGates = runtime.pool.acquire(rows * gateWidth * 4, GPUBufferUsage.STORAGE, `${config.cell} d_gates`);
  const dGatesH = separateRecurrent ? runtime.pool.acquire(rows * gateWidth * 4, GPUBufferUsage.STORAGE, `${config.cell} d_gates_h`) : dGates;

  const { shader, constants } = backwardKernel(config, schedule);
  const buffers: Record<string, GPUBuffer> = {
    saved: call.saved,
    d_out: call.dOutput,
    w_hh_t: call.wHhT,
    lengths: call.lengths ?? runtime.placeholder(),
    dh_state: call.dhState,
    d_gates: dGates,
  };
  if (config.cell === 'lstm') buffers.dc_state = call.dcState!;
  if (config.cell === 'gru') buffers.d_gates_h = separateRecurrent ? dGatesH : runtime.placeholder('write');

  for (const begin of chunkStarts(T, schedule.chunkLength).reverse()) {
    dispatchChunk(runtime, { shader, constants }, buffers, call, begin);
  }

  // dW_ih += d_gatesᵀ · X  ([D·G·H, I], both directions in one GEMM)
  encodeGemm(runtime, {
    M: gateWidth, N: call.inputSize, K: rows,
    a: dGates, b: call.input, c: call.grads.wIh,
    transA: true, lda: gateWidth, ldb: call.inputSize, ldc: call.inputSize, beta: 1,
  });
  if (call.grads.bIh && call.grads.bHh) {
    encodeColumnReduce(runtime, { rows, cols: gateWidth, x: dGates, out: call.grads.bIh, beta: 1 });
    encodeColumnReduce(runtime, { rows, cols: gateWidth, x: dGatesH, out: call.grads.bHh, beta: 1 });
  }
  // dW_hhᵀ[d] += h_prevᵀ · d_gates_h[d]  ([H, G·H]); Cho's n block multiplies r ⊙ h instead.
  const savedWidth = D * savedSlots(config.cell) * H;
  const choBlocks = config.cell === 'gru' && !config.resetAfter;
  for (let d = 0; d < D; d++) {
    const blocks: [number, number, number][] = choBlocks
      ? [[previousHiddenSlot('gru'), 0, 2 * H], [3, 2 * H, H]]
      : [[previousHiddenSlot(config.cell), 0, G * H]];
    for (const [slot, column, width] of blocks) {
      encodeGemm(runtime, {
        M: H, N: width, K: rows,
        a: call.saved, offsetA: d * savedSlots(config.cell) * H + slot * H, lda: savedWidth, transA: true,
        b: dGatesH, offsetB: d * G * H + column, ldb: gateWidth,
        c: call.grads.wHhT, offsetC: d * H * G * H + column, ldc: G * H,
        beta: 1,
      });
    }
  }
  // dX = d_gates · W_ih  (rows × I; sums both directions)
  if (call.dInput) {
    encodeGemm(runtime, {
      M: rows, N: call.inputSize, K: gateWidth,
      a: dGates, b: call.wIh, c: call.dInput,
      lda: gateWidth, ldb: call.inputSize, ldc: call.inputSize,
    });
  }
  runtime.pool.release(dGates);
  if (separateRecurrent) runtime.pool.release(dGatesH);
}
