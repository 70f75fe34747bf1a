/** Central finite differences of the float64 recurrent reference, for the reference's own backward checks. */
import { referenceRecurrent, type ReferenceRecurrentArgs } from '../../src/reference/index.js';

/** Σ output·seed_o + Σ h·seed_h + Σ c·seed_c: the scalar whose gradient is checked. */
export function seededLoss(args: ReferenceRecurrentArgs, seeds: { output: Float64Array; h: Float64Array; c: Float64Array }): number {
  const r = referenceRecurrent(args);
  let sum = 0;
  r.output.forEach((v, i) => (sum += v * seeds.output[i]!));
  r.h.forEach((v, i) => (sum += v * seeds.h[i]!));
  r.c?.forEach((v, i) => (sum += v * seeds.c[i]!));
  return sum;
}

/** Central difference of `evaluate` along one coordinate of `values` (changed in place, then restored). */
export function numericalGradient(values: Float64Array, index: number, evaluate: () => number): number {
  const step = 1e-6;
  const saved = values[index]!;
  values[index] = saved + step;
  const plus = evaluate();
  values[index] = saved - step;
  const minus = evaluate();
  values[index] = saved;
  return (plus - minus) / (2 * step);
}
