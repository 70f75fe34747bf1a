/**
 * The report `analyze` writes: one self-contained HTML page (no scripts, nothing fetched)
 * with what was analysed, the units that follow a feature of the text (a table, the best
 * unit per feature, the text coloured by the best few), the gradient-flow chart of the
 * trained and the freshly initialised model, and the run's loss curve; with --svg, the
 * chart and each heatmap also as SVG files beside it. Each file is written to a .partial
 * file and renamed, the HTML last, so a reader never sees half of one.
 */
import { lineChartSvg, SERIES_COLORS, type ChartSeries } from '../report/line-chart.js';
import { activationHeatmapHtml } from '../report/heatmap.js';
import { activationHeatmapSvg } from '../report/heatmap-svg.js';
import { htmlPage, keyValueTableHtml, type PageSection } from '../report/page.js';
import { escapeMarkup } from '../report/markup.js';
import type { UnitMatch } from '../analysis/unit-features.js';
import type { CharLanguageModelCheckpoint } from '../models/char-lm-checkpoint.js';
import type { AnalysisText } from './analysis-text.js';
import { lossChartSvg } from './loss-report.js';
import { writeAtomically } from './run-checkpoint.js';

/** A unit's match with a feature, with where the unit is and its activation over the text. */
export interface UnitFinding extends UnitMatch {
  layer: number;
  /** h, or tanh(c) of an LSTM's cell state (bounded like h, as Karpathy et al. show it). */
  kind: 'h' | 'tanh(c)';
  values: Float32Array;
}

/** ‖∂L/∂h‖ of one layer by steps back (index k: k steps before the last input character). */
export interface FlowCurve {
  layer: number;
  trained: Float64Array;
  initial: Float64Array;
}

export interface AnalysisReport {
  checkpoint: CharLanguageModelCheckpoint;
  checkpointFile: string;
  text: AnalysisText;
  findings: UnitFinding[];
  topUnits: UnitFinding[];
  /** Features constant over the text (no quotes in it, say), left out of the search. */
  absentFeatures: string[];
  flow: FlowCurve[];
  windows: number;
  stepsBack: number;
  svg: boolean;
}

/** Rows of the table of best matches. */
const TABLE_ROWS = 20;

/** One line of stdout: `layer 0 tanh(c) unit 37: inside quotes r=0.62 (chance 0.21)`. */
export function formatFinding(f: UnitFinding): string {
  return `layer ${f.layer} ${f.kind} unit ${f.unit}: ${f.feature} r=${f.correlation.toFixed(2)} (chance ${f.chance.toFixed(2)})`;
}

const unitTitle = (f: UnitFinding) => `layer ${f.layer} ${f.kind} unit ${f.unit}: ${f.feature} (r = ${f.correlation.toFixed(3)}, chance ${f.chance.toFixed(3)})`;

/** Values for the colour map: as they are in [−1, 1] (h, tanh(c)); an unbounded unit (relu) scaled by its largest |value|. */
function heatmapValues(values: Float32Array): Float32Array {
  const finite = values.map((v) => (Number.isFinite(v) ? v : 0));
  const largest = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return largest > 1 ? finite.map((v) => v / largest) : finite;
}

export function gradientFlowChartSvg({ flow, windows }: Pick<AnalysisReport, 'flow' | 'windows'>): string {
  const points = (norms: Float64Array): [number, number][] => Array.from(norms, (norm, back) => [back, norm]);
  const series: ChartSeries[] = flow.flatMap(({ layer, trained, initial }) => {
    const color = SERIES_COLORS[layer % SERIES_COLORS.length];
    return [
      { name: `trained, layer ${layer}`, points: points(trained), color },
      { name: `initial, layer ${layer}`, points: points(initial), color, dashed: true },
    ];
  });
  return lineChartSvg({ title: `‖∂L/∂h_t‖ for the last character's loss (${windows} windows)`, xLabel: 'steps back from the last character', yLabel: '‖∂L/∂h_t‖ (log scale)', series, logY: true });
}

function tableHtml(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (tag: string, value: string | number) => `<${tag}>${escapeMarkup(typeof value === 'number' ? value.toFixed(3) : value)}</${tag}>`;
  const head = `<tr>${headers.map((h) => cell('th', h)).join('')}</tr>`;
  return `<table class="key-value"><thead>${head}</thead><tbody>${rows.map((row) => `<tr>${row.map((v) => cell('td', v)).join('')}</tr>`).join('')}</tbody></table>\n`;
}

const paragraph = (text: string) => `<p>${escapeMarkup(text)}</p>\n`;

function findingRows(findings: readonly UnitFinding[]): (string | number)[][] {
  return findings.map((f) => [String(f.layer), f.kind, String(f.unit), f.feature, f.correlation, f.chance]);
}

