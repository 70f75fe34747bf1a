import { describe, it } from 'vitest';
import { checkRecurrentCase, caseName } from './checks/recurrent-checks.js';
import { sizeCases, structureCases } from './checks/recurrent-grid.js';
import { expectAllPass, useRuntime } from './helpers.js';

describe('recurrent forward against the float64 reference, every time step (1e-5)', () => {
  const runtime = useRuntime();

  describe('layers and directions', () => {
    for (const c of structureCases()) {
      it(caseName(c), async () => expectAllPass(await checkRecurrentCase(runtime(), c)));
    }
  });

  describe('sizes and chunk lengths', () => {
    for (const c of sizeCases()) {
      it(caseName(c), async () => expectAllPass(await checkRecurrentCase(runtime(), c)));
    }
  });
});
