/**
 * The automatic search of Karpathy, Johnson and Fei-Fei's "Visualizing and Understanding
 * Recurrent Networks": simple features of a text, one value per character, and the units
 * whose activation over the text correlates best with one of them. Chance is measured, not
 * assumed: a feature shifted circularly along the text keeps its runs and rhythm but loses
 * its alignment, so the largest |r| over shifts is what a unit reaches by luck.
 */
import { ArgumentError, describe } from '../errors.js';
import { randomGenerator } from '../util/random.js';

export interface TextFeature {
  name: string;
  /** One value per character of the text. */
  values: Float64Array;
}

/**
 * Per-character features: inside double quotes, position in the line (characters since
 * the last newline), inside parentheses, after a space, inside a word, position in the word
 * (letters so far: a count, like line position, that needs memory). A feature describes
 * the state after reading the character, as a unit's activation at that step does.
 */
export function textFeatures(text: string): TextFeature[] {
  const n = text.length;
  const quotes = new Float64Array(n);
  const line = new Float64Array(n);
  const parentheses = new Float64Array(n);
  const afterSpace = new Float64Array(n);
  const word = new Float64Array(n);
  const wordPosition = new Float64Array(n);
  let inQuote = false;
  let column = 0;
  let depth = 0;
  for (let k = 0; k < n; k++) {
    const ch = text[k]!;
    if (ch === '"' || ch === '\u201c' || ch === '\u201d') inQuote = ch === '\u201c' ? true : ch === '\u201d' ? false : !inQuote;
    quotes[k] = inQuote ? 1 : 0;
    column = ch === '\n' ? 0 : column + 1;
    line[k] = column;
    if (ch === '(') depth++;
    parentheses[k] = depth > 0 ? 1 : 0;
    if (ch === ')') depth = Math.max(0, depth - 1);
    afterSpace[k] = ch === ' ' ? 1 : 0;
    word[k] = /\p{L}/u.test(ch) ? 1 : 0;
    wordPosition[k] = word[k] ? (k > 0 ? wordPosition[k - 1]! : 0) + 1 : 0;
  }
  return [
    { name: 'inside quotes', values: quotes },
    { name: 'position in line', values: line },
    { name: 'inside parentheses', values: parentheses },
    { name: 'after a space', values: afterSpace },
    { name: 'inside a word', values: word },
    { name: 'position in word', values: wordPosition },
  ];
}

/** Pearson's r of two equally long series; 0 when either is constant. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>, shift = 0): number {
  const n = a.length;
  if (b.length !== n) throw new ArgumentError('b', `${n} values, like a`, `${b.length}`);
  let meanA = 0;
  let meanB = 0;
  for (let k = 0; k < n; k++) {
    meanA += a[k]!;
    meanB += b[k]!;
  }
  meanA /= n;
  meanB /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let k = 0; k < n; k++) {
    const da = a[k]! - meanA;
    const db = b[(k + shift) % n]! - meanB;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

export interface UnitMatch {
  unit: number;
  feature: string;
  /** Pearson's r of the unit's activation with the feature over the text. */
  correlation: number;
  /** The largest |r| any unit reaches with the feature shifted out of alignment: chance. */
  chance: number;
}

export interface RankOptions {
  /** Circular shifts of each feature that measure chance (default 20). */
  shifts?: number;
  /** Seeds the shifts. */
  seed?: number;
}

/**
 * Ranks every (unit, feature) pair by how far |r| clears chance, best first. `unitValues(j)`
 * is unit j's activation at each character of the text the features came from. A feature
 * constant over the text (no parentheses in it, say) correlates with nothing and is left out.
 */
export function rankUnits(units: number, unitValues: (unit: number) => ArrayLike<number>, features: readonly TextFeature[], options: RankOptions = {}): UnitMatch[] {
  if (!Number.isInteger(units) || units < 1) throw new ArgumentError('units', 'a positive integer', describe(units));
  const n = features[0]?.values.length ?? 0;
  if (n < 2) throw new ArgumentError('features', 'features over a text of at least 2 characters', `${n} characters`);
  const shiftCount = options.shifts ?? 20;
  const next = randomGenerator(options.seed ?? 1);
  // Shifts of at least a tenth of the text, so that a shifted feature is out of alignment.
  const shifts = Array.from({ length: shiftCount }, () => Math.floor(n / 10 + next() * (0.8 * n)));
  const series = Array.from({ length: units }, (_, j) => {
    const values = unitValues(j);
    if (values.length !== n) throw new ArgumentError(`unitValues(${j})`, `${n} values, one per character`, `${values.length}`);
    return values;
  });
  const matches: UnitMatch[] = [];
  for (const feature of features) {
    if (feature.values.every((v) => v === feature.values[0])) continue;
    let chance = 0;
    for (const values of series) for (const shift of shifts) chance = Math.max(chance, Math.abs(correlation(values, feature.values, shift)));
    series.forEach((values, unit) => matches.push({ unit, feature: feature.name, correlation: correlation(values, feature.values), chance }));
  }
  return matches.sort((x, y) => Math.abs(y.correlation) - y.chance - (Math.abs(x.correlation) - x.chance));
}
