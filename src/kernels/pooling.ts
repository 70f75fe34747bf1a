/** Host description of shaders/pooling.wgsl: mean and last-state pooling, forward and backward. */
import source from '../../shaders/pooling.wgsl?raw';
import { elementwiseGrid } from '../gpu/geometry.js';
import { noWorkgroupArrays, type KernelDescriptor } from '../gpu/kernel-descriptor.js';

/** Mean over each sequence's valid steps of a [steps, sequences, features] output. */
export interface MeanPoolSizes {
  steps: number;
  sequences: number;
  features: number;
}

/** The last layer's final state of a [blocks, sequences, hidden] state, directions side by side. */
export interface LastStatePoolSizes {
  sequences: number;
  hidden: number;
  blocks: number;
  directions: number;
}

export type PoolingKernelCall =
  | ({ op: 'mean' | 'meanBackward' } & MeanPoolSizes)
  | ({ op: 'last' } & LastStatePoolSizes)
  | ({ op: 'lastBackward' } & LastStatePoolSizes);

const WG = 64;
const ENTRY_POINTS = { mean: 'mean', meanBackward: 'mean_backward', last: 'last', lastBackward: 'last_backward' } as const;

export const poolingKernel: KernelDescriptor<PoolingKernelCall> = {
  shader: { name: 'pooling', code: source },
  entryPoints: Object.values(ENTRY_POINTS),
  launch(call, device) {
    const entryPoint = ENTRY_POINTS[call.op];
    // Forward: one invocation per pooled element; backward: one per element of the gradient.
    if (call.op !== 'last' && call.op !== 'lastBackward') {
      const { steps, sequences, features } = call;
      const count = call.op === 'mean' ? sequences * features : steps * sequences * features;
      return { entryPoint, constants: { WG }, workgroups: elementwiseGrid(count, WG, device.limits), uniforms: { steps, sequences, features, hidden: 1, blocks: 0, first_block: 0 } };
    }
    const { sequences, hidden, blocks, directions } = call;
    const features = directions * hidden;
    const count = call.op === 'last' ? sequences * features : blocks * sequences * hidden;
    return {
      entryPoint,
      constants: { WG },
      workgroups: elementwiseGrid(count, WG, device.limits),
      uniforms: { steps: 0, sequences, features, hidden, blocks, first_block: blocks - directions },
    };
  },
  workgroupArrays: noWorkgroupArrays,
};
