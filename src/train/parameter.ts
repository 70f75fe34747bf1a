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
