/** Elementwise kernels on raw buffers: axpy for gradient accumulation, and seeded (variational) dropout. */
import type { Runtime } from '../runtime/runtime.js';
import { elementwiseKernel, type DropoutMask } from '../kernels/elementwise.js';

export type { DropoutMask };

/** y += alpha · x, over `count` elements. */
export function encodeAxpy(runtime: Runtime, y: GPUBuffer, x: GPUBuffer, count: number, alpha = 1): void {
  runtime.launch(elementwiseKernel, { op: 'axpy', count, alpha }, { x, y });
}

/** y = x · mask / (1 − p): the same call on a gradient applies the same mask. */
export function encodeDropout(runtime: Runtime, x: GPUBuffer, y: GPUBuffer, count: number, mask: DropoutMask): void {
  runtime.launch(elementwiseKernel, { op: 'dropout', count, mask }, { x, y });
}
