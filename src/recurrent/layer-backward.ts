/**
 * Backward of one recurrent layer, both directions at once: the plan's strategy runs BPTT
 * and writes the gate gradients of every step; then GEMMs and column sums over all T·B
 * rows reduce them into the weight, bias and cell-parameter gradients (accumulating, so
 * that chunks, windows and calls add up), and one GEMM gives dX. The cell table says which
 * saved slots dW_hh multiplies and whether the recurrent gate gradients are separate.
 */
import type { Runtime } from '../runtime/runtime.js';
import { encodeGemm } from '../ops/gemm.js';
import { savedSlot } from './cells.js';
import { encodeCellGradients, gradientRowsUsed, gradientRowWidth, kernelCellParameters } from './cell-parameters.js';
import { encodeInputProjectionBackward } from './input-projection.js';
import type { LayerParameters } from './parameters.js';
import type { LayerPlan, RecurrentPlan } from './plan.js';
import type { StepTrace } from './gradient-trace.js';

/** The buffers of one layer's backward. */
export interface LayerBackwardBuffers {
  /** The layer's input X, as in forward. */
  input: GPUBuffer;
  /** From the forward with saving: rows × [D, saved slots, H]. */
  saved: GPUBuffer;
  /** dL/d output, rows × [D·H]. */
  dOutput: GPUBuffer;
  /** Shape [L·D, B, H]: in, dL/dh_n of this layer at its state offset; out, dL/dh0 (dc likewise). */
  dh: GPUBuffer;
  dc: GPUBuffer | null;
  lengths: GPUBuffer | null;
  /** Gradients laid out like the parameters; added to, never overwritten. */
  grads: LayerParameters;
  /** dL/dX, rows × I (overwritten); null when nobody needs it. */
  dInput: GPUBuffer | null;
  /** Receives the carried dh after every step (a gradient trace). */
  trace?: StepTrace;
}

export function encodeLayerBackward(runtime: Runtime, plan: RecurrentPlan, layer: LayerPlan, io: LayerBackwardBuffers): void {
  const { variant } = plan;
  const { steps: T, batch: B, hidden: H, directions: D } = plan.shape;
  const rows = T * B;
  const gateWidth = D * variant.gates.length * H;
  const gradientRows = new Map(gradientRowsUsed(variant).map((name) => [
    name,
    runtime.pool.acquire(rows * D * gradientRowWidth(variant, name) * H * 4, GPUBufferUsage.STORAGE, `${variant.name} ${name}`),
  ]));
  const cellParams = kernelCellParameters(runtime, plan, layer);
  plan.strategies.backward!.encodeBackward(runtime, plan, layer, {
    ...Object.fromEntries(gradientRows),
    cell_params: cellParams.buffer,
    saved: io.saved,
    d_out: io.dOutput,
    w_hh_t: layer.weights.wHhT.buffer,
    lengths: io.lengths,
    dh_state: io.dh,
    dc_state: io.dc,
  }, io.trace);
  cellParams.release();

  const projection = encodeInputProjectionBackward(runtime, plan, layer, io.saved, gradientRows.get('d_gates')!, io.grads);
  // dW_ih += d_projectionᵀ · X  ([D·G·H, I], both directions in one GEMM)
  encodeGemm(runtime, {
    M: gateWidth, N: layer.inputSize, K: rows,
    a: projection.rows, b: io.input, c: io.grads.wIh.buffer,
    transA: true, lda: gateWidth, ldb: layer.inputSize, ldc: layer.inputSize, beta: 1,
  });
  encodeCellGradients(runtime, plan, gradientRows, io.saved, io.grads);
  encodeRecurrentWeightGradient(runtime, plan, io.saved, gradientRows.get(variant.gradientSources.recurrentWeights)!, io.grads.wHhT.buffer);
  // dX = d_projection · W_ih  (rows × I; sums both directions)
  if (io.dInput) {
    encodeGemm(runtime, {
      M: rows, N: layer.inputSize, K: gateWidth,
      a: projection.rows, b: layer.weights.wIh.buffer, c: io.dInput,
      lda: gateWidth, ldb: layer.inputSize, ldc: layer.inputSize,
    });
  }
  projection.release();
  for (const buffer of gradientRows.values()) runtime.pool.release(buffer);
}

/**
 * dW_hhᵀ[d] += inputᵀ · d_gates_h[d] for each block of gate columns ([H, G·H] per
 * direction). With heads only the diagonal blocks exist: one GEMM per gate, batched over
 * heads, leaves the entries between heads at zero.
 */
function encodeRecurrentWeightGradient(runtime: Runtime, plan: RecurrentPlan, saved: GPUBuffer, dGatesH: GPUBuffer, wHhT: GPUBuffer): void {
  const { variant } = plan;
  const { steps: T, batch: B, hidden: H, directions: D } = plan.shape;
  const G = variant.gates.length;
  const heads = variant.config.heads;
  const slots = variant.saved.length;
  const common = { K: T * B, lda: D * slots * H, transA: true, ldb: D * G * H, ldc: G * H, beta: 1, a: saved, b: dGatesH, c: wHhT };
  for (let d = 0; d < D; d++) {
    for (const block of variant.recurrentWeightBlocks) {
      const offsetA = (d * slots + savedSlot(variant, block.input)) * H;
      const offsetB = (d * G + block.firstGate) * H;
      const offsetC = d * H * G * H + block.firstGate * H;
      if (heads === 1) {
        encodeGemm(runtime, { ...common, M: H, N: block.gates * H, offsetA, offsetB, offsetC });
        continue;
      }
      const size = H / heads;
      for (let g = 0; g < block.gates; g++) {
        encodeGemm(runtime, {
          ...common, M: size, N: size, offsetA, offsetB: offsetB + g * H, offsetC: offsetC + g * H,
          batch: heads, strideA: size, strideB: size, strideC: size * G * H + size,
        });
      }
    }
  }
}
