/**
 * Global gradient norm (on the GPU) and clipping by norm or by value, in place.
 */
import squaredNormSource from '../../shaders/squared_norm.wgsl?raw';
import gradientClipSource from '../../shaders/gradient_clip.wgsl?raw';
import type { Runtime } from '../runtime/runtime.js';
import { Tensor } from '../tensor.js';
import { checkFinite } from '../errors.js';
import type { Parameter } from './parameter.js';
import { elementwiseGrid } from '../gpu/geometry.js';

export const SQUARED_NORM_SHADER = { name: 'squared_norm', code: squaredNormSource } as const;
export const GRADIENT_CLIP_SHADER = { name: 'gradient_clip', code: gradientClipSource } as const;

const WG = 256;
const PER_THREAD = 16;

/** Σ g² over every gradient, as a [1] tensor that stays on the GPU. */
export function squaredGradientNorm(runtime: Runtime, parameters: readonly Parameter[]): Tensor<'f32'> {
  const block = WG * PER_THREAD;
  const blocks = parameters.map((p) => Math.ceil(p.grad.size / block));
  const total = blocks.reduce((a, b) => a + b, 0);
  const partial = runtime.pool.acquire(Math.max(total, 1) * 4, GPUBufferUsage.STORAGE, 'gradient norm partial sums');
  let offset = 0;
  parameters.forEach((p, i) => {
    runtime.dispatch(
      { shader: SQUARED_NORM_SHADER, constants: { SQUARE: true, WG, PER_THREAD } },
      { buffers: { x: p.grad.buffer, out: partial }, uniforms: { count: p.grad.size, offset_x: 0, offset_out: offset, accumulate: 0 }, workgroups: [blocks[i]!] },
    );
    offset += blocks[i]!;
  });
  const result = Tensor.zeros(runtime, [1], 'f32', 'gradient norm²');
  runtime.dispatch(
    { shader: SQUARED_NORM_SHADER, constants: { SQUARE: false, WG, PER_THREAD } },
    { buffers: { x: partial, out: result.buffer }, uniforms: { count: total, offset_x: 0, offset_out: 0, accumulate: 1 }, workgroups: [1] },
  );
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
  for (const p of parameters) clip(runtime, p, squared.buffer, true, maxNorm, 0);
  return squared;
}

/** Clamps every gradient element to [−clipValue, clipValue], like clip_grad_value_. */
export function clipGradientValue(runtime: Runtime, parameters: readonly Parameter[], clipValue: number): void {
  checkFinite('clipValue', clipValue);
  for (const p of parameters) clip(runtime, p, runtime.placeholder(), false, 0, clipValue);
}

function clip(runtime: Runtime, p: Parameter, normSquared: GPUBuffer, byNorm: boolean, maxNorm: number, clipValue: number): void {
  runtime.dispatch(
    { shader: GRADIENT_CLIP_SHADER, constants: { BY_NORM: byNorm, WG } },
    {
      buffers: { norm_sq: normSquared, grad: p.grad.buffer },
      uniforms: { count: p.grad.size, max_norm: maxNorm, clip_value: clipValue },
      workgroups: elementwiseGrid(p.grad.size, WG, runtime.limits),
    },
  );
}
