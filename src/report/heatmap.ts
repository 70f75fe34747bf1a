/**
 * Text coloured per character by one unit's activation, as in Karpathy, Johnson and
 * Fei-Fei's "Visualizing and Understanding Recurrent Networks": a <span> per character
 * (per code point, as the character vocabulary splits text) with a background from a
 * diverging map, blue for −1, white for 0, red for +1, and the value as its tooltip.
 * An HTML fragment with inline styles; htmlPage's CSS adds a visible mark for newlines.
 */
import { ArgumentError, describe } from '../errors.js';
import { escapeMarkup } from './markup.js';

export interface ActivationHeatmapOptions {
  /** The text the model read. */
  text: string;
  /** One activation in [−1, 1] per character of `text` (h, tanh(c), or a gate rescaled). */
  values: Float32Array | readonly number[];
  /** What is shown, e.g. 'layer 1, unit 37, tanh(c): inside quotes (r = 0.81)'. */
  title: string;
}

const WHITE = [255, 255, 255] as const;
// The ends of ColorBrewer's RdBu: dark enough to read at ±1, light enough that ±0.2 is still pale.
const NEGATIVE = [33, 102, 172] as const;
const POSITIVE = [178, 24, 43] as const;
/** Beyond this |value| the background is dark enough that white text reads better. */
const LIGHT_TEXT_FROM = 0.6;

const hex = (rgb: readonly number[]) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

/** The background for `value` in [−1, 1]: white at 0, blending linearly to blue at −1 and red at +1. */
export function divergingColor(value: number): string {
  if (typeof value !== 'number' || !(value >= -1 && value <= 1)) throw new ArgumentError('value', 'a number in [-1, 1]', describe(value));
  const end = value < 0 ? NEGATIVE : POSITIVE;
  const t = Math.abs(value);
  return hex(WHITE.map((w, i) => w + t * (end[i]! - w)));
}

/** The colour scale as a CSS gradient, for a legend. */
const SCALE = `linear-gradient(to right, ${divergingColor(-1)}, ${divergingColor(0)}, ${divergingColor(1)})`;

export function activationHeatmapHtml(options: ActivationHeatmapOptions): string {
  if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an object { text, values, title }', describe(options));
  const { text, values, title } = options;
  if (typeof text !== 'string') throw new ArgumentError('text', 'a string', describe(text));
  if (typeof title !== 'string') throw new ArgumentError('title', 'a string', describe(title));
  if (!(values instanceof Float32Array) && !Array.isArray(values)) throw new ArgumentError('values', 'a Float32Array or an array of numbers', describe(values));
  const characters = Array.from(text);
  if (values.length !== characters.length) {
    throw new ArgumentError('values', `${characters.length} values (one per character of text)`, `${values.length}`);
  }
  const spans = characters.map((character, i) => {
    const value = values[i];
    if (typeof value !== 'number' || !(value >= -1 && value <= 1)) throw new ArgumentError(`values[${i}]`, 'a number in [-1, 1]', describe(value));
    const ink = Math.abs(value) > LIGHT_TEXT_FROM ? ';color:#ffffff' : '';
    const newline = character === '\n' ? ' class="nl"' : '';
    return `<span${newline} style="background:${divergingColor(value)}${ink}" title="${value.toFixed(3)}">${escapeMarkup(character)}</span>`;
  });
  return (
    `<figure class="activation-heatmap" style="margin:0 0 1.5em">` +
    `<figcaption style="font-weight:bold;margin-bottom:0.4em">${escapeMarkup(title)}</figcaption>` +
    // No whitespace between the spans: pre-wrap would show it.
    `<div class="heatmap-text" style="font-family:ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-all;line-height:1.6">${spans.join('')}</div>` +
    `<div class="heatmap-scale" style="display:flex;align-items:center;gap:0.5em;margin-top:0.4em;font-size:0.85em">` +
    `<div>−1</div><div style="width:12em;height:0.8em;background:${SCALE};border:1px solid #cccccc"></div><div>+1</div></div>` +
    `</figure>\n`
  );
}
