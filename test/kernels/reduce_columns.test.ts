import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { encodeColumnReduce } from '../../src/ops/reduce.js';
import { randomArray } from '../../src/util/random.js';
import { checkColumnReductions } from '../checks/kernel-checks.js';
import { compareArrays } from '../checks/compare.js';
import { expectAllPass, useRuntime } from '../helpers.js';

describe('column reductions against the float64 reference', () => {
  const runtime = useRuntime();

  it('sums columns and squares, over one pass and two', async () => {
    expectAllPass(await checkColumnReductions(runtime()));
  });

  it('sums products of two strided matrices (a gain gradient, Σ dy ⊙ x̂), over one pass and two', async () => {
    for (const rows of [5, 2100]) {
      const cols = 6;
      const [ldX, offX, ldY, offY] = [10, 3, 14, 5];
      const x = randomArray(rows * ldX, 3);
      const y = randomArray(rows * ldY, 4);
      const previous = randomArray(cols, 5);
      const [tx, ty, out] = [Tensor.from(runtime(), x, [x.length]), Tensor.from(runtime(), y, [y.length]), Tensor.from(runtime(), previous, [cols])];
      encodeColumnReduce(runtime(), { rows, cols, x: tx.buffer, ld: ldX, offsetX: offX, out: out.buffer, beta: 1, product: { y: ty.buffer, ld: ldY, offset: offY } });
      const expected = Float64Array.from(previous, (p, c) => {
        let sum = p;
        for (let r = 0; r < rows; r++) sum += x[offX + r * ldX + c]! * y[offY + r * ldY + c]!;
        return sum;
      });
      const result = compareArrays(await out.read(), expected, { rtol: 1e-5, atol: 1e-4 });
      expect(result.ok, result.message).toBe(true);
      for (const t of [tx, ty, out]) t.dispose();
    }
  });
});
