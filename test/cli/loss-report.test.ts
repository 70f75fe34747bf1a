/**
 * loss.svg and loss.html from a run's history: the train series has a point per finite
 * step and a gap at a skipped one, the validation series a point per validation; the page
 * holds the chart, the figures and the options; files are replaced whole.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainDefaults } from '../../src/cli/options.js';
import { LOSS_HTML, LOSS_SVG, lossChartSvg, writeLossReport } from '../../src/cli/loss-report.js';
import type { TrainHistory } from '../../src/cli/run-checkpoint.js';
import { byName, findAll, parseMarkup, textOf } from '../report/markup.js';

const options = { ...trainDefaults('names'), steps: 40, hidden: 16, zoneout: { hidden: 0.05, cell: 0.3 } };
const history = (steps: number): TrainHistory => ({
  // Step 7 was skipped (a NaN loss; a checkpoint's JSON holds it as null).
  losses: Array.from({ length: steps }, (_, i) => (i === 6 ? NaN : 3 - i / 20)),
  validation: [0, 10, 20].filter((s) => s <= steps).map((step) => ({ step, bitsPerCharacter: 4.5 - step / 10 })),
  unigramBitsPerCharacter: 4.2,
});
const series = (svg: string) => Object.fromEntries(findAll(parseMarkup(svg), (e) => e.name === 'path').map((p) => [p.attributes['data-series'], { points: Number(p.attributes['data-points']), pieces: (p.attributes.d!.match(/M/g) ?? []).length }]));

describe('the loss report', () => {
  it('plots every finite step, each validation and the unigram baseline, in bits per character', () => {
    expect(series(lossChartSvg({ history: history(20), corpus: 'names' }))).toEqual({
      train: { points: 19, pieces: 2 },
      validation: { points: 3, pieces: 1 },
      'unigram baseline': { points: 2, pieces: 1 },
    });
    const nulls = { ...history(3), losses: [2.5, null as unknown as number, 2.4] };
    expect(series(lossChartSvg({ history: nulls, corpus: 'names' })).train).toEqual({ points: 2, pieces: 2 });
    // Before the first step: the step-0 validation alone.
    expect(series(lossChartSvg({ history: history(0), corpus: 'names' }))).toMatchObject({ train: { points: 0 }, validation: { points: 1 } });
  });

  it('writes loss.svg and loss.html whole, replacing the last ones, with the figures and options', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loss-report-'));
    try {
      writeLossReport(dir, { history: history(10), options, corpus: 'names' });
      writeLossReport(dir, { history: history(20), options, corpus: 'names' });
      expect(readdirSync(dir).sort()).toEqual([LOSS_HTML, LOSS_SVG]);
      const svg = readFileSync(join(dir, LOSS_SVG), 'utf8');
      expect(series(svg).train!.points).toBe(19);
      const page = parseMarkup(readFileSync(join(dir, LOSS_HTML), 'utf8'), { html: true });
      expect(textOf(findAll(page, byName('h1'))[0]!)).toBe('webgpu-rnn train: names, step 20 of 40');
      expect(findAll(page, (e) => e.name === 'path' && e.attributes['data-series'] === 'train')[0]!.attributes['data-points']).toBe('19');
      const rows = Object.fromEntries(findAll(page, byName('tr')).map((tr) => [textOf(findAll(tr, byName('th'))[0]!), textOf(findAll(tr, byName('td'))[0]!)]));
      expect(rows).toMatchObject({
        steps: '20 of 40',
        'latest validation': '2.5 bits/char at step 20',
        'best validation': '2.5 bits/char at step 20',
        'unigram baseline': '4.2 bits/char',
        '--hidden': '16',
        '--zoneout': '0.05,0.3',
        '--resume': 'none',
        '--data': 'names',
      });
      const mean = (Array.from({ length: 20 }, (_, i) => 3 - i / 20).reduce((a, b) => a + b) - (3 - 6 / 20)) / 19 / Math.LN2;
      expect(rows['training loss']).toBe(`${Number(mean.toPrecision(4))} bits/char (mean of the last 20 steps, 1 skipped)`);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
