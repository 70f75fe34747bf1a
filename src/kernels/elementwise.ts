/** Host description of shaders/elementwise.wgsl: axpy and seeded (variational) dropout. */
import source from '../../shaders/elementwise.wgsl?raw';
import { elementwiseGrid } from '../gpu/geometry.js';
import { noWorkgroupArrays, type KernelDescriptor } from '../gpu/kernel-descriptor.js';

/** Which elements share a dropout mask value: key(i) = (i / keyDiv) · keyMod + i % keyMod. */
export interface DropoutMask {
  p: number;
  seed: number;
  keyDiv: number;
  keyMod: number;
}

export type ElementwiseKernelCall =
  /** y += alpha · x */
  | { op: 'axpy'; count: number; alpha: number }
  /** y = x · mask / (1 − p) */
  | { op: 'dropout'; count: number; mask: DropoutMask };

const WG = 256;
const OPS = { axpy: 0, dropout: 1 } as const;

export const elementwiseKernel: KernelDescriptor<ElementwiseKernelCall> = {
  shader: { name: 'elementwise', code: source },
  entryPoints: ['main'],
  launch(call, device) {
    const mask = call.op === 'dropout' ? call.mask : { p: 0, seed: 0, keyDiv: 1, keyMod: 1 };
    return {
      constants: { OP: OPS[call.op], WG },
      workgroups: elementwiseGrid(call.count, WG, device.limits),
      uniforms: { count: call.count, alpha: call.op === 'axpy' ? call.alpha : 0, p: mask.p, seed: mask.seed >>> 0, key_div: mask.keyDiv, key_mod: mask.keyMod },
    };
  },
  workgroupArrays: noWorkgroupArrays,
};
