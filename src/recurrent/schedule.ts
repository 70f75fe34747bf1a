/**
 * The scheduler's choices for one recurrent layer: batch tile, work-item block,
 * workgroup size and chunk length, from the shape, the cell table and the device's limits.
 */
import { DeviceLimitError } from '../errors.js';
import { workgroupBytes } from '../gpu/kernel-descriptor.js';
import type { RecurrentSchedule, RecurrentShape, RecurrentStrategyName } from '../kernels/recurrent_common.js';
import type { CellVariant } from './cells.js';

export type { RecurrentSchedule, RecurrentShape, RecurrentStrategyName };

export type RecurrentPass = 'forward' | 'backward';

/** Multiply-adds one workgroup may run in one dispatch: bounds how long a dispatch runs. */
const CHUNK_BUDGET = 2 ** 25;
/** Largest batch tile: past this, more workgroups beat more reuse per workgroup. */
const MAX_BATCH_TILE = 16;
/** Largest workgroup on software adapters (measured: 64–128 beat 256 there, bench/RESULTS.md). */
const MAX_SOFTWARE_WORKGROUP = 128;
/** Split strategy: hidden units per workgroup unless chosen. */
const DEFAULT_UNIT_SPAN = 64;

/** Choices fixed by the caller or a tuner; the rest are the scheduler's. */
export interface ScheduleOptions extends Partial<RecurrentSchedule> {
  pass?: RecurrentPass;
  /** A CPU implementation of WebGPU (SwiftShader): smaller workgroups. */
  software?: boolean;
}

/** The largest block the pass's kernel takes that is at most `wanted` (its smallest if none is). */
export function fittingBatchBlock(variant: CellVariant, pass: RecurrentPass, wanted: number): number {
  const blocks = variant.blocks[pass];
  return blocks.filter((block) => block <= wanted).at(-1) ?? blocks[0]!;
}

/** Workgroup memory of the pass's kernel for a batch tile (block and workgroup size do not change it). */
function tileBytes(variant: CellVariant, pass: RecurrentPass, hidden: number, batchTile: number): number {
  const kernel = variant[pass];
  const constants = kernel.constants(variant.config, hidden, { batchTile, batchBlock: 1, workgroupSize: 32 }, pass === 'forward');
  return workgroupBytes(kernel, constants);
}

export function chooseSchedule(variant: CellVariant, shape: RecurrentShape, limits: GPUSupportedLimits, options: ScheduleOptions = {}): RecurrentSchedule {
  const pass = options.pass ?? 'forward';
  const { hidden: H, batch: B, steps: T } = shape;
  const storage = limits.maxComputeWorkgroupStorageSize;
  const oneSequence = tileBytes(variant, pass, H, 1);
  if (oneSequence > storage) {
    throw new DeviceLimitError('maxComputeWorkgroupStorageSize', oneSequence, storage, `${variant.config.cell.toUpperCase()} ${pass} with hiddenSize ${H}`);
  }
  let batchTile = Math.max(1, Math.min(B, options.batchTile ?? MAX_BATCH_TILE));
  while (tileBytes(variant, pass, H, batchTile) > storage) batchTile--;
  // Keep at least two workgroups busy when the batch allows it.
  if (options.batchTile === undefined && Math.ceil(B / batchTile) * shape.directions < 2 && B > 1) batchTile = Math.min(batchTile, Math.ceil(B / 2));
  // Even tiles: the same number of workgroups, none left with a remainder (B = 32 at a fit
  // of 10 runs as 8, 8, 8, 8 rather than 10, 10, 10, 2, so the cores finish together).
  if (options.batchTile === undefined) batchTile = Math.ceil(B / Math.ceil(B / batchTile));
  const batchBlock = fittingBatchBlock(variant, pass, options.batchBlock ?? batchTile);
  const strategy = options.strategy ?? 'persistent';
  // A workgroup works on one head's units (all H with one head).
  const headSize = H / (variant.config.heads ?? 1);
  const unitSpan = Math.max(1, Math.min(headSize, options.unitSpan ?? DEFAULT_UNIT_SPAN));
  // Backward's gate gradients cover every unit of the head whatever the strategy.
  const units = strategy === 'split' && pass === 'forward' ? unitSpan : headSize;
  const items = pass === 'forward' ? units * Math.ceil(batchTile / batchBlock) : headSize * batchTile;
  // On CPU implementations every invocation group is a coroutine switched at each barrier.
  const largest = options.software ? MAX_SOFTWARE_WORKGROUP : 256;
  const maxInvocations = Math.min(largest, limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  const workgroupSize = Math.min(maxInvocations, options.workgroupSize ?? Math.max(32, Math.ceil(items / 32) * 32));

  const perStep = variant.gates.length * H * headSize * batchTile;
  const chosen = options.chunkLength ?? Math.max(1, Math.floor(CHUNK_BUDGET / perStep));
  return { strategy, unitSpan, batchTile, batchBlock, workgroupSize, chunkLength: Math.max(1, Math.min(T, chosen)) };
}
