/**
 * Backward of a whole recurrent network for one planned call (BPTT through every layer, in
 * reverse), from what the forward kept; with recompute, each layer's activations are
 * re-made just before its backward, so at most one layer's exist at a time.
 */
import { Tensor } from '../tensor.js';
import { encodeDropout } from '../ops/elementwise.js';
import { encodeLayerBackward } from './layer-backward.js';
import type { LayerParameters } from './parameters.js';
import { encodeLayer, savedTensor, type ForwardRecord, type NetworkCall } from './forward.js';
import { copyOf } from './state.js';
import type { GradientTrace } from './gradient-trace.js';

/** Gradients arriving at the network's results, as [L·D, B, H] state tensors (zeros where absent). */
export interface NetworkSeeds {
  output: Tensor | undefined;
  dh: Tensor<'f32'>;
  dc: Tensor<'f32'> | null;
}

/** Re-runs one layer's forward from the kept initial state, saving its activations. */
function recomputeLayer(call: NetworkCall, record: ForwardRecord, index: number): Tensor<'f32'> {
  const layer = call.plan.layers[index]!;
  const saved = savedTensor(call, layer);
  const output = Tensor.empty(call.runtime, call.outputShape, 'f32', `${call.label}.l${index}.output (recomputed)`);
  const h = copyOf(call.runtime, record.initial!.h, `${call.label}.h (recomputed)`);
  const c = record.initial!.c ? copyOf(call.runtime, record.initial!.c, `${call.label}.c (recomputed)`) : null;
  encodeLayer(call, layer, record.layerInputs[index]!, output, h, c, saved);
  for (const t of [output, h, c]) t?.dispose();
  return saved;
}

/**
 * Adds every layer's parameter gradients into `gradients` and returns dL/d input; `seeds.dh`
 * and `seeds.dc` end holding dL/dh0 and dL/dc0. A `trace` (begun) receives every layer's
 * seed, per-step carried gradient and output gradient.
 */
export function encodeNetworkBackward(call: NetworkCall, record: ForwardRecord, seeds: NetworkSeeds, gradients: readonly LayerParameters[], trace?: GradientTrace): Tensor<'f32'> {
  const rt = call.runtime;
  const recompute = record.initial !== null;
  let dOutput: Tensor = seeds.output ?? Tensor.zeros(rt, call.outputShape, 'f32', `${call.label}.d_output`);
  for (const layer of [...call.plan.layers].reverse()) {
    const layerInput = record.layerInputs[layer.index]!;
    const dInput = Tensor.empty(rt, layerInput.shape, 'f32', `${call.label}.l${layer.index}.d_input`);
    const saved = recompute ? recomputeLayer(call, record, layer.index) : record.saved[layer.index]!;
    const steps = trace?.layer(rt, layer.index);
    steps?.seed(seeds.dh.buffer, layer.stateOffset * 4);
    steps?.output(dOutput.buffer);
    encodeLayerBackward(rt, call.plan, layer, {
      input: layerInput.buffer,
      saved: saved.buffer,
      dOutput: dOutput.buffer,
      dh: seeds.dh.buffer,
      dc: seeds.dc?.buffer ?? null,
      lengths: call.lengths?.buffer ?? null,
      grads: gradients[layer.index]!,
      dInput: dInput.buffer,
      ...(steps ? { trace: steps } : {}),
    });
    if (recompute) {
      saved.dispose();
      // Submit so that the next layer's recompute can reuse this layer's buffers.
      rt.submit();
    }
    if (dOutput !== seeds.output) dOutput.dispose();
    dOutput = dInput;
    const mask = call.masks?.[layer.index - 1];
    if (mask) {
      // The layer below fed this one through dropout: the same mask applies to its gradient.
      const undropped = Tensor.empty(rt, dInput.shape, 'f32', `${call.label}.l${layer.index - 1}.d_output`);
      encodeDropout(rt, dInput.buffer, undropped.buffer, dInput.size, mask);
      dInput.dispose();
      dOutput = undropped;
    }
  }
  return dOutput as Tensor<'f32'>;
}
