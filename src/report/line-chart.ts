/**
 * A line chart as a standalone SVG string: title, legend, axes with nice ticks (powers of
 * ten on a log y axis), one <path data-series="name"> per series. No DOM, so it runs in
 * Node and in browsers alike; the training loss curve and the gradient-flow plot
 * (‖∂L/∂h_t‖ against t, one line per cell type, log y) are both drawn with it.
 */
import { ArgumentError, checkBoolean, checkInteger, describe } from '../errors.js';
import { escapeMarkup, formatNumber } from './markup.js';
import { linearTicks, logTicks, type AxisTicks } from './ticks.js';

export interface ChartSeries {
  name: string;
  /** [x, y] pairs in drawing order; a null or non-finite y (on a log axis, y ≤ 0 too) leaves a gap. */
  points: ReadonlyArray<readonly [number, number | null]>;
  /** A CSS colour; by default the next of a colour-blind-safe palette. */
  color?: string;
  /** A dashed line, e.g. for a reference level or a variant of another series. */
  dashed?: boolean;
  /** A dot at each point, for sparse series (validations). */
  markers?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly ChartSeries[];
  logY?: boolean;
  /** Pixels; defaults 720 × 400. */
  width?: number;
  height?: number;
}

/** Okabe and Ito's palette, yellow last (it is faint on white). */
export const SERIES_COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#f0e442'] as const;

const FONT = 12;
/** Rough width of a label character at FONT pixels, for laying out the legend without measuring text. */
const CHARACTER_WIDTH = 7;
const MARGIN = { left: 68, right: 20, bottom: 46, title: 30 };

type Point = readonly [number, number];

function checkSeries(series: unknown): readonly ChartSeries[] {
  if (!Array.isArray(series) || series.length === 0) throw new ArgumentError('series', 'a non-empty array of { name, points }', describe(series));
  const names = new Set<string>();
  series.forEach((s: Partial<ChartSeries> | null, i) => {
    if (s === null || typeof s !== 'object') throw new ArgumentError(`series[${i}]`, 'an object { name, points }', describe(s));
    if (typeof s.name !== 'string' || s.name === '') throw new ArgumentError(`series[${i}].name`, 'a non-empty string', describe(s.name));
    if (names.has(s.name)) throw new ArgumentError(`series[${i}].name`, 'a name no other series has', JSON.stringify(s.name));
    names.add(s.name);
    if (!Array.isArray(s.points)) throw new ArgumentError(`series[${i}].points`, 'an array of [x, y] pairs', describe(s.points));
    s.points.forEach((p: unknown, j) => {
      const ok = Array.isArray(p) && p.length === 2 && typeof p[0] === 'number' && Number.isFinite(p[0]) && (p[1] === null || typeof p[1] === 'number');
      if (!ok) throw new ArgumentError(`series[${i}].points[${j}]`, '[x, y] with a finite x and a number or null y', describe(p));
    });
    if (s.color !== undefined && typeof s.color !== 'string') throw new ArgumentError(`series[${i}].color`, 'a CSS colour string', describe(s.color));
    if (s.dashed !== undefined) checkBoolean(`series[${i}].dashed`, s.dashed);
    if (s.markers !== undefined) checkBoolean(`series[${i}].markers`, s.markers);
  });
  return series as readonly ChartSeries[];
}

function checkText(argument: string, value: unknown): string {
  if (typeof value !== 'string') throw new ArgumentError(argument, 'a string', describe(value));
  return value;
}

/** The runs of drawable points of a series, split at gaps. */
function segments(points: ChartSeries['points'], logY: boolean): Point[][] {
  const runs: Point[][] = [[]];
  for (const [x, y] of points) {
    if (y !== null && Number.isFinite(y) && (!logY || y > 0)) runs.at(-1)!.push([x, y]);
    else if (runs.at(-1)!.length > 0) runs.push([]);
  }
  return runs.filter((run) => run.length > 0);
}

/**
 * Thins a run far denser than the pixels it covers (a long run's per-step loss) to the
 * first, lowest, highest and last point of each pixel column, which draws the same picture.
 */
function thin(run: Point[], toPixel: (x: number) => number, plotWidth: number): Point[] {
  if (run.length <= 4 * plotWidth) return run;
  const kept: Point[] = [];
  let column: Point[] = [];
  const flush = () => {
    if (column.length === 0) return;
    const low = column.reduce((a, b) => (b[1] < a[1] ? b : a));
    const high = column.reduce((a, b) => (b[1] > a[1] ? b : a));
    const picked = new Set([column[0]!, low, high, column.at(-1)!]);
    kept.push(...column.filter((p) => picked.has(p)));
    column = [];
  };
  let current = NaN;
  for (const point of run) {
    const pixel = Math.floor(toPixel(point[0]));
    if (pixel !== current) flush();
    current = pixel;
    column.push(point);
  }
  flush();
  return kept;
}

/** Legend items laid out left to right, wrapping into rows that fit `width`. */
function legendLayout(names: readonly string[], width: number): { x: number; row: number }[] {
  let x = 0;
  let row = 0;
  return names.map((name) => {
    const itemWidth = 30 + name.length * CHARACTER_WIDTH + 18;
    if (x > 0 && x + itemWidth > width) {
      x = 0;
      row++;
    }
    const at = { x, row };
    x += itemWidth;
    return at;
  });
}

/** A log-axis label: 0.01 to 1000 as plain numbers, beyond as 10 with a superscript exponent. */
function logLabel(value: number): string {
  const exponent = Math.round(Math.log10(value));
  if (exponent >= -2 && exponent <= 3) return formatNumber(value, 6);
  return `10<tspan dy="-0.45em" font-size="${FONT - 3}">${String(exponent).replace('-', '−')}</tspan>`;
}

