/**
 * Host side of shaders/recurrent_common.wgsl, which every persistent recurrent kernel
 * starts with: the composed shader source, the uniforms and the grid they all share.
 */
import commonSource from '../../shaders/recurrent_common.wgsl?raw';
import type { CellConfig } from '../core/types.js';
import type { ConstantValue } from '../gpu/kernel-cache.js';
import { sizeConstant, type KernelDescriptor } from '../gpu/kernel-descriptor.js';
import type { ShaderSource } from '../gpu/reflection.js';

/** The sizes of one recurrent layer's call. */
export interface RecurrentShape {
  steps: number;
  batch: number;
  hidden: number;
  directions: number;
}

/** The scheduler's choices for one pass of a recurrent layer. */
export interface RecurrentSchedule {
  /** Sequences per workgroup. */
  batchTile: number;
  /** Sequences per work item (the kernels that block them). */
  batchBlock: number;
  workgroupSize: number;
  /** Time steps per dispatch. */
  chunkLength: number;
}

/** One dispatch of a persistent recurrent kernel: one chunk of steps of one layer. */
export interface RecurrentKernelCall {
  config: CellConfig;
  shape: RecurrentShape;
  schedule: RecurrentSchedule;
  /** Forward: keep activations for backward. */
  save: boolean;
  batchFirst: boolean;
  hasLengths: boolean;
  /** Element offset of this layer's [D, B, H] in the [L·D, B, H] state buffers. */
  stateOffset: number;
  /** First processing step of the chunk. */
  begin: number;
}

type Constants = Record<string, ConstantValue>;

export interface RecurrentKernel extends KernelDescriptor<RecurrentKernelCall> {
  /** Override constants for a cell variant, hidden size and schedule. */
  constants(config: CellConfig, hidden: number, schedule: Omit<RecurrentSchedule, 'chunkLength'>, save: boolean): Constants;
  /** Activations per unit the forward saves for backward (const SAVED in the WGSL). */
  readonly savedSlots: number;
  /** Bindings an override constant can switch off; unused ones take a placeholder buffer. */
  readonly optionalBindings: readonly string[];
}

/** The shader as compiled: the common declarations, then the kernel's own file. */
export function composeRecurrentShader(name: string, source: string): ShaderSource {
  return { name, code: `${commonSource}\n${source}` };
}

/** Row strides (row_t, row_b): row of (t, b) = t·row_t + b·row_b in the input's layout. */
export function rowStrides(batchFirst: boolean, steps: number, batch: number): [number, number] {
  return batchFirst ? [1, steps] : [batch, 1];
}

/**
 * A recurrent kernel from its shader, its own constants and its workgroup arrays; the
 * common constants (H, BT, WG), grid and uniforms are added here.
 */
export function recurrentKernel(spec: {
  name: string;
  source: string;
  savedSlots: number;
  /** Besides `lengths` (absent when every sequence has T steps). */
  optionalBindings: readonly string[];
  /** The kernel's own override constants (the common H, BT and WG are added). */
  constants: RecurrentKernel['constants'];
  workgroupArrays: KernelDescriptor<RecurrentKernelCall>['workgroupArrays'];
}): RecurrentKernel {
  const constants: RecurrentKernel['constants'] = (config, hidden, schedule, save) => ({
    H: hidden,
    BT: schedule.batchTile,
    WG: schedule.workgroupSize,
    ...spec.constants(config, hidden, schedule, save),
  });
  return {
    shader: composeRecurrentShader(spec.name, spec.source),
    entryPoints: ['main'],
    savedSlots: spec.savedSlots,
    optionalBindings: ['lengths', ...spec.optionalBindings],
    constants,
    workgroupArrays: spec.workgroupArrays,
    launch(call) {
      const { steps: T, batch: B, directions: D } = call.shape;
      const [rowT, rowB] = rowStrides(call.batchFirst, T, B);
      return {
        constants: constants(call.config, call.shape.hidden, call.schedule, call.save),
        workgroups: [Math.ceil(B / call.schedule.batchTile), D],
        uniforms: {
          batch: B,
          steps: T,
          step_begin: call.begin,
          step_count: Math.min(call.schedule.chunkLength, T - call.begin),
          has_lengths: call.hasLengths ? 1 : 0,
          state_offset: call.stateOffset,
          directions: D,
          row_t: rowT,
          row_b: rowB,
        },
      };
    },
  };
}

/** f32 bytes of n floats. */
export const floats = (n: number): number => n * 4;

/** Floats of a [BT][H] workgroup array under these constants. */
export function tileFloats(constants: Readonly<Record<string, ConstantValue>>): number {
  return sizeConstant(constants, 'BT') * sizeConstant(constants, 'H');
}
