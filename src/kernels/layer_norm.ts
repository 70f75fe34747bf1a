/** Host description of shaders/layer_norm.wgsl: layer normalisation over the last dimension, and its backward. */
import source from '../../shaders/layer_norm.wgsl?raw';
import { elementwiseGrid } from '../gpu/geometry.js';
import { noWorkgroupArrays, type KernelDescriptor } from '../gpu/kernel-descriptor.js';

export interface LayerNormKernelCall {
  /** forward and backwardInput go row by row; backwardParams feature by feature. */
  op: 'forward' | 'backwardInput' | 'backwardParams';
  rows: number;
  features: number;
  eps: number;
  /** Parameter sets: row r uses set r mod sets (1 unless given). */
  sets?: number;
  /** Where x and the statistics start in their buffers, in elements (0 unless given). */
  xOffset?: number;
  statsOffset?: number;
}

const WG = 64;
const ENTRY_POINTS = { forward: 'forward', backwardInput: 'backward_input', backwardParams: 'backward_params' } as const;

export const layerNormKernel: KernelDescriptor<LayerNormKernelCall> = {
  shader: { name: 'layer_norm', code: source },
  entryPoints: Object.values(ENTRY_POINTS),
  launch(call, device) {
    const sets = call.sets ?? 1;
    const count = call.op === 'backwardParams' ? sets * call.features : call.rows;
    return {
      entryPoint: ENTRY_POINTS[call.op],
      constants: { WG },
      workgroups: elementwiseGrid(count, WG, device.limits),
      uniforms: { rows: call.rows, features: call.features, eps: call.eps, sets, x_offset: call.xOffset ?? 0, stats_offset: call.statsOffset ?? 0 },
    };
  },
  workgroupArrays: noWorkgroupArrays,
};
