/**
 * The scheduler's choices for one recurrent layer: batch tile, work-item block,
 * workgroup size and chunk length, from the shape and the device's limits.
 */
import { DeviceLimitError } from '../errors.js';
import { backwardWorkgroupBytes, forwardWorkgroupBytes, gatesOf, type CellConfig, type TileShape } from './cells.js';

export interface RecurrentShape {
  steps: number;
  batch: number;
  hidden: number;
  directions: number;
}

export interface RecurrentSchedule extends TileShape {
  /** Time steps per dispatch. */
  chunkLength: number;
}

/** Multiply-adds one workgroup may run in one dispatch: bounds how long a dispatch runs. */
const CHUNK_BUDGET = 2 ** 25;
/** Largest batch tile: past this, more workgroups beat more reuse per workgroup. */
const MAX_BATCH_TILE = 16;

/** Which kernel a schedule is for, and any choices fixed by the caller or a tuner. */
export interface ScheduleOptions extends Partial<Omit<RecurrentSchedule, 'hidden'>> {
  pass?: 'forward' | 'backward';
  /** A CPU implementation of WebGPU (SwiftShader): smaller workgroups. */
  software?: boolean;
}

/** Largest workgroup on software adapters (measured: 64–128 beat 256 there, bench/RESULTS.md). */
const MAX_SOFTWARE_WORKGROUP = 128;

/**
 * Sequences per work item: more reuse of each weight load, more registers. The LSTM
 * forward takes up to 8, the other kernels up to 4 (the Elman forward always 4).
 */
function defaultBatchBlock(config: CellConfig, batchTile: number, pass: 'forward' | 'backward'): number {
  return fittingBatchBlock(config, pass, batchTile);
}

/** The largest block the pass's kernel takes (a power of two) that is at most `wanted`. */
function fittingBatchBlock(config: CellConfig, pass: 'forward' | 'backward', wanted: number): number {
  if (config.cell === 'rnn' && pass === 'forward') return 4;
  const largest = config.cell === 'lstm' && pass === 'forward' ? 8 : 4;
  let block = 1;
  while (block * 2 <= Math.min(largest, wanted)) block *= 2;
  return block;
}

export function chooseSchedule(config: CellConfig, shape: RecurrentShape, limits: GPUSupportedLimits, options: ScheduleOptions = {}): RecurrentSchedule {
  const pass = options.pass ?? 'forward';
  const { hidden: H, batch: B, steps: T } = shape;
  const storage = limits.maxComputeWorkgroupStorageSize;
  const workgroupBytes = pass === 'forward' ? forwardWorkgroupBytes : backwardWorkgroupBytes;
  const oneSequence = workgroupBytes(config, H, 1);
  if (oneSequence > storage) {
    throw new DeviceLimitError('maxComputeWorkgroupStorageSize', oneSequence, storage, `${config.cell.toUpperCase()} ${pass} with hiddenSize ${H}`);
  }
  let batchTile = Math.max(1, Math.min(B, options.batchTile ?? MAX_BATCH_TILE));
  while (workgroupBytes(config, H, batchTile) > storage) batchTile--;
  // Keep at least two workgroups busy when the batch allows it.
  if (options.batchTile === undefined && Math.ceil(B / batchTile) * shape.directions < 2 && B > 1) batchTile = Math.min(batchTile, Math.ceil(B / 2));
  // A requested block is kept within what the pass's kernel takes.
  const batchBlock = options.batchBlock === undefined ? defaultBatchBlock(config, batchTile, pass) : fittingBatchBlock(config, pass, options.batchBlock);
  const items = pass === 'forward' ? H * Math.ceil(batchTile / batchBlock) : H * batchTile;
  // On CPU implementations every invocation group is a coroutine switched at each barrier.
  const largest = options.software ? MAX_SOFTWARE_WORKGROUP : 256;
  const maxInvocations = Math.min(largest, limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  const workgroupSize = Math.min(maxInvocations, options.workgroupSize ?? Math.max(32, Math.ceil(items / 32) * 32));

  const perStep = gatesOf(config.cell) * H * H * batchTile;
  const chosen = options.chunkLength ?? Math.max(1, Math.floor(CHUNK_BUDGET / perStep));
  return { hidden: H, batchTile, batchBlock, workgroupSize, chunkLength: Math.max(1, Math.min(T, chosen)) };
}
