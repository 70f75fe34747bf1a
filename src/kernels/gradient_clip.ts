/** Host description of shaders/gradient_clip.wgsl: clipping one gradient in place, by global norm or by value. */
import source from '../../shaders/gradient_clip.wgsl?raw';
import { elementwiseGrid } from '../gpu/geometry.js';
import { noWorkgroupArrays, type KernelDescriptor } from '../gpu/kernel-descriptor.js';

export type GradientClipKernelCall =
  /** g ·= min(1, maxNorm / ‖g‖), with ‖g‖² read from the GPU. */
  | { op: 'byNorm'; count: number; maxNorm: number }
  /** g = clamp(g, −clipValue, clipValue). */
  | { op: 'byValue'; count: number; clipValue: number };

const WG = 256;

export const gradientClipKernel: KernelDescriptor<GradientClipKernelCall> = {
  shader: { name: 'gradient_clip', code: source },
  entryPoints: ['main'],
  launch(call, device) {
    const byNorm = call.op === 'byNorm';
    return {
      constants: { BY_NORM: byNorm, WG },
      workgroups: elementwiseGrid(call.count, WG, device.limits),
      uniforms: { count: call.count, max_norm: byNorm ? call.maxNorm : 0, clip_value: byNorm ? 0 : call.clipValue },
    };
  },
  workgroupArrays: noWorkgroupArrays,
};
