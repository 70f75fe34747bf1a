/**
 * Element-wise comparison against a float64 reference, conformance-test style: on failure
 * the message shows actual against expected around the first mismatch.
 *
 * An element passes when |actual − expected| ≤ atol + rtol · scale, where scale is the
 * reference's Σ|terms| for that element when given (so rounding error is judged against
 * the size of what was summed, not against a result that cancelled to near zero), and
 * |expected| otherwise.
 */
export interface Tolerance {
  rtol: number;
  atol?: number;
}

export interface Comparison {
  ok: boolean;
  mismatches: number;
  maxError: number;
  message: string;
}

export function compareArrays(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: Tolerance,
  scale?: ArrayLike<number>,
): Comparison {
  if (actual.length !== expected.length) {
    return { ok: false, mismatches: Math.abs(actual.length - expected.length), maxError: Infinity, message: `length ${actual.length}, expected ${expected.length}` };
  }
  const atol = tolerance.atol ?? 0;
  let first = -1;
  let mismatches = 0;
  let maxError = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const error = Math.abs(a - e);
    const allowed = atol + tolerance.rtol * Math.abs(scale ? scale[i]! : e);
    const bad = !(error <= allowed); // NaN fails
    if (bad) {
      mismatches++;
      if (first < 0) first = i;
    }
    if (error > maxError || Number.isNaN(error)) maxError = Number.isNaN(error) ? NaN : error;
  }
  if (first < 0) return { ok: true, mismatches: 0, maxError, message: `ok (max abs error ${maxError.toExponential(2)})` };
  const lines = [`${mismatches} of ${actual.length} elements differ; first at index ${first}:`];
  for (let i = Math.max(0, first - 2); i < Math.min(actual.length, first + 3); i++) {
    const marker = i === first ? '>' : ' ';
    lines.push(`${marker} [${i}] actual ${fmt(actual[i]!)}  expected ${fmt(expected[i]!)}${scale ? `  scale ${fmt(scale[i]!)}` : ''}`);
  }
  return { ok: false, mismatches, maxError, message: lines.join('\n') };
}

function fmt(x: number): string {
  return x.toPrecision(9).padStart(16);
}
