/**
 * The run's loss curve beside metrics.jsonl: loss.svg (train and validation bits/char
 * against step, with the unigram baseline) and loss.html (that chart, the run's latest
 * figures and its options). The trainer rewrites both at each validation and at the end.
 * They are drawn from the run's history, the same numbers metrics.jsonl logs, which a
 * resumed run carries from step 0, so the curve covers the whole run even when it resumes
 * into another --checkpoint-dir. Each file is written to a .partial file and renamed, so
 * a reader never sees half of one.
 */
import { join } from 'node:path';
import { lineChartSvg } from '../report/line-chart.js';
import { htmlPage, keyValueTableHtml } from '../report/page.js';
import { formatNumber } from '../report/markup.js';
import type { TrainOptions } from './options.js';
import { writeAtomically, type TrainHistory } from './run-checkpoint.js';

export const LOSS_SVG = 'loss.svg';
export const LOSS_HTML = 'loss.html';

export interface LossReport {
  /** Losses of every step from step 1 and every validation, as a checkpoint holds them. */
  history: TrainHistory;
  /** The effective options (a resumed run's come from its checkpoint). */
  options: TrainOptions;
  /** The corpus's name, for the title. */
  corpus: string;
}

/** Steps averaged for the "recent training loss" figure: one step's loss is noisy. */
const RECENT_STEPS = 20;

export function lossChartSvg({ history, corpus }: Pick<LossReport, 'history' | 'corpus'>): string {
  // A skipped step's loss is NaN in memory and null in a checkpoint's JSON: a gap either way.
  const train = history.losses.map((nats, i): [number, number | null] => [i + 1, nats === null || !Number.isFinite(nats) ? null : nats / Math.LN2]);
  const lastStep = Math.max(history.losses.length, history.validation.at(-1)?.step ?? 0);
  return lineChartSvg({
    title: `Loss on ${corpus}`,
    xLabel: 'step',
    yLabel: 'bits per character',
    series: [
      { name: 'train', points: train },
      { name: 'validation', points: history.validation.map((v): [number, number] => [v.step, v.bitsPerCharacter]), markers: true },
      { name: 'unigram baseline', points: [[0, history.unigramBitsPerCharacter], [lastStep, history.unigramBitsPerCharacter]], color: '#999999', dashed: true },
    ],
  });
}

/** Each option as its command-line flag and value. */
function optionRows(options: TrainOptions): [string, string | number | boolean][] {
  return Object.entries(options).map(([name, value]) => {
    const flag = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (value === null) return [flag, 'none'];
    if (typeof value === 'object') return [flag, `${value.hidden},${value.cell}`];
    return [flag, value];
  });
}

function figureRows({ history, options, corpus }: LossReport): [string, string][] {
  const bits = (v: number) => `${formatNumber(v, 4)} bits/char`;
  const window = history.losses.slice(-RECENT_STEPS);
  const recent = window.filter((v) => v !== null && Number.isFinite(v));
  const skipped = window.length - recent.length;
  const latest = history.validation.at(-1);
  const best = history.validation.reduce<TrainHistory['validation'][number] | undefined>((a, v) => (a === undefined || v.bitsPerCharacter < a.bitsPerCharacter ? v : a), undefined);
  return [
    ['corpus', corpus],
    ['steps', `${history.losses.length} of ${options.steps}`],
    ['training loss', recent.length > 0 ? `${bits(recent.reduce((a, b) => a + b, 0) / recent.length / Math.LN2)} (mean of the last ${window.length} steps${skipped > 0 ? `, ${skipped} skipped` : ''})` : 'none yet'],
    ['latest validation', latest ? `${bits(latest.bitsPerCharacter)} at step ${latest.step}` : 'none yet'],
    ['best validation', best ? `${bits(best.bitsPerCharacter)} at step ${best.step}` : 'none yet'],
    ['unigram baseline', bits(history.unigramBitsPerCharacter)],
  ];
}

export function lossReportHtml(report: LossReport, chart = lossChartSvg(report)): string {
  return htmlPage({
    title: `webgpu-rnn train: ${report.corpus}, step ${report.history.losses.length} of ${report.options.steps}`,
    sections: [
      { html: chart },
      { heading: 'Figures', html: keyValueTableHtml(figureRows(report)) },
      { heading: 'Options', html: keyValueTableHtml(optionRows(report.options)) },
    ],
  });
}

/** Writes loss.svg and loss.html into `directory`, each whole or not at all. */
export function writeLossReport(directory: string, report: LossReport): void {
  const chart = lossChartSvg(report);
  writeAtomically(join(directory, LOSS_SVG), chart);
  writeAtomically(join(directory, LOSS_HTML), lossReportHtml(report, chart));
}
