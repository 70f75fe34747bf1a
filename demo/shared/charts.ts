/**
 * Live line charts on uPlot: a chart is created empty and grows one x value at a time.
 * Series without a value at some x (validation every 50 steps, say) leave a gap that the
 * line spans, so sparse and dense series share one x axis. A chart can also be set whole
 * (`set`), on a log y axis (`logY`), with dashed series (`dash`).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface SeriesSpec {
  label: string;
  color: string;
  /** Dots at each value: for sparse series, whose points matter more than the line. */
  points?: boolean;
  /** Dash pattern in CSS pixels ([6, 4]); solid when absent. */
  dash?: number[];
}

export interface ChartSpec {
  title: string;
  x: string;
  y: string;
  series: SeriesSpec[];
  /** A fixed y range (accuracy in [0, 1]); otherwise it follows the data. */
  yRange?: [number, number];
  /** Height of the plot area in CSS pixels (default 220). */
  height?: number;
  /** A log-10 y axis (values must be positive; others leave gaps). */
  logY?: boolean;
}

/**
 * Ticks of a log axis: powers of ten, every few decades where there are many (uPlot puts one
 * at each, which crowds a range of twenty), with 2 and 5 between them where there are few.
 */
function logSplits(_: uPlot, _axis: number, min: number, max: number): number[] {
  const [low, high] = [Math.floor(Math.log10(min)), Math.ceil(Math.log10(max))];
  const every = Math.max(1, Math.ceil((high - low) / 8));
  const splits: number[] = [];
  for (let e = Math.ceil(low / every) * every; e <= high; e += every) {
    for (const m of high - low <= 2 ? [1, 2, 5] : [1]) {
      const v = m * 10 ** e;
      if (v >= min * 0.999 && v <= max * 1.001) splits.push(v);
    }
  }
  return splits;
}

/** Tick labels of a log axis: 0.01 to 100 as they are, the rest as 1e-7 (uPlot's own round them to 0). */
function logTicks(_: uPlot, splits: number[]): string[] {
  return splits.map((v) => (v === null || v === undefined ? '' : v >= 0.01 && v <= 100 ? String(Number(v.toPrecision(3))) : v.toExponential(0).replace('e+', 'e')));
}

export class LiveChart {
  readonly plot: uPlot;
  private readonly columns: (number | null)[][];
  private pending = false;

  constructor(readonly container: HTMLElement, spec: ChartSpec) {
    this.columns = [[], ...spec.series.map(() => [])];
    const width = Math.max(280, container.clientWidth || 480);
    const opts: uPlot.Options = {
      title: spec.title,
      width,
      height: spec.height ?? 220,
      scales: { x: { time: false }, ...(spec.logY ? { y: { distr: 3 } } : spec.yRange ? { y: { range: spec.yRange } } : {}) },
      axes: [{ label: spec.x }, { label: spec.y, size: 56, ...(spec.logY ? { splits: logSplits, values: logTicks } : {}) }],
      series: [
        { label: spec.x },
        ...spec.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          spanGaps: true,
          points: { show: s.points ?? false, size: 5, fill: s.color },
          ...(s.dash ? { dash: s.dash } : {}),
          // Values that span orders of magnitude read better in exponent form.
          value: (_: uPlot, v: number | null) => (v === null || v === undefined ? '–' : spec.logY ? v.toExponential(2) : v.toFixed(3)),
        })),
      ],
    };
    this.plot = new uPlot(opts, this.columns as uPlot.AlignedData, container);
    // Charts follow their column's width (the page is fluid up to its max width).
    new ResizeObserver(() => {
      const w = container.clientWidth;
      if (w > 0 && Math.abs(w - this.plot.width) > 4) this.plot.setSize({ width: w, height: this.plot.height });
    }).observe(container);
  }

  /** Adds values at x (one per series, null where a series has none); x must grow. */
  add(x: number, values: (number | null)[]): void {
    const last = this.columns[0]!.length - 1;
    if (last >= 0 && this.columns[0]![last] === x) {
      // A second value at the same x (validation after the step's training loss) fills in.
      values.forEach((v, i) => v !== null && (this.columns[i + 1]![last] = v));
    } else {
      this.columns[0]!.push(x);
      values.forEach((v, i) => this.columns[i + 1]!.push(v));
    }
    this.redrawSoon();
  }

  /** Replaces every point: `x` ascending, one column per series (null where it has no value). */
  set(x: readonly number[], series: readonly (readonly (number | null)[])[]): void {
    this.columns[0] = [...x];
    series.forEach((values, i) => (this.columns[i + 1] = [...values]));
    this.redrawSoon();
  }

  /** Removes every point (a new model starts a new curve). */
  clear(): void {
    for (const column of this.columns) column.length = 0;
    this.plot.setData(this.columns as uPlot.AlignedData);
  }

  /** At most one redraw a frame: training can post many points between two frames. */
  private redrawSoon(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.plot.setData(this.columns as uPlot.AlignedData);
    });
  }
}
