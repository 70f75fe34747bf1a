import { describe, it } from 'vitest';
import { checkColumnReductions } from '../checks/kernel-checks.js';
import { expectAllPass, useRuntime } from '../helpers.js';

describe('column reductions against the float64 reference', () => {
  const runtime = useRuntime();

  it('sums columns and squares, over one pass and two', async () => {
    expectAllPass(await checkColumnReductions(runtime()));
  });
});
