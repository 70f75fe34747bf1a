/**
 * What the gradients page shows: ‖∂L/∂h‖ against steps back on a log axis (each cell at
 * initialisation, dashed, and trained, solid), the training loss of each cell, and a table
 * of the fraction of the gradient that survives 10, 25 and 50 steps back.
 */
import { LiveChart } from '../shared/charts.js';

/** One cell's measurements; norms are indexed by steps back (0: the step of the loss). */
export interface CellRun {
  label: string;
  initial: number[] | null;
  trained: number[] | null;
  /** Training loss in bits per character, one per step. */
  losses: number[];
}

/** A whole run: the settings it had and the cells measured so far. */
export interface FlowRun {
  clip: number | null;
  steps: number;
  trainSteps: number;
  cells: CellRun[];
}

/** One colour per cell, shared by its dashed and solid lines and its loss curve. */
export const CELL_COLORS = ['#d1242f', '#bf8700', '#0b62d6', '#1a7f37'];
/** Steps back at which the table reports the surviving fraction. */
export const TABLE_STEPS_BACK = [10, 25, 50];

const fraction = (value: number) => (Number.isFinite(value) ? value.toExponential(1) : '–');

export class FlowView {
  readonly flow: LiveChart;
  readonly loss: LiveChart;
  /** The last run with clipping and the last without, for the table. */
  private readonly kept = new Map<string, FlowRun>();

  constructor(labels: readonly string[]) {
    const color = (i: number) => CELL_COLORS[i % CELL_COLORS.length]!;
    this.flow = new LiveChart(document.getElementById('chart-flow')!, {
      title: '‖∂L/∂hₜ‖ for the last character\'s loss (dashed: at initialisation, solid: trained)',
      x: 'steps back from the loss',
      y: '‖∂L/∂h‖ (log)',
      logY: true,
      height: 320,
      series: [...labels.map((label, i) => ({ label: `${label}, init`, color: color(i), dash: [6, 4] })), ...labels.map((label, i) => ({ label: `${label}, trained`, color: color(i) }))],
    });
    // A log axis: a relu RNN's loss can explode by orders of magnitude before it recovers.
    this.loss = new LiveChart(document.getElementById('chart-loss')!, { title: 'Training loss', x: 'step', y: 'bits / char (log)', logY: true, series: labels.map((label, i) => ({ label, color: color(i) })) });
    window.demo.charts.flow = this.flow.plot;
    window.demo.charts.loss = this.loss.plot;
  }

  /** Redraws both charts from the run (cells not yet measured leave their lines empty). */
  show(run: FlowRun): void {
    const positive = (v: number | undefined) => (v !== undefined && Number.isFinite(v) && v > 0 ? v : null);
    const back = Array.from({ length: run.steps }, (_, k) => k);
    const line = (norms: number[] | null) => back.map((k) => positive(norms?.[k]));
    this.flow.set(back, [...run.cells.map((c) => line(c.initial)), ...run.cells.map((c) => line(c.trained))]);
    const steps = Math.max(0, ...run.cells.map((c) => c.losses.length));
    const x = Array.from({ length: steps }, (_, i) => i + 1);
    this.loss.set(x, run.cells.map((c) => x.map((_, i) => c.losses[i] ?? null)));
  }

  /** Adds a finished run to the table, replacing the last one with the same clipping. */
  keep(run: FlowRun): void {
    this.kept.set(String(run.clip), run);
    const table = document.getElementById('surviving')!;
    const head = ['cell', 'clip', 'when', ...TABLE_STEPS_BACK.map((k) => `${k} back`), 'loss (bits/char)'];
    const row = (cells: string[], tag = 'td') => {
      const tr = document.createElement('tr');
      // The figures (from the fourth column) keep to one line.
      cells.forEach((text, i) => tr.append(Object.assign(document.createElement(tag), { textContent: text, className: i >= 3 ? 'number' : '' })));
      return tr;
    };
    const rows = [...this.kept.values()].flatMap((r) =>
      r.cells.flatMap((c) => {
        // Norms are by steps back here, so the library's survivingFraction is norms[k] / norms[0].
        const ratios = (norms: number[] | null) => TABLE_STEPS_BACK.map((k) => (norms && k < norms.length ? fraction(norms[k]! / norms[0]!) : '–'));
        const late = c.losses.slice(-10);
        const loss = late.length ? (late.reduce((a, b) => a + b, 0) / late.length).toFixed(2) : '–';
        const clip = r.clip === null ? 'off' : String(r.clip);
        return [row([c.label, clip, 'init', ...ratios(c.initial), c.losses[0]?.toFixed(2) ?? '–']), row([c.label, clip, 'trained', ...ratios(c.trained), loss])];
      }),
    );
    const trained = [...new Set([...this.kept.values()].map((r) => r.cells[0]?.losses.length ?? 0))].join(' or ');
    const caption = Object.assign(document.createElement('caption'), { textContent: `Surviving fraction of the gradient k steps back, at init and after ${trained} training steps; loss at the first step and over the last 10` });
    table.replaceChildren(caption, row(head, 'th'), ...rows);
  }
}
