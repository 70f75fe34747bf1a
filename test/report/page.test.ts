/**
 * htmlPage and keyValueTableHtml: one well-formed, self-contained page (no scripts, no
 * links, no external resources) holding a chart, a heatmap and a table, titles escaped.
 */
import { describe, expect, it } from 'vitest';
import { activationHeatmapHtml, htmlPage, keyValueTableHtml, lineChartSvg } from '../../src/report/index.js';
import { byName, findAll, parseMarkup, textOf } from './markup.js';

describe('htmlPage', () => {
  const chart = lineChartSvg({ title: 'gradient flow', xLabel: 'steps back', yLabel: '‖∂L/∂h_t‖', logY: true, series: [{ name: 'RNN', points: [[1, 1], [2, 0.1], [3, 0.01]] }, { name: 'LSTM', points: [[1, 1], [2, 0.8], [3, 0.7]] }] });
  const cells = activationHeatmapHtml({ text: 'a "quote"\n', values: [0, 0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0], title: 'unit 1' });
  const page = htmlPage({
    title: 'Report <1> & "2"',
    sections: [{ heading: 'Gradients & time', html: chart }, { heading: 'Cells', html: cells }, { html: keyValueTableHtml([['--hidden', 128], ['cell', 'lstm'], ['<b>', '& "x"'], ['keep best', false], ['loss', 2.3456789]]) }],
  });

  it('is a well-formed page holding every section, titles escaped', () => {
    expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    const root = parseMarkup(page, { html: true });
    expect(textOf(findAll(root, byName('title'))[0]!)).toBe('Report <1> & "2"');
    expect(textOf(findAll(root, byName('h1'))[0]!)).toBe('Report <1> & "2"');
    expect(findAll(root, byName('section'))).toHaveLength(3);
    expect(findAll(root, byName('h2')).map(textOf)).toEqual(['Gradients & time', 'Cells']);
    expect(findAll(root, byName('svg'))).toHaveLength(1);
    expect(findAll(root, (e) => e.name === 'path' && e.attributes['data-series'] !== undefined)).toHaveLength(2);
    expect(findAll(root, byName('span'))).toHaveLength(10);
    expect(findAll(root, byName('meta')).map((m) => m.attributes.charset).filter(Boolean)).toEqual(['utf-8']);
  });

  it('needs nothing outside itself: inline CSS, no scripts, links or URLs', () => {
    expect(findAll(parseMarkup(page, { html: true }), byName('style'))).toHaveLength(1);
    for (const outside of ['<script', '<link', '<img', 'src=', 'href=', 'url(', '@import']) expect(page).not.toContain(outside);
  });

  it('writes tables with escaped labels and values, numbers short', () => {
    const rows = findAll(parseMarkup(page, { html: true }), byName('tr')).map((tr) => [textOf(findAll(tr, byName('th'))[0]!), textOf(findAll(tr, byName('td'))[0]!)]);
    expect(rows).toEqual([['--hidden', '128'], ['cell', 'lstm'], ['<b>', '& "x"'], ['keep best', 'false'], ['loss', '2.34568']]);
  });

  it('names the argument, what was expected and what came', () => {
    expect(() => htmlPage({ title: 't', sections: [{ html: 3 }] } as never)).toThrow('sections[0].html: expected a string of markup, got 3');
    expect(() => htmlPage({ title: 't', sections: [null] } as never)).toThrow('sections[0]: expected an object { heading?, html }, got null');
    expect(() => htmlPage({ title: 't', sections: 'x' } as never)).toThrow('sections: expected an array of { heading?, html }, got "x"');
    expect(() => keyValueTableHtml([['a', null]] as never)).toThrow('rows[0]: expected [label, value] with a string label and a string, number or boolean value, got ["a", null]');
  });
});
