import { describe, expect, it } from 'vitest';
import { chooseSchedule } from '../../src/recurrent/schedule.js';
import { cellVariant } from '../../src/recurrent/cells.js';
import { workgroupBytes } from '../../src/gpu/kernel-descriptor.js';

// SwiftShader's limits: 32 KiB of workgroup memory, 256 invocations.
/** PyTorch's forms: LSTM without peepholes, GRU with the reset gate after the product. */
const variantOf = (cell: 'lstm' | 'gru') => cellVariant({ cell, resetAfter: true, nonlinearity: 'tanh' });

const limits = { maxComputeWorkgroupStorageSize: 32768, maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupSizeX: 256 } as GPUSupportedLimits;

describe('chooseSchedule', () => {
  it('splits the batch into even tiles: as many workgroups as the largest fitting tile needs, none with a remainder', () => {
    for (const cell of ['lstm', 'gru'] as const) {
      const variant = variantOf(cell);
      for (const pass of ['forward', 'backward'] as const) {
        for (const hidden of [64, 128, 256]) {
          for (let batch = 1; batch <= 40; batch++) {
            const shape = { steps: 8, batch, hidden, directions: 1 };
            const { batchTile, batchBlock, workgroupSize } = chooseSchedule(variant, shape, limits, { pass, software: true });
            const kernel = variant[pass];
            const bytes = workgroupBytes(kernel, kernel.constants(variant.config, hidden, { batchTile, batchBlock, workgroupSize }, pass === 'forward'));
            expect(bytes, `${cell} ${pass} H=${hidden} B=${batch}`).toBeLessThanOrEqual(limits.maxComputeWorkgroupStorageSize);
            // The largest tile that fits (at most 16, at least two workgroups where B allows).
            let fit = Math.min(batch, 16);
            while (workgroupBytes(kernel, kernel.constants(variant.config, hidden, { batchTile: fit, batchBlock: 1, workgroupSize: 32 }, pass === 'forward')) > limits.maxComputeWorkgroupStorageSize) fit--;
            if (Math.ceil(batch / fit) < 2 && batch > 1) fit = Math.ceil(batch / 2);
            const tiles = Math.ceil(batch / batchTile);
            expect(tiles, `${cell} ${pass} H=${hidden} B=${batch}: workgroups`).toBe(Math.ceil(batch / fit));
            // The last tile is at most one sequence short of the others.
            expect(batch - (tiles - 1) * batchTile, `${cell} ${pass} H=${hidden} B=${batch}: last tile`).toBeGreaterThanOrEqual(batchTile - tiles + 1);
          }
        }
      }
    }
  });

  it('runs lm-small backward (LSTM H = 128, B = 32) as four tiles of 8 where 10 fit', () => {
    const schedule = chooseSchedule(variantOf('lstm'), { steps: 64, batch: 32, hidden: 128, directions: 1 }, limits, { pass: 'backward', software: true });
    expect(schedule.batchTile).toBe(8);
  });

  it('keeps a batch tile the caller fixes', () => {
    const schedule = chooseSchedule(variantOf('lstm'), { steps: 64, batch: 32, hidden: 128, directions: 1 }, limits, { pass: 'backward', batchTile: 10 });
    expect(schedule.batchTile).toBe(10);
  });
});
