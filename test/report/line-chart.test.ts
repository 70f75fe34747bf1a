/**
 * lineChartSvg, read back through a strict parser: one path per series with its name and
 * point count, distinct colours, nice linear ticks, powers of ten on a log axis, gaps at
 * missing values, thinning of dense series, escaped text, and bad input named.
 */
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { lineChartSvg, linearTicks, logTicks, type ChartSeries } from '../../src/report/index.js';
import { byName, findAll, parseMarkup, textOf, type Element } from './markup.js';

const chart = (series: ChartSeries[], extra: { logY?: boolean; title?: string } = {}) =>
  parseMarkup(lineChartSvg({ title: extra.title ?? 'Loss', xLabel: 'step', yLabel: 'bits per character', series, logY: extra.logY }));
const paths = (svg: Element) => findAll(svg, byName('path'));
/** The [x, y] pixel vertices of a path's d, and how many pieces (M commands) it has. */
function vertices(path: Element): { points: number[][]; pieces: number } {
  const d = path.attributes.d!;
  const points = [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  return { points, pieces: (d.match(/M/g) ?? []).length };
}
const tickValues = (svg: Element, axis: 'x' | 'y') => findAll(svg, (e) => e.attributes.class === `tick ${axis}`).map((e) => Number(e.attributes['data-value']));
const line = (n: number, f: (i: number) => number): [number, number][] => Array.from({ length: n }, (_, i) => [i, f(i)]);

describe('lineChartSvg', () => {
  it('draws one named path per series, with its points, in distinct colours, and a legend entry for each', () => {
    const svg = chart([
      { name: 'train', points: line(30, (i) => 4 - i / 10) },
      { name: 'validation', points: [[0, 4.2], [10, 3.4], [20, 2.9]], markers: true },
    ]);
    const [root] = findAll(svg, byName('svg'));
    expect(root!.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
    const drawn = paths(svg);
    expect(drawn.map((p) => p.attributes['data-series'])).toEqual(['train', 'validation']);
    expect(drawn.map((p) => vertices(p).points.length)).toEqual([30, 3]);
    expect(drawn.map((p) => p.attributes['data-points'])).toEqual(['30', '3']);
    expect(new Set(drawn.map((p) => p.attributes.stroke)).size).toBe(2);
    expect(findAll(svg, (e) => e.attributes['data-markers'] === 'validation')[0]!.children).toHaveLength(3);
    expect(findAll(svg, (e) => e.attributes.class === 'legend-item').map(textOf)).toEqual(['train', 'validation']);
    // Decreasing losses go down the page: pixel y grows.
    const ys = vertices(drawn[0]!).points.map((p) => p[1]!);
    expect(ys.every((y, i) => i === 0 || y >= ys[i - 1]!)).toBe(true);
  });

  it('ticks a linear axis at 1, 2 or 5 times a power of ten, covering the data', () => {
    const svg = chart([{ name: 'train', points: [[0, 2.13], [300, 4.41]] }]);
    expect(tickValues(svg, 'y')).toEqual([2, 2.5, 3, 3.5, 4, 4.5]);
    expect(tickValues(svg, 'x')).toEqual([0, 50, 100, 150, 200, 250, 300]);
    expect(linearTicks(0.1, 0.3).major).toEqual([0.1, 0.15, 0.2, 0.25, 0.3]);
    // A flat series gets a range around its value.
    expect(linearTicks(5, 5).major).toEqual([4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6]);
    expect(linearTicks(-3, 17).major).toEqual([-5, 0, 5, 10, 15, 20]);
  });

  it('ticks a log axis at powers of ten only, and labels every k-th decade over many', () => {
    const svg = chart([{ name: 'RNN', points: line(40, (i) => 0.5 * 0.6 ** i) }, { name: 'LSTM', points: line(40, (i) => 0.5 * 0.97 ** i) }], { logY: true });
    const ticks = tickValues(svg, 'y');
    expect(ticks.every((v) => Number.isInteger(Math.log10(v)) && Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-12)).toBe(true);
    expect(ticks[0]).toBeLessThanOrEqual(0.5 * 0.6 ** 39);
    expect(ticks.at(-1)).toBe(1);
    const wide = logTicks(1e-30, 1);
    expect(wide.major.length).toBeLessThanOrEqual(8);
    expect(wide.major).toContain(1);
    expect(wide.major.map((v) => Math.log10(v)).every(Number.isInteger)).toBe(true);
    expect(logTicks(0.02, 0.3)).toMatchObject({ major: [0.01, 0.1, 1], min: 0.01, max: 1 });
    expect(logTicks(0.02, 0.3).minor).toHaveLength(16);
    // Nine decades: every second one is labelled; beyond 10^±3 as 10 with a superscript exponent.
    expect(findAll(svg, (e) => e.attributes.class === 'tick y').map(textOf)).toEqual(['10−10', '10−8', '10−6', '10−4', '0.01', '1']);
  });

  it('leaves gaps at null, NaN and (on a log axis) non-positive values', () => {
    const points: [number, number | null][] = [[0, 3], [1, 2.5], [2, null], [3, 2], [4, NaN], [5, 1.5], [6, 0], [7, 1]];
    const linear = vertices(paths(chart([{ name: 'train', points }]))[0]!);
    expect(linear).toMatchObject({ pieces: 3 });
    expect(linear.points).toHaveLength(6);
    const log = paths(chart([{ name: 'train', points }], { logY: true }))[0]!;
    expect(vertices(log)).toMatchObject({ pieces: 4 });
    expect(log.attributes['data-points']).toBe('5');
    const empty = chart([{ name: 'train', points: [] }, { name: 'validation', points: [[0, null]] }]);
    expect(paths(empty).map((p) => p.attributes.d)).toEqual(['', '']);
    expect(textOf(findAll(empty, byName('svg'))[0]!)).toContain('no data yet');
  });

  it('thins a series far denser than its pixels, keeping each column\'s extremes', () => {
    // One spike to 10 among values in [2, 4]: the axis runs 2 to 10.
    const points = line(20_000, (i) => (i === 12_345 ? 10 : 3 + Math.sin(i / 50)));
    const svg = chart([{ name: 'train', points }]);
    const path = paths(svg)[0]!;
    expect(path.attributes['data-points']).toBe('20000');
    const drawn = vertices(path).points;
    expect(drawn.length).toBeLessThan(4 * 720);
    const tickY = (value: number) => Number(findAll(findAll(svg, (e) => e.attributes.class === 'tick y' && e.attributes['data-value'] === String(value))[0]!, byName('line'))[0]!.attributes.y1);
    expect(Math.min(...drawn.map((p) => p[1]!))).toBe(tickY(10));
    expect(Math.max(...drawn.map((p) => p[1]!))).toBeCloseTo(tickY(2), 0);
    // A series no denser than its pixels is drawn point for point.
    expect(vertices(paths(chart([{ name: 'train', points: points.slice(0, 500) }]))[0]!).points).toHaveLength(500);
  });

  it('gives more series than the palette has colours a dash pattern, so every line differs', () => {
    const series = Array.from({ length: 10 }, (_, k) => ({ name: `unit ${k}`, points: line(5, (i) => i * k) }));
    const styles = paths(chart(series)).map((p) => `${p.attributes.stroke} ${p.attributes['stroke-dasharray'] ?? ''}`);
    expect(new Set(styles).size).toBe(10);
  });

  it('escapes <, &, and quotes in the title, labels and series names', () => {
    const nasty = `<b>"quotes" & 'apostrophes'</b>`;
    const text = lineChartSvg({ title: nasty, xLabel: 'x < 3', yLabel: 'y & z', series: [{ name: nasty, points: [[0, 1], [1, 2]] }] });
    expect(text).not.toContain('<b>');
    const svg = parseMarkup(text);
    expect(textOf(findAll(svg, (e) => e.attributes.class === 'title')[0]!)).toBe(nasty);
    expect(paths(svg)[0]!.attributes['data-series']).toBe(nasty);
    expect(findAll(svg, byName('svg'))[0]!.attributes['aria-label']).toBe(nasty);
    expect(textOf(findAll(svg, (e) => e.attributes.class === 'x-label')[0]!)).toBe('x < 3');
  });

  it('names the argument, what was expected and what came', () => {
    const base = { title: 't', xLabel: 'x', yLabel: 'y' };
    const draw = (o: object) => () => lineChartSvg({ ...base, ...o } as never);
    expect(draw({ series: [] })).toThrow(new ArgumentError('series', 'a non-empty array of { name, points }', '[]'));
    expect(draw({ series: [{ name: 'a', points: [[0, 1], [NaN, 2]] }] })).toThrow('series[0].points[1]: expected [x, y] with a finite x and a number or null y, got [NaN, 2]');
    expect(draw({ series: [{ name: 'a', points: [] }, { name: 'a', points: [] }] })).toThrow('series[1].name: expected a name no other series has, got "a"');
    expect(draw({ series: [{ name: '', points: [] }] })).toThrow('series[0].name: expected a non-empty string');
    expect(draw({ series: [{ name: 'a', points: [] }], width: 10 })).toThrow('width: expected an integer in [240, 4000], got 10');
    expect(draw({ series: [{ name: 'a', points: [] }], logY: 'yes' })).toThrow('logY: expected true or false, got "yes"');
    expect(() => lineChartSvg({ ...base, title: 3 } as never)).toThrow('title: expected a string, got 3');
  });
});
