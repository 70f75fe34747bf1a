/**
 * activationHeatmapSvg, read back through the strict parser: one rect per character
 * (code point) with its value and the diverging map's colour, glyphs for the characters
 * that show ink, rows that break after a newline and wrap at `columns`, and bad input named.
 */
import { describe, expect, it } from 'vitest';
import { divergingColor } from '../../src/report/index.js';
import { activationHeatmapSvg } from '../../src/report/heatmap-svg.js';
import { byName, findAll, parseMarkup, textOf, type Element } from './markup.js';

const cells = (svg: string): Element[] => findAll(parseMarkup(svg), (e) => e.name === 'rect' && 'data-value' in e.attributes);
const glyphs = (svg: string): Element[] => findAll(findAll(parseMarkup(svg), (e) => e.attributes.class === 'heatmap-text')[0]!, byName('text'));

describe('activationHeatmapSvg', () => {
  it('draws one rect per character, coloured by its value, and the characters that show ink', () => {
    const text = '"Call me <Ishmael> & co."\nSome years ago,\n';
    const values = Array.from(Array.from(text), (_, i) => Math.sin(i));
    const svg = activationHeatmapSvg({ text, values, title: 'layer 0 tanh(c) unit 3: inside quotes' });
    const rects = cells(svg);
    expect(rects).toHaveLength(text.length);
    expect(rects.map((r) => r.attributes.fill)).toEqual(values.map((v) => divergingColor(v)));
    expect(rects.map((r) => Number(r.attributes['data-value']))).toEqual(values.map((v) => Number(v.toFixed(3))));
    // Spaces draw no glyph; a newline draws ↵; markup characters are escaped and read back.
    const drawn = glyphs(svg).map(textOf).join('');
    expect(drawn).toBe(text.replaceAll(' ', '').replaceAll('\n', '\u21b5'));
    expect(textOf(findAll(parseMarkup(svg), (e) => e.attributes.class === 'title')[0]!)).toBe('layer 0 tanh(c) unit 3: inside quotes');
  });

  it('counts code points, breaks rows after a newline and wraps at columns', () => {
    const svg = activationHeatmapSvg({ text: 'ab😀\ncdefg\nh', values: Array(11).fill(0), title: 't', columns: 3 });
    const rects = cells(svg);
    expect(rects).toHaveLength(11);
    const rows = rects.map((r) => Number(r.attributes.y));
    const columns = rects.map((r) => Number(r.attributes.x));
    const rowOf = rows.map((y) => [...new Set(rows)].indexOf(y));
    // 'a b 😀 ↵': a newline after a full row stays on it; 'c d e' wraps; 'f g ↵'; 'h'.
    expect(rowOf).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3]);
    const step = columns[1]! - columns[0]!;
    expect(columns.slice(0, 4)).toEqual([0, 1, 2, 3].map((k) => columns[0]! + k * step));
    expect([columns[4], columns[7], columns[10]]).toEqual([columns[0], columns[0], columns[0]]);
  });

  it('uses white ink on dark cells, as the HTML heatmap does', () => {
    const inks = glyphs(activationHeatmapSvg({ text: 'abc', values: [-0.9, 0, 0.9], title: 't' })).map((g) => g.attributes.fill);
    expect(inks).toEqual(['#ffffff', '#222222', '#ffffff']);
  });

  it('names bad input', () => {
    expect(() => activationHeatmapSvg({ text: 'ab', values: [0], title: 't' })).toThrow('values: expected 2 values (one per character of text), got 1');
    expect(() => activationHeatmapSvg({ text: 'ab', values: [0, 1.5], title: 't' })).toThrow('values[1]: expected a number in [-1, 1], got 1.5');
    expect(() => activationHeatmapSvg({ text: 'ab', values: [0, 0], title: 't', columns: 0 })).toThrow(/^columns: expected an integer in \[1, 1000\]/);
  });
});
