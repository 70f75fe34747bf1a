/**
 * Global gradient norm (on the GPU) and clipping by norm or by value, in place.
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor } from '../tensor.js';
import { checkFinite } from '../errors.js';
import type { Parameter } from './parameter.js';
import { squaredNormBlocks, squaredNormKernel } from '../kernels/squared_norm.js';
import { gradientClipKernel } from '../kernels/gradient_clip.js';

/** Σ g² over every gradient, as a [1] tensor that stays on the GPU. */
export function squaredGradientNorm(runtime: Runtime, parameters: readonly Parameter[]): Tensor<'f32'> {
  const total = parameters.reduce((sum, p) => sum + squaredNormBlocks(p.grad.size), 0);
  const partial = runtime.pool.acquire(Math.max(total, 1) * 4, GPUBufferUsage.STORAGE, 'gradient norm partial sums');
  let offset = 0;
  for (const p of parameters) {
    runtime.launch(squaredNormKernel, { op: 'blockSquares', count: p.grad.size, offsetOut: offset }, { x: p.grad.buffer, out: partial });
    offset += squaredNormBlocks(p.grad.size);
  }
  const result = Tensor.zeros(runtime, [1], 'f32', 'gradient norm²');
  runtime.launch(squaredNormKernel, { op: 'total', count: total }, { x: partial, out: result.buffer });
  runtime.pool.release(partial);
  return result;
}

/** The global L2 norm of the gradients (reads one number back). */
export async function gradientNorm(runtime: Runtime, parameters: readonly Parameter[]): Promise<number> {
  const squared = squaredGradientNorm(runtime, parameters);
  const value = Math.sqrt((await squared.read())[0]!);
  squared.dispose();
  return value;
}

/**
 * Scales every gradient by min(1, maxNorm / ‖g‖) with the global norm computed on the GPU,
 * like torch.nn.utils.clip_grad_norm_. Returns the norm before clipping, as a [1] tensor of ‖g‖².
 */
export function clipGradientNorm(runtime: Runtime, parameters: readonly Parameter[], maxNorm: number): Tensor<'f32'> {
  checkFinite('maxNorm', maxNorm);
  const squared = squaredGradientNorm(runtime, parameters);
  for (const p of parameters) {
    runtime.launch(gradientClipKernel, { op: 'byNorm', count: p.grad.size, maxNorm }, { norm_sq: squared.buffer, grad: p.grad.buffer });
  }
  return squared;
}

/** Clamps every gradient element to [−clipValue, clipValue], like clip_grad_value_. */
export function clipGradientValue(runtime: Runtime, parameters: readonly Parameter[], clipValue: number): void {
  checkFinite('clipValue', clipValue);
  for (const p of parameters) {
    runtime.launch(gradientClipKernel, { op: 'byValue', count: p.grad.size, clipValue }, { norm_sq: runtime.placeholder(), grad: p.grad.buffer });
  }
}