function summaryRows({ checkpoint, checkpointFile, text, windows, stepsBack }: AnalysisReport): [string, string][] {
  const m = checkpoint.model;
  return [
    ['checkpoint', `${checkpointFile} (step ${checkpoint.step})`],
    ['corpus', checkpoint.corpus.name],
    ['model', `${m.numLayers}-layer ${m.cell.toUpperCase()} ${m.hiddenSize}, embedding ${m.embeddingDim}, vocabulary ${m.vocabularySize}`],
    ['analysis text', `${Array.from(text.text).length} characters of ${text.source}`],
    ['gradient probes', `${windows} windows of ${stepsBack + 2} characters`],
    ...text.notes.map((note): [string, string] => ['note', note]),
  ];
}

function unitSections(report: AnalysisReport): PageSection[] {
  const { findings, topUnits, absentFeatures, text } = report;
  const absent = absentFeatures.length > 0 ? paragraph(`Not searched, constant over this text: ${absentFeatures.join(', ')}.`) : '';
  if (findings.length === 0) return [{ heading: 'Interpretable cells', html: paragraph('Every feature is constant over this text, so no unit was searched; try a longer or more varied text (--chars, --text).') }];
  const features = [...new Set(findings.map((f) => f.feature))];
  const bestPerFeature = features.map((feature) => findings.find((f) => f.feature === feature)!);
  const headers = ['layer', 'kind', 'unit', 'feature', 'r', 'chance'];
  const explained = paragraph(
    "r is Pearson's correlation of a unit's activation with a feature of the text, character by character. Chance is the largest |r| any unit of the same layer and kind reaches " +
      'with that feature shifted along the text, out of alignment with it: a unit whose |r| is well above chance follows the feature. Ranked by |r| − chance.',
  );
  const heatmaps = topUnits.map((f) => activationHeatmapHtml({ text: text.text, values: heatmapValues(f.values), title: unitTitle(f) })).join('');
  return [
    { heading: 'Interpretable cells', html: explained + tableHtml(headers, findingRows(findings.slice(0, TABLE_ROWS))) + absent },
    { heading: 'The best unit for each feature', html: tableHtml(headers, findingRows(bestPerFeature)) },
    { heading: `The text coloured by the ${topUnits.length} best units (blue −1, white 0, red +1)`, html: heatmaps },
  ];
}

function flowSection(report: AnalysisReport, chart: string): PageSection {
  const { flow, stepsBack } = report;
  const ratio = (norms: Float64Array) => (norms[0]! > 0 ? (norms[stepsBack]! / norms[0]!).toExponential(2) : 'n/a');
  const rows = flow.map((c): [string, string] => [`layer ${c.layer}`, `trained ${ratio(c.trained)}, initial ${ratio(c.initial)}`]);
  return {
    heading: 'Gradient flow back through time',
    html:
      paragraph(
        `The norm of ∂L/∂h_t, the gradient of the last character's loss with respect to each earlier hidden state, from the engine's own backward pass: solid for the trained model, ` +
          'dashed for the same configuration freshly initialised (the weights this run started from). A line that falls by orders of magnitude is a gradient that vanishes.',
      ) +
      chart +
      paragraph(`‖∂L/∂h‖ ${stepsBack} steps back divided by its value at the last character:`) +
      keyValueTableHtml(rows),
  };
}

/** A loss curve when the checkpoint's history has one (a checkpoint from elsewhere may not). */
function lossSection({ checkpoint }: AnalysisReport): PageSection[] {
  const h = checkpoint.history as Partial<CharLanguageModelCheckpoint['history']> | undefined;
  const usable = h && Array.isArray(h.losses) && Array.isArray(h.validation) && typeof h.unigramBitsPerCharacter === 'number' && h.losses.length + h.validation.length > 0;
  return usable ? [{ heading: 'Loss curve of the run', html: lossChartSvg({ history: checkpoint.history, corpus: checkpoint.corpus.name }) }] : [];
}

export function analysisReportHtml(report: AnalysisReport, chart = gradientFlowChartSvg(report)): string {
  return htmlPage({
    title: `webgpu-rnn analyze: ${report.checkpoint.corpus.name}, step ${report.checkpoint.step}`,
    sections: [{ html: keyValueTableHtml(summaryRows(report)) }, ...unitSections(report), flowSection(report, chart), ...lossSection(report)],
  });
}

/** Writes the report to `out` (and, with `svg`, the SVG files beside it); returns the paths, the HTML last. */
export function writeAnalysisReport(out: string, report: AnalysisReport): string[] {
  const chart = gradientFlowChartSvg(report);
  const written: string[] = [];
  if (report.svg) {
    const stem = out.replace(/\.html?$/i, '');
    const files: [string, string][] = [[`${stem}-gradient-flow.svg`, chart]];
    report.topUnits.forEach((f, i) => files.push([`${stem}-unit-${i + 1}.svg`, activationHeatmapSvg({ text: report.text.text, values: heatmapValues(f.values), title: unitTitle(f) })]));
    for (const [path, svg] of files) {
      writeAtomically(path, svg);
      written.push(path);
    }
  }
  writeAtomically(out, analysisReportHtml(report, chart));
  written.push(out);
  return written;
}
