import { describe, expect, it } from 'vitest';
import { ArgumentError, correlation, rankUnits, textFeatures } from '../../src/index.js';
import { randomGenerator } from '../../src/util/random.js';

describe('text features and the unit search', () => {
  it('features describe the state after each character: quotes, line position, parentheses, spaces, words', () => {
    const text = 'a "b c"\n(d) e';
    const byName = new Map(textFeatures(text).map((f) => [f.name, Array.from(f.values)]));
    expect(byName.get('inside quotes')).toEqual([0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(byName.get('position in line')).toEqual([1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5]);
    expect(byName.get('inside parentheses')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0]);
    expect(byName.get('after a space')).toEqual([0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0]);
    expect(byName.get('inside a word')).toEqual([1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 1]);
    expect(Array.from(textFeatures('ab cde.f')[5]!.values)).toEqual([1, 2, 0, 1, 2, 3, 0, 1]);
    // Typographic quotes open and close explicitly.
    expect(Array.from(textFeatures('\u201cx\u201d y')[0]!.values)).toEqual([1, 1, 0, 0, 0]);
  });

  it("Pearson's r: ±1 for affine series, the textbook value otherwise, 0 for a constant, shifts wrap", () => {
    expect(correlation([1, 2, 3, 4], [3, 5, 7, 9])).toBeCloseTo(1, 12);
    expect(correlation([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // x = 1..5, y = 2,4,5,4,5: r = 6 / sqrt(10 · 6) (hand computed).
    expect(correlation([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(6 / Math.sqrt(60), 12);
    expect(correlation([1, 2, 3], [5, 5, 5])).toBe(0);
    expect(correlation([1, 2, 3, 4], [4, 1, 2, 3], 1)).toBeCloseTo(1, 12);
    expect(() => correlation([1, 2], [1])).toThrow(ArgumentError);
  });

  it('finds a unit that tracks quotes above the chance that shifted features measure; noise stays under it', () => {
    const text = 'He said "yes, go now" and left. "Why?" she asked, "and where?"\n'.repeat(30);
    const features = textFeatures(text);
    const quotes = features[0]!.values;
    const next = randomGenerator(3);
    const noise = (scale: number) => Float64Array.from(quotes, () => scale * (next() - 0.5));
    const units = [noise(1), Float64Array.from(quotes, (q) => 0.6 * q - 0.3 + 0.5 * (next() - 0.5)), noise(1), noise(1)];
    const ranked = rankUnits(units.length, (j) => units[j]!, features);
    expect(ranked[0]).toMatchObject({ unit: 1, feature: 'inside quotes' });
    expect(ranked[0]!.correlation).toBeGreaterThan(0.7);
    expect(Math.abs(ranked[0]!.correlation)).toBeGreaterThan(ranked[0]!.chance);
    const noiseAboveChance = ranked.filter((m) => m.unit !== 1 && Math.abs(m.correlation) > m.chance);
    expect(noiseAboveChance).toEqual([]);
    // The text has no parentheses: that feature is constant and left out.
    expect(ranked.length).toBe(units.length * (features.length - 1));
    expect(ranked.some((m) => m.feature === 'inside parentheses')).toBe(false);
    expect(() => rankUnits(2, () => [1, 2], features)).toThrow(/unitValues\(0\): expected 1890 values, one per character, got 2/);
  });
});
