/**
 * Live line charts on uPlot: a chart is created empty and grows one x value at a time.
 * Series without a value at some x (validation every 50 steps, say) leave a gap that the
 * line spans, so sparse and dense series share one x axis.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface SeriesSpec {
  label: string;
  color: string;
  /** Dots at each value: for sparse series, whose points matter more than the line. */
  points?: boolean;
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
      scales: { x: { time: false }, ...(spec.yRange ? { y: { range: spec.yRange } } : {}) },
      axes: [{ label: spec.x }, { label: spec.y, size: 56 }],
      series: [
        { label: spec.x },
        ...spec.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          spanGaps: true,
          points: { show: s.points ?? false, size: 5, fill: s.color },
          value: (_: uPlot, v: number | null) => (v === null || v === undefined ? '–' : v.toFixed(3)),
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
