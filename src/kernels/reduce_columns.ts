/** Host description of shaders/reduce_columns.wgsl: out[c] = alpha · Σ_r f(r, c) + beta · out[c], f = x, x² or x ⊙ y. */
import source from '../../shaders/reduce_columns.wgsl?raw';
import { sizeConstant, type KernelDescriptor } from '../gpu/kernel-descriptor.js';

const WG_COLS = 64;
const WG_ROWS = 4;
/** Rows one workgroup sums; longer columns leave partial sums for another pass. */
const ROWS_PER_GROUP = 1024;
const F32_BYTES = 4;

export interface ReduceColumnsKernelCall {
  rows: number;
  cols: number;
  /** Leading dimension of x, in elements. */
  ld: number;
  offsetX: number;
  offsetOut: number;
  /** Sum squares instead of values. */
  square: boolean;
  /** Sum x ⊙ y (y bound, with its own leading dimension and offset). */
  product: { ld: number; offset: number } | null;
  alpha: number;
  beta: number;
}

/**
 * Rows of output one pass over `rows` rows writes: 1 when it finishes the sums, else one
 * row of partial sums [groups, cols] per workgroup row (to reduce again, alpha 1, beta 0).
 */
export function columnReduceGroups(rows: number): number {
  return Math.max(1, Math.ceil(rows / ROWS_PER_GROUP));
}

export const reduceColumnsKernel: KernelDescriptor<ReduceColumnsKernelCall> = {
  shader: { name: 'reduce_columns', code: source },
  entryPoints: ['main'],
  launch(call) {
    const rowsPerGroup = columnReduceGroups(call.rows) === 1 ? Math.max(call.rows, 1) : ROWS_PER_GROUP;
    return {
      constants: { SQUARE: call.square, PRODUCT: call.product !== null, WG_COLS, WG_ROWS },
      workgroups: [Math.ceil(call.cols / WG_COLS), columnReduceGroups(call.rows)],
      uniforms: {
        rows: call.rows,
        cols: call.cols,
        ld: call.ld,
        offset_x: call.offsetX,
        offset_out: call.offsetOut,
        rows_per_group: rowsPerGroup,
        alpha: call.alpha,
        beta: call.beta,
        ld_y: call.product?.ld ?? 0,
        offset_y: call.product?.offset ?? 0,
      },
    };
  },
  workgroupArrays: (constants) => ({ partial: sizeConstant(constants, 'WG_COLS') * sizeConstant(constants, 'WG_ROWS') * F32_BYTES }),
};
