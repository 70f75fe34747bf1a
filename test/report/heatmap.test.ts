/**
 * activationHeatmapHtml, read back through a strict parser: a span per character whose
 * text joins back into the input (newlines kept, markup escaped), backgrounds from the
 * diverging map (blue −1, white 0, red +1), and bad input named.
 */
import { describe, expect, it } from 'vitest';
import { activationHeatmapHtml, divergingColor } from '../../src/report/index.js';
import { byName, findAll, parseMarkup, textOf } from './markup.js';

const heatmap = (text: string, values: Float32Array | number[], title = 'layer 1, unit 3, tanh(c)') => parseMarkup(activationHeatmapHtml({ text, values, title }));
const spans = (text: string, values: Float32Array | number[]) => findAll(heatmap(text, values), byName('span'));
const background = (style: string) => /background:(#[0-9a-f]{6})/.exec(style)?.[1];
const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

describe('activationHeatmapHtml', () => {
  it('has one span per character, whose text joins back into the input, newlines kept', () => {
    const text = '"Call me Ishmael."\nSome years ago,\n';
    const values = Float32Array.from(text, (_, i) => Math.sin(i));
    const found = spans(text, values);
    expect(found).toHaveLength(text.length);
    expect(found.map(textOf).join('')).toBe(text);
    expect(found.filter((s) => s.attributes.class === 'nl').map(textOf)).toEqual(['\n', '\n']);
    expect(found.map((s) => Number(s.attributes.title))).toEqual(Array.from(values, (v) => Number(v.toFixed(3))));
  });

  it('counts characters as code points, as the character vocabulary does', () => {
    const found = spans('a😀b', [0.1, 0.2, 0.3]);
    expect(found.map(textOf)).toEqual(['a', '😀', 'b']);
  });

  it('colours −1 blue, 0 white and +1 red, fading linearly, with white text on the dark ends', () => {
    expect([divergingColor(-1), divergingColor(0), divergingColor(1)]).toEqual(['#2166ac', '#ffffff', '#b2182b']);
    const [r, g, b] = rgb(divergingColor(-0.5));
    expect(b).toBeGreaterThan(r!);
    expect(rgb(divergingColor(0.5))[0]).toBeGreaterThan(rgb(divergingColor(0.5))[2]!);
    // Paler nearer zero.
    expect(rgb(divergingColor(0.2)).reduce((a, c) => a + c)).toBeGreaterThan(rgb(divergingColor(0.8)).reduce((a, c) => a + c));
    expect(g).toBe(Math.round(255 + 0.5 * (102 - 255)));
    const found = spans('abc', [-1, 0, 1]);
    expect(found.map((s) => background(s.attributes.style!))).toEqual(['#2166ac', '#ffffff', '#b2182b']);
    expect(found.map((s) => s.attributes.style!.includes('color:#ffffff'))).toEqual([true, false, true]);
  });

  it('escapes <, &, and quotes in the text and the title', () => {
    const text = `<a href="x">&'</a>`;
    const title = `unit "7" <b> & 'h'`;
    const markup = activationHeatmapHtml({ text, values: new Array(text.length).fill(0.5), title });
    expect(markup).not.toContain('<a ');
    const root = parseMarkup(markup);
    expect(findAll(root, byName('span')).map(textOf).join('')).toBe(text);
    expect(textOf(findAll(root, byName('figcaption'))[0]!)).toBe(title);
    expect(findAll(root, byName('a'))).toEqual([]);
  });

  it('names the argument, what was expected and what came', () => {
    const draw = (o: object) => () => activationHeatmapHtml({ text: 'abc', values: [0, 0, 0], title: 't', ...o } as never);
    expect(draw({ values: [0, 0] })).toThrow('values: expected 3 values (one per character of text), got 2');
    expect(draw({ values: [0, 1.5, 0] })).toThrow('values[1]: expected a number in [-1, 1], got 1.5');
    expect(draw({ values: new Float32Array([0, 0, NaN]) })).toThrow('values[2]: expected a number in [-1, 1], got NaN');
    expect(draw({ values: 'abc' })).toThrow('values: expected a Float32Array or an array of numbers, got "abc"');
    expect(draw({ text: null })).toThrow('text: expected a string, got null');
    expect(() => divergingColor(-1.01)).toThrow('value: expected a number in [-1, 1], got -1.01');
  });
});
