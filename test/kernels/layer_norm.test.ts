import { describe, expect, it } from 'vitest';
import { ArgumentError, LayerNorm, Tape, Tensor, randomArray } from '../../src/index.js';
import { referenceLayerNorm } from '../../src/reference/index.js';
import { compareArrays } from '../checks/compare.js';
import { expectAllPass, useRuntime } from '../helpers.js';

describe('layer norm', () => {
  const runtime = useRuntime();

  it('the float64 reference gradient passes central finite differences', () => {
    const F = 5;
    const x = randomArray(3 * F, 1);
    const gamma = randomArray(F, 2);
    const beta = randomArray(F, 3);
    const dy = randomArray(3 * F, 4);
    const loss = (xs: ArrayLike<number>, g: ArrayLike<number>, b: ArrayLike<number>) => referenceLayerNorm(xs, g, b, dy, F).y.reduce((s, v, i) => s + v * dy[i]!, 0);
    const analytic = referenceLayerNorm(x, gamma, beta, dy, F);
    const h = 1e-6;
    const numeric = (values: Float32Array, i: number, f: (v: Float64Array) => number) => {
      const plus = Float64Array.from(values);
      const minus = Float64Array.from(values);
      plus[i]! += h;
      minus[i]! -= h;
      return (f(plus) - f(minus)) / (2 * h);
    };
    for (let i = 0; i < x.length; i++) expect(analytic.dx[i]).toBeCloseTo(numeric(x, i, (v) => loss(v, gamma, beta)), 6);
    for (let f = 0; f < F; f++) {
      expect(analytic.dGamma[f]).toBeCloseTo(numeric(gamma, f, (v) => loss(x, v, beta)), 6);
      expect(analytic.dBeta[f]).toBeCloseTo(numeric(beta, f, (v) => loss(x, gamma, v)), 6);
    }
  });

  for (const [rows, F] of [[1, 1], [7, 3], [130, 64], [33, 257]] as const) {
    it(`forward and backward match float64 (rows ${rows}, features ${F})`, async () => {
      const rt = runtime();
      const norm = new LayerNorm(rt, { features: F });
      const gamma = randomArray(F, 5);
      const beta = randomArray(F, 6);
      norm.loadStateDict({ weight: { shape: [F], data: gamma }, bias: { shape: [F], data: beta } });
      // Rows with an offset and a scale, so the normalisation has work to do.
      const x = randomArray(rows * F, 7).map((v, i) => 3 + 10 * v + (i % 7));
      const dyValues = randomArray(rows * F, 8);
      const expected = referenceLayerNorm(x, gamma, beta, dyValues, F);
      const input = Tensor.from(rt, x, [rows, F]);
      const tape = new Tape(rt);
      const y = norm.forward(input, tape);
      const yValues = await y.read();
      const dy = Tensor.from(rt, dyValues, [rows, F]);
      tape.keep(y);
      tape.backward(y, dy);
      const dx = await tape.gradient(input)!.read();
      const results = [
        { name: 'y', ...compareArrays(yValues, expected.y, { rtol: 1e-5, atol: 1e-5 }) },
        { name: 'dx', ...compareArrays(dx, expected.dx, { rtol: 1e-4, atol: 1e-4 }) },
        { name: 'd gamma', ...compareArrays(await norm.weightGrad.read(), expected.dGamma, { rtol: 1e-4, atol: 1e-4 }) },
        { name: 'd beta', ...compareArrays(await norm.biasGrad.read(), expected.dBeta, { rtol: 1e-4, atol: 1e-4 }) },
      ];
      expectAllPass(results);
      tape.dispose();
      for (const t of [input, y, dy]) t.dispose();
      norm.dispose();
    });
  }

  it('rejects a wrong feature count before any GPU work', () => {
    const rt = runtime();
    const norm = new LayerNorm(rt, { features: 4 });
    const x = Tensor.zeros(rt, [2, 3]);
    rt.submit();
    expect(() => norm.forward(x)).toThrow(ArgumentError);
    expect(() => norm.forward(x)).toThrow('x: expected shape [..., 4], got shape [2, 3]');
    expect(rt.hasPendingWork).toBe(false);
    x.dispose();
    norm.dispose();
  });
});
