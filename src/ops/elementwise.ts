/** Elementwise kernels: axpy for gradient accumulation, and seeded (variational) dropout. */
import elementwiseSource from '../../shaders/elementwise.wgsl?raw';
import type { Runtime } from '../runtime/runtime.js';
import { elementwiseGrid } from '../train/parameter.js';

export const ELEMENTWISE_SHADER = { name: 'elementwise', code: elementwiseSource } as const;

const WG = 256;

/** y += alpha · x, over `count` elements. */
export function encodeAxpy(runtime: Runtime, y: GPUBuffer, x: GPUBuffer, count: number, alpha = 1): void {
  runtime.dispatch(
    { shader: ELEMENTWISE_SHADER, constants: { OP: 0, WG } },
    { buffers: { x, y }, uniforms: { count, alpha, p: 0, seed: 0, key_div: 1, key_mod: 1 }, workgroups: elementwiseGrid(count, WG, runtime.limits) },
  );
}

export interface DropoutMask {
  p: number;
  seed: number;
  /** key(i) = (i / keyDiv) · keyMod + i % keyMod selects which elements share a mask value. */
  keyDiv: number;
  keyMod: number;
}

/** y = x · mask / (1 − p): the same call on a gradient applies the same mask. */
export function encodeDropout(runtime: Runtime, x: GPUBuffer, y: GPUBuffer, count: number, mask: DropoutMask): void {
  runtime.dispatch(
    { shader: ELEMENTWISE_SHADER, constants: { OP: 1, WG } },
    {
      buffers: { x, y },
      uniforms: { count, alpha: 0, p: mask.p, seed: mask.seed >>> 0, key_div: mask.keyDiv, key_mod: mask.keyMod },
      workgroups: elementwiseGrid(count, WG, runtime.limits),
    },
  );
}
