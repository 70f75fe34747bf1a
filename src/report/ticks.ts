/**
 * Axis ticks. A linear axis steps by 1, 2 or 5 times a power of ten and widens its range
 * to whole steps, so that the first and last ticks sit on the plot's edges; a log axis
 * labels powers of ten only (every k-th decade when there are many), with unlabelled
 * minor ticks at 2–9 times each decade when the range spans few decades.
 */

export interface AxisTicks {
  /** The axis range, widened to whole ticks. */
  min: number;
  max: number;
  /** Labelled ticks, ascending, from `min` to `max`. */
  major: number[];
  /** Unlabelled ticks between them (log axes only). */
  minor: number[];
}

/** 10^exponent without the rounding of Math.pow (10 ** -5 is 0.000009999999999999999 in some engines). */
export function powerOfTen(exponent: number): number {
  return Number(`1e${exponent}`);
}

/** Rounds away float noise (0.30000000000000004) at the precision of `step`. */
function atStep(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(value.toFixed(Math.min(decimals, 20)));
}

/** About `count` ticks covering [low, high]; a zero-width range is widened around its value. */
export function linearTicks(low: number, high: number, count = 6): AxisTicks {
  if (low === high) {
    const pad = low === 0 ? 1 : Math.abs(low) * 0.1;
    low -= pad;
    high += pad;
  }
  const rough = (high - low) / Math.max(1, count - 1);
  const magnitude = powerOfTen(Math.floor(Math.log10(rough)));
  const fraction = rough / magnitude;
  const step = (fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10) * magnitude;
  const first = Math.floor(low / step + 1e-9);
  const last = Math.ceil(high / step - 1e-9);
  const major: number[] = [];
  for (let i = first; i <= last; i++) major.push(atStep(i * step, step));
  return { min: major[0]!, max: major.at(-1)!, major, minor: [] };
}

/** Powers of ten covering [low, high] (both > 0), at most about `maxLabels` of them. */
export function logTicks(low: number, high: number, maxLabels = 8): AxisTicks {
  let lowest = Math.floor(Math.log10(low) + 1e-9);
  let highest = Math.ceil(Math.log10(high) - 1e-9);
  if (highest <= lowest) highest = lowest + 1;
  // Many decades: label every k-th, on multiples of k so that 10^0 stays a label.
  const every = Math.max(1, Math.ceil((highest - lowest) / Math.max(1, maxLabels - 1)));
  lowest = Math.floor(lowest / every) * every;
  highest = Math.ceil(highest / every) * every;
  const major: number[] = [];
  for (let e = lowest; e <= highest; e += every) major.push(powerOfTen(e));
  const minor: number[] = [];
  if (every === 1 && highest - lowest <= 4) {
    for (let e = lowest; e < highest; e++) for (let k = 2; k <= 9; k++) minor.push(k * powerOfTen(e));
  }
  return { min: major[0]!, max: major.at(-1)!, major, minor };
}
