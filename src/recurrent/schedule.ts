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

export function chooseSchedule(
  config: CellConfig,
  shape: RecurrentShape,
  limits: GPUSupportedLimits,
  chunkLength?: number,
  pass: 'forward' | 'backward' = 'forward',
): RecurrentSchedule {
  const { hidden: H, batch: B, steps: T } = shape;
  const storage = limits.maxComputeWorkgroupStorageSize;
  const workgroupBytes = pass === 'forward' ? forwardWorkgroupBytes : backwardWorkgroupBytes;
  const oneSequence = workgroupBytes(config, H, 1);
  if (oneSequence > storage) {
    throw new DeviceLimitError('maxComputeWorkgroupStorageSize', oneSequence, storage, `${config.cell.toUpperCase()} ${pass} with hiddenSize ${H}`);
  }
  let batchTile = Math.max(1, Math.min(B, MAX_BATCH_TILE));
  while (workgroupBytes(config, H, batchTile) > storage) batchTile--;
  // Keep at least two workgroups busy when the batch allows it.
  if (Math.ceil(B / batchTile) * shape.directions < 2 && B > 1) batchTile = Math.min(batchTile, Math.ceil(B / 2));
  const batchBlock = config.cell === 'rnn' ? 4 : batchTile >= 4 ? 4 : batchTile >= 2 ? 2 : 1;
  const items = pass === 'forward' ? H * Math.ceil(batchTile / batchBlock) : H * batchTile;
  const maxInvocations = Math.min(256, limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  const workgroupSize = Math.min(maxInvocations, Math.max(32, Math.ceil(items / 32) * 32));

  const perStep = gatesOf(config.cell) * H * H * batchTile;
  const chosen = chunkLength ?? Math.max(1, Math.floor(CHUNK_BUDGET / perStep));
  return { hidden: H, batchTile, batchBlock, workgroupSize, chunkLength: Math.max(1, Math.min(T, chosen)) };
}
