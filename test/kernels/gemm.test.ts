import { describe, it } from 'vitest';
import { checkGemmEpilogue, checkGemmGrid } from '../checks/kernel-checks.js';
import { expectAllPass, useRuntime } from '../helpers.js';

describe('gemm against the float64 reference (rtol 1e-5)', () => {
  const runtime = useRuntime();

  it('matches on sizes 1, primes, tile edges and > 1024, with every transpose', async () => {
    expectAllPass(await checkGemmGrid(runtime()));
  });

  it('applies alpha, beta, bias and batching, and ignores C when beta is 0', async () => {
    expectAllPass(await checkGemmEpilogue(runtime()));
  });
});
