/** Host description of shaders/softmax_cross_entropy.wgsl: fused softmax + cross-entropy, its mean, and the gradient's scale. */
import source from '../../shaders/softmax_cross_entropy.wgsl?raw';
import { elementwiseGrid } from '../gpu/geometry.js';
import { sizeConstant, type KernelDescriptor } from '../gpu/kernel-descriptor.js';

export type SoftmaxCrossEntropyKernelCall =
  /** Each row's loss and gradient; a target outside [0, classes) (not the ignore index) is flagged in id_errors[checkSlot]. */
  | { op: 'rowLosses'; rows: number; classes: number; ignoreIndex: number; mean: boolean; checkSlot: number }
  /** The rows' sum (or mean) and the gradient scale. */
  | { op: 'finish'; rows: number; classes: number; ignoreIndex: number; mean: boolean }
  /** d_logits ·= scale · upstream gradient. */
  | { op: 'scaleRows'; rows: number; classes: number; mean: boolean };

const WG = 256;
const F32_BYTES = 4;
/** Rows up to this wide get one invocation each; wider rows get a workgroup each. */
const SERIAL_ROW_CLASSES = 256;

export const softmaxCrossEntropyKernel: KernelDescriptor<SoftmaxCrossEntropyKernelCall> = {
  shader: { name: 'softmax_cross_entropy', code: source },
  entryPoints: ['rows', 'rows_serial', 'finish', 'scale_rows'],
  launch(call, device) {
    const constants = { WG, MEAN: call.mean };
    const { rows, classes } = call;
    if (call.op === 'scaleRows') {
      return { entryPoint: 'scale_rows', constants, workgroups: elementwiseGrid(rows * classes, WG, device.limits), uniforms: { rows, classes, ignore_index: 0, check_slot: 0 } };
    }
    const uniforms = { rows, classes, ignore_index: call.ignoreIndex, check_slot: call.op === 'rowLosses' ? call.checkSlot : 0 };
    if (call.op === 'finish') return { entryPoint: 'finish', constants, workgroups: [1], uniforms };
    if (classes <= SERIAL_ROW_CLASSES) return { entryPoint: 'rows_serial', constants, workgroups: elementwiseGrid(rows, WG, device.limits), uniforms };
    // One workgroup per row, in a 2D grid past the per-dimension limit.
    return { entryPoint: 'rows', constants, workgroups: elementwiseGrid(rows, 1, device.limits), uniforms };
  },
  // Only the workgroup reductions (rows, finish) use the scratch array.
  workgroupArrays: (constants, entryPoint): Record<string, number> => (entryPoint === 'rows' || entryPoint === 'finish' ? { scratch: sizeConstant(constants, 'WG') * F32_BYTES } : {}),
};
