/**
 * The GPU-against-float64 grids of one recurrent kernel family (LSTM, GRU or Elman RNN):
 * forward every time step (1e-5), gradients by BPTT (1e-4), and every schedule a tuner
 * may choose, for each of the family's variants in the cell table.
 */
import { describe, it } from 'vitest';
import type { CellType } from '../../src/index.js';
import { checkGradientCase } from './gradient-checks.js';
import { caseName, checkRecurrentCase, type RecurrentCase } from './recurrent-checks.js';
import { backwardSizeCases, scheduleCases, sizeCases, structureCases } from './recurrent-grid.js';
import { expectAllPass, useRuntime } from '../helpers.js';

export function recurrentFamilySuite(cell: CellType): void {
  const runtime = useRuntime();
  const ofFamily = (cases: RecurrentCase[]) => cases.filter((c) => c.cell === cell);

  describe(`${cell} forward against the float64 reference, every time step (1e-5)`, () => {
    for (const c of [...ofFamily(structureCases()), ...ofFamily(sizeCases())]) {
      it(caseName(c), async () => expectAllPass(await checkRecurrentCase(runtime(), c)));
    }
  });

  describe(`${cell} backward against the float64 BPTT reference (1e-4)`, () => {
    for (const c of [...ofFamily(structureCases()), ...ofFamily(backwardSizeCases())]) {
      it(caseName(c), async () => expectAllPass(await checkGradientCase(runtime(), c)));
    }
  });

  describe(`every ${cell} schedule a tuner may choose gives the float64 results`, () => {
    for (const c of ofFamily(scheduleCases())) {
      it(`${caseName(c)}: forward (1e-5) and gradients (1e-4)`, async () => {
        expectAllPass(await checkRecurrentCase(runtime(), c));
        expectAllPass(await checkGradientCase(runtime(), c));
      });
    }
  });
}
