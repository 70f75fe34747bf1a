/**
 * Forward of a whole recurrent network for one planned call: layer after layer, with
 * dropout between layers when training, keeping what backward (or recompute) needs.
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor } from '../tensor.js';
import { encodeDropout, type DropoutMask } from '../ops/elementwise.js';
import { encodeLayerForward } from './layer-forward.js';
import type { LayerPlan, RecurrentPlan } from './plan.js';
import { savedBytes } from './saved.js';
import { copyOf } from './state.js';

/** One call's fixed parts: the plan and the tensors every layer shares. */
export interface NetworkCall {
  readonly runtime: Runtime;
  readonly plan: RecurrentPlan;
  /** Label prefix of the call's tensors. */
  readonly label: string;
  readonly input: Tensor;
  readonly lengths: Tensor | null;
  /** [T, B, D·H] or [B, T, D·H] */
  readonly outputShape: readonly number[];
  /** Dropout masks of the layer boundaries; null without dropout. */
  readonly masks: readonly DropoutMask[] | null;
}

/** What the forward keeps for backward: each layer's input, and its activations or (recompute) its initial state. */
export interface ForwardRecord {
  readonly layerInputs: Tensor[];
  /** Per layer; empty with recompute or for inference. */
  readonly saved: Tensor<'f32'>[];
  /** Recompute: copies of h0 (and c0), from which each layer re-runs. */
  readonly initial: { h: Tensor<'f32'>; c: Tensor<'f32'> | null } | null;
}

export function savedTensor(call: NetworkCall, layer: LayerPlan): Tensor<'f32'> {
  return Tensor.empty(call.runtime, [savedBytes(call.plan.variant, call.plan.shape) / 4], 'f32', `${call.label}.l${layer.index}.saved`);
}

/** Records one layer's forward; `saved` receives its activations when given. */
export function encodeLayer(call: NetworkCall, layer: LayerPlan, input: Tensor, output: Tensor, h: Tensor, c: Tensor | null, saved: Tensor | null): void {
  encodeLayerForward(call.runtime, call.plan, layer, {
    input: input.buffer,
    output: output.buffer,
    h: h.buffer,
    c: c?.buffer ?? null,
    lengths: call.lengths?.buffer ?? null,
    saved: saved?.buffer ?? null,
  });
}

/**
 * Runs every layer on (h, c), which hold the initial state before and the final state
 * after. `keep`: 'activations' saves each layer's; 'inputs' keeps only layer inputs and
 * the initial state (recompute); 'none' is inference. Returns the last layer's output.
 */
export function encodeNetworkForward(call: NetworkCall, h: Tensor<'f32'>, c: Tensor<'f32'> | null, keep: 'activations' | 'inputs' | 'none'): { output: Tensor<'f32'>; record: ForwardRecord } {
  const rt = call.runtime;
  const record: ForwardRecord = {
    layerInputs: [],
    saved: [],
    // Recompute re-runs each layer from its initial state, which the forward overwrites.
    initial: keep === 'inputs' ? { h: copyOf(rt, h, `${call.label}.h0 (kept)`), c: c ? copyOf(rt, c, `${call.label}.c0 (kept)`) : null } : null,
  };
  let layerInput = call.input as Tensor<'f32'>;
  for (const layer of call.plan.layers) {
    let output = Tensor.empty(rt, call.outputShape, 'f32', `${call.label}.l${layer.index}.output`);
    const saved = keep === 'activations' ? savedTensor(call, layer) : null;
    encodeLayer(call, layer, layerInput, output, h, c, saved);
    if (keep !== 'none') record.layerInputs.push(layerInput);
    else if (layerInput !== call.input) layerInput.dispose();
    if (saved) record.saved.push(saved);
    const mask = call.masks?.[layer.index];
    if (mask) {
      const dropped = Tensor.empty(rt, call.outputShape, 'f32', `${call.label}.l${layer.index}.dropout`);
      encodeDropout(rt, output.buffer, dropped.buffer, output.size, mask);
      output.dispose();
      output = dropped;
    }
    layerInput = output;
  }
  return { output: layerInput, record };
}
