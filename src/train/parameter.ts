/** A trainable tensor and its gradient, as every module exposes them to optimizers. */
import type { Tensor } from '../tensor.js';

export interface Parameter {
  /** Stable name, used for optimizer state and checkpoints. */
  readonly name: string;
  readonly value: Tensor<'f32'>;
  /** Same shape; backward adds into it. */
  readonly grad: Tensor<'f32'>;
}

/** Anything with parameters: modules, and lists of modules. */
export interface HasParameters {
  parameters(): Parameter[];
}

/** Workgroup grid for an elementwise kernel: 2D when one dimension would pass the limit. */
export function elementwiseGrid(count: number, workgroupSize: number, limits: GPUSupportedLimits): [number, number] {
  const groups = Math.ceil(count / workgroupSize);
  const max = limits.maxComputeWorkgroupsPerDimension;
  if (groups <= max) return [Math.max(groups, 1), 1];
  const x = max;
  return [x, Math.ceil(groups / x)];
}
