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

/**
 * How a layer's recurrence is dispatched: 'persistent', one dispatch per chunk of steps with
 * each workgroup owning every unit of a batch tile; 'split', one dispatch per step with the
 * hidden units split over workgroups (for small batches and large hidden sizes).
 */
export type RecurrentStrategyName = 'persistent' | 'split';

/** The scheduler's choices for one pass of a recurrent layer. */
export interface RecurrentSchedule {
  strategy: RecurrentStrategyName;
  /** Split: hidden units each workgroup owns. */
  unitSpan: number;
  /** Sequences per workgroup. */
  batchTile: number;
  /** Sequences per work item (the kernels that block them). */
  batchBlock: number;
  workgroupSize: number;
  /** Time steps per dispatch. */
  chunkLength: number;
}

/**
 * Rates and seed of the masks inside the cell (zoneout, recurrent dropout) for one layer's
 * call, and the ε of its layer norms. Kernels compiled without those options ignore them.
 */
export interface CellMasks {
  layerNormEps: number;
  zoneoutHidden: number;
  zoneoutCell: number;
  recurrentDropout: number;
  /** One recurrent-dropout mask per sequence instead of per step. */
  perSequence: boolean;
  /** Training: draw masks from the seed; otherwise zoneout uses its expectation and no dropout. */
  sample: boolean;
  /** This layer's u32 seed. */
  seed: number;
}

/** No masks: evaluation with every rate 0. */
export const NO_MASKS: CellMasks = { layerNormEps: 1e-5, zoneoutHidden: 0, zoneoutCell: 0, recurrentDropout: 0, perSequence: false, sample: false, seed: 0 };

/** One dispatch of a persistent recurrent kernel: one chunk of steps of one layer. */
export interface RecurrentKernelCall {
  config: CellConfig;
  shape: RecurrentShape;
  schedule: RecurrentSchedule;
  /** Forward: keep activations for backward. */
  save: boolean;
  batchFirst: boolean;
  hasLengths: boolean;
  /** Element offset of this layer's [D, B, H] in the state buffers: read before the chunk, */
  stateOffset: number;
  /** and written after it (split: the other half of a ping-pong pair). */
  stateWrite: number;
  /** First processing step of the chunk (split: the step). */
  begin: number;
  masks: CellMasks;
}

export type Constants = Record<string, ConstantValue>;

export interface RecurrentKernel extends KernelDescriptor<RecurrentKernelCall> {
  /** Override constants for a cell variant, hidden size and schedule. */
  constants(config: CellConfig, hidden: number, schedule: Omit<RecurrentSchedule, 'chunkLength' | 'strategy' | 'unitSpan'>, save: boolean): Constants;
  /** Activations per unit the forward saves for backward (override SAVED in the WGSL), without layer norm. */
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
  /** Saved slots that layer norm adds. */
  normSlots: number;
  /** Besides `lengths` (absent when every sequence has T steps). */
  optionalBindings: readonly string[];
  /** The kernel's own override constants (the common H, BT and WG are added). */
  constants: RecurrentKernel['constants'];
  workgroupArrays: KernelDescriptor<RecurrentKernelCall>['workgroupArrays'];
}): RecurrentKernel {
  const constants: RecurrentKernel['constants'] = (config, hidden, schedule, save) => {
    const layerNorm = config.layerNorm ?? false;
    return {
      H: hidden,
      HS: hidden / (config.heads ?? 1),
      BT: schedule.batchTile,
      WG: schedule.workgroupSize,
      SAVED: spec.savedSlots + (layerNorm ? spec.normSlots : 0),
      LAYER_NORM: layerNorm,
      SUM_SLOTS: layerNorm ? schedule.batchTile * SUM_SLICES : 1,
      ...spec.constants(config, hidden, schedule, save),
    };
  };
  return {
    shader: composeRecurrentShader(spec.name, spec.source),
    entryPoints: ['main', 'split_step'],
    savedSlots: spec.savedSlots,
    optionalBindings: ['lengths', ...spec.optionalBindings],
    constants,
    // sum_rows' array (vec2<f32>) is every kernel's, one element without layer norm.
    workgroupArrays: (c, entryPoint) => ({
      ...spec.workgroupArrays(c, entryPoint),
      partial_sums: 8 * sizeConstant(c, 'SUM_SLOTS'),
    }),
    launch(call) {
      const { steps: T, batch: B, hidden: H, directions: D } = call.shape;
      const [rowT, rowB] = rowStrides(call.batchFirst, T, B);
      const { schedule } = call;
      const split = schedule.strategy === 'split';
      const tiles = Math.ceil(B / schedule.batchTile);
      const heads = call.config.heads ?? 1;
      const { masks } = call;
      return {
        ...(split ? { entryPoint: 'split_step' } : {}),
        constants: { ...constants(call.config, H, schedule, call.save), ...(split ? { US: schedule.unitSpan } : {}) },
        workgroups: split ? [heads * Math.ceil(H / heads / schedule.unitSpan), tiles, D] : [tiles, D, heads],
        uniforms: {
          batch: B,
          steps: T,
          step_begin: call.begin,
          step_count: split ? 1 : Math.min(schedule.chunkLength, T - call.begin),
          has_lengths: call.hasLengths ? 1 : 0,
          state_offset: call.stateOffset,
          state_write: call.stateWrite,
          directions: D,
          row_t: rowT,
          row_b: rowB,
          zoneout_h: masks.zoneoutHidden,
          zoneout_c: masks.zoneoutCell,
          dropout_p: masks.recurrentDropout,
          mask_seed: masks.seed,
          masks: (masks.sample ? 1 : 0) | (masks.perSequence ? 2 : 0),
          norm_eps: masks.layerNormEps,
        },
      };
    },
  };
}

/** f32 bytes of n floats. */
export const floats = (n: number): number => n * 4;

/** Floats of a [BT][HS] workgroup array (one head of a batch tile) under these constants. */
export function tileFloats(constants: Readonly<Record<string, ConstantValue>>): number {
  return sizeConstant(constants, 'BT') * sizeConstant(constants, 'HS');
}

/** Slices of each row in sum_rows (const SLICES in the WGSL). */
const SUM_SLICES = 8;

/** Floats of a forward kernel's norm_buf: [BT][gates][HS] with layer norm, else 1. */
export function normFloats(config: CellConfig, hidden: number, batchTile: number, gates: number): number {
  return config.layerNorm ? (batchTile * gates * hidden) / (config.heads ?? 1) : 1;
}

/** The override flags of the options inside the cell that a kernel declares. */
export function cellFlags(config: CellConfig, declared: readonly ('ZONEOUT' | 'RECURRENT_DROPOUT')[]): Constants {
  const value = { ZONEOUT: config.zoneout ?? false, RECURRENT_DROPOUT: config.recurrentDropout ?? false };
  return Object.fromEntries(declared.map((name) => [name, value[name]]));
}
