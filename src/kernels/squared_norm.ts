/** Host description of shaders/squared_norm.wgsl: block sums of squares, then their total. */
import source from '../../shaders/squared_norm.wgsl?raw';
import { sizeConstant, type KernelDescriptor } from '../gpu/kernel-descriptor.js';

const WG = 256;
const PER_THREAD = 16;
const F32_BYTES = 4;

export type SquaredNormKernelCall =
  /** out[offsetOut + g] = Σ x² over block g of `count` elements (squaredNormBlocks(count) blocks). */
  | { op: 'blockSquares'; count: number; offsetOut: number }
  /** out[0] += Σ x over all `count` elements, in one workgroup. */
  | { op: 'total'; count: number };

/** Partial sums that squaring `count` elements writes. */
export function squaredNormBlocks(count: number): number {
  return Math.ceil(count / (WG * PER_THREAD));
}

export const squaredNormKernel: KernelDescriptor<SquaredNormKernelCall> = {
  shader: { name: 'squared_norm', code: source },
  entryPoints: ['main'],
  launch(call) {
    const blocks = call.op === 'blockSquares';
    return {
      constants: { SQUARE: blocks, WG, PER_THREAD },
      workgroups: [blocks ? squaredNormBlocks(call.count) : 1],
      uniforms: { count: call.count, offset_x: 0, offset_out: blocks ? call.offsetOut : 0, accumulate: blocks ? 0 : 1 },
    };
  },
  workgroupArrays: (constants) => ({ partial: sizeConstant(constants, 'WG') * F32_BYTES }),
};