const fixed = (v: number) => v.toFixed(1);

export function lineChartSvg(options: LineChartOptions): string {
  if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an object { title, xLabel, yLabel, series }', describe(options));
  const title = checkText('title', options.title);
  const xLabel = checkText('xLabel', options.xLabel);
  const yLabel = checkText('yLabel', options.yLabel);
  const series = checkSeries(options.series);
  const logY = options.logY === undefined ? false : checkBoolean('logY', options.logY);
  const width = options.width === undefined ? 720 : checkInteger('width', options.width, 240, 4000);
  const height = options.height === undefined ? 400 : checkInteger('height', options.height, 160, 4000);

  const legend = legendLayout(series.map((s) => s.name), width - MARGIN.left - MARGIN.right);
  const legendRows = legend.length === 0 ? 0 : legend.at(-1)!.row + 1;
  const top = MARGIN.title + legendRows * 18 + 8;
  const [left, right, bottom] = [MARGIN.left, width - MARGIN.right, height - MARGIN.bottom];
  if (bottom - top < 40) throw new ArgumentError('height', `at least ${top + 40 + MARGIN.bottom} pixels for ${series.length} series' legend`, String(height));

  const runs = series.map((s) => segments(s.points, logY));
  const drawn = runs.flat(2);
  // Loops, not Math.min(...xs): spreading a long run's points would overflow the stack.
  const [xLow, xHigh, yLow, yHigh] = drawn.reduce(([a, b, c, d], [x, y]) => [Math.min(a, x), Math.max(b, x), Math.min(c, y), Math.max(d, y)], [Infinity, -Infinity, Infinity, -Infinity]);
  const empty = drawn.length === 0;
  const xTicks: AxisTicks = empty ? linearTicks(0, 1) : linearTicks(xLow, xHigh, Math.max(3, Math.floor((right - left) / 90)));
  const yTicks: AxisTicks = empty ? (logY ? logTicks(1, 10) : linearTicks(0, 1)) : logY ? logTicks(yLow, yHigh) : linearTicks(yLow, yHigh);
  const toX = (x: number) => left + ((x - xTicks.min) / (xTicks.max - xTicks.min)) * (right - left);
  const scaleY = logY ? Math.log10 : (y: number) => y;
  const toY = (y: number) => bottom - ((scaleY(y) - scaleY(yTicks.min)) / (scaleY(yTicks.max) - scaleY(yTicks.min))) * (bottom - top);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="${FONT}" role="img" aria-label="${escapeMarkup(title)}">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text class="title" x="${width / 2}" y="20" text-anchor="middle" font-size="${FONT + 3}" font-weight="bold">${escapeMarkup(title)}</text>`);

  // Grid and tick labels; each tick carries its value, for readers and tests.
  for (const value of yTicks.minor) out.push(`<line class="minor" x1="${left}" x2="${right}" y1="${fixed(toY(value))}" y2="${fixed(toY(value))}" stroke="#f0f0f0"/>`);
  for (const value of yTicks.major) {
    const y = fixed(toY(value));
    out.push(`<g class="tick y" data-value="${value}"><line x1="${left}" x2="${right}" y1="${y}" y2="${y}" stroke="#dddddd"/><text x="${left - 6}" y="${y}" dy="0.32em" text-anchor="end">${logY ? logLabel(value) : formatNumber(value, 6)}</text></g>`);
  }
  for (const value of xTicks.major) {
    const x = fixed(toX(value));
    out.push(`<g class="tick x" data-value="${value}"><line x1="${x}" x2="${x}" y1="${top}" y2="${bottom}" stroke="#eeeeee"/><text x="${x}" y="${bottom + 16}" text-anchor="middle">${formatNumber(value, 6)}</text></g>`);
  }
  out.push(`<line class="axis" x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#444444"/><line class="axis" x1="${left}" x2="${left}" y1="${top}" y2="${bottom}" stroke="#444444"/>`);
  out.push(`<text class="x-label" x="${(left + right) / 2}" y="${height - 8}" text-anchor="middle">${escapeMarkup(xLabel)}</text>`);
  out.push(`<text class="y-label" transform="translate(16 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeMarkup(yLabel)}</text>`);
  if (empty) out.push(`<text x="${(left + right) / 2}" y="${(top + bottom) / 2}" text-anchor="middle" fill="#888888">no data yet</text>`);

  series.forEach((s, i) => {
    // Beyond the palette, colours repeat with a dash pattern, so every series still differs.
    const color = escapeMarkup(s.color ?? SERIES_COLORS[i % SERIES_COLORS.length]!);
    const dash = s.dashed || i >= SERIES_COLORS.length ? ' stroke-dasharray="6 4"' : '';
    const name = escapeMarkup(s.name);
    const d = runs[i]!.map((run) => thin(run, toX, right - left).map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${fixed(toX(x))} ${fixed(toY(y))}`).join('')).join('');
    const count = runs[i]!.reduce((n, run) => n + run.length, 0);
    out.push(`<path data-series="${name}" data-points="${count}" d="${d}" fill="none" stroke="${color}" stroke-width="1.6" stroke-linejoin="round"${dash}/>`);
    if (s.markers) {
      const dots = runs[i]!.flat().map(([x, y]) => `<circle cx="${fixed(toX(x))}" cy="${fixed(toY(y))}" r="2.5"/>`);
      out.push(`<g class="markers" data-markers="${name}" fill="${color}">${dots.join('')}</g>`);
    }
    const at = legend[i]!;
    const [lx, ly] = [left + at.x, MARGIN.title + at.row * 18 + 6];
    out.push(`<g class="legend-item"><line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2.5"${dash}/><text x="${lx + 30}" y="${ly}" dy="0.32em">${name}</text></g>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
