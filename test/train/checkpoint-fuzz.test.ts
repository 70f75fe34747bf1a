/**
 * Mutated checkpoints load into a live model and optimizer either exactly or not at all
 * (bench/reliability.ts runs the same at 10,000 files).
 */
import { describe, expect, it } from 'vitest';
import { runCheckpointFuzz } from './checkpoint-mutations.js';
import { useRuntime } from '../helpers.js';

describe('checkpoint loading under mutation', () => {
  const runtime = useRuntime();

  it('300 seeded mutations: each loads exactly or is rejected with a library error that changed nothing', async () => {
    const tally = await runCheckpointFuzz(runtime(), 7, 300);
    expect(tally.problems).toEqual([]);
    expect([tally.raw, tally.partial, tally.wrong]).toEqual([0, 0, 0]);
    // Both outcomes occur, so the judge saw loads and rejections.
    expect(tally.loaded).toBeGreaterThan(5);
    expect(tally.rejected).toBeGreaterThan(150);
  });
});
