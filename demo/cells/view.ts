/**
 * What the cells page shows: the training loss, the ranked units (best first) and the best
 * unit per feature as clickable tables, the unit picker, and the text coloured by the
 * selected unit (the library's activationHeatmapHtml).
 */
import { activationHeatmapHtml } from '../../src/index.js';
import { LiveChart } from '../shared/charts.js';
import { writeValue } from '../shared/fields.js';
import { bestMatch, bestPerFeature, heatmapValues, sameUnit, type CellAnalysis, type Finding, type UnitRef } from './analysis.js';

/** Rows of the ranking table. */
export const RANKING_ROWS = 20;
const HEADERS = ['layer', 'kind', 'unit', 'feature', 'r', 'chance'];

export class CellsView {
  readonly loss: LiveChart;

  constructor(private readonly onSelect: (ref: UnitRef) => void) {
    this.loss = new LiveChart(document.getElementById('chart-loss')!, { title: 'Training loss', x: 'step', y: 'bits / char', series: [{ label: 'train', color: '#0b62d6' }], height: 160 });
    window.demo.charts.loss = this.loss.plot;
  }

  /** A loss curve as a whole (a loaded checkpoint's history; NaN where it has none). */
  showLosses(bits: readonly number[]): void {
    const x = bits.map((_, i) => i + 1);
    this.loss.set(x, [bits.map((v) => (Number.isFinite(v) ? v : null))]);
  }

  /** Empties the tables and the heatmap (a new model is coming). */
  clear(): void {
    this.loss.clear();
    for (const id of ['ranking', 'best', 'heatmap']) document.getElementById(id)!.replaceChildren();
  }

  showAnalysis(analysis: CellAnalysis): void {
    const absent = analysis.absent.length ? `; not searched, constant over this text: ${analysis.absent.join(', ')}` : '';
    this.table('ranking', `The ${RANKING_ROWS} best matches of ${analysis.findings.length}${absent}`, analysis.findings.slice(0, RANKING_ROWS));
    this.table('best', 'The best unit for each feature', bestPerFeature(analysis.findings));
    const layer = document.getElementById('layer') as HTMLInputElement;
    layer.max = String(analysis.layers - 1);
    (document.getElementById('unit') as HTMLInputElement).max = String(analysis.hidden - 1);
    // tanh(c) only where the cell has a cell state (LSTM).
    (document.querySelector('#kind option[value="tanh(c)"]') as HTMLOptionElement).disabled = !analysis.kinds.includes('tanh(c)');
  }

  /** Shows `ref` in the picker, marks its rows and colours the text by it. */
  select(analysis: CellAnalysis, ref: UnitRef): void {
    writeValue('layer', ref.layer);
    writeValue('kind', ref.kind);
    writeValue('unit', ref.unit);
    for (const row of Array.from(document.querySelectorAll<HTMLTableRowElement>('table.units tr[data-unit]'))) row.classList.toggle('selected', sameUnit(unitOf(row), ref));
    const match = bestMatch(analysis, ref);
    const title = `layer ${ref.layer} · ${ref.kind} · unit ${ref.unit}` + (match ? ` — best match: ${match.feature}, r = ${match.correlation.toFixed(3)} (chance ${match.chance.toFixed(3)})` : '');
    document.getElementById('heatmap')!.innerHTML = activationHeatmapHtml({ text: analysis.text, values: heatmapValues(analysis.values(ref)), title });
  }

  private table(id: string, caption: string, findings: readonly Finding[]): void {
    const table = document.getElementById(id)!;
    const row = (cells: string[], tag: 'td' | 'th') => {
      const tr = document.createElement('tr');
      for (const text of cells) tr.append(Object.assign(document.createElement(tag), { textContent: text }));
      return tr;
    };
    const rows = findings.map((f) => {
      const tr = row([String(f.layer), f.kind, String(f.unit), f.feature, signed(f.correlation), f.chance.toFixed(3)], 'td');
      Object.assign(tr.dataset, { layer: String(f.layer), kind: f.kind, unit: String(f.unit) });
      tr.title = 'colour the text by this unit';
      tr.onclick = () => this.onSelect(unitOf(tr));
      return tr;
    });
    table.replaceChildren(Object.assign(document.createElement('caption'), { textContent: caption }), row(HEADERS, 'th'), ...rows);
  }
}

const signed = (r: number) => `${r >= 0 ? '+' : ''}${r.toFixed(3)}`;

function unitOf(row: HTMLTableRowElement): UnitRef {
  return { layer: Number(row.dataset.layer), kind: row.dataset.kind as UnitRef['kind'], unit: Number(row.dataset.unit) };
}
