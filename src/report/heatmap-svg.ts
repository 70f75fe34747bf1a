/**
 * The activation heatmap of heatmap.ts as a standalone SVG, for reports kept as image
 * files: the text in a monospace grid, one <rect data-value> per character (per code
 * point) coloured by the same diverging map, the character drawn on it, a line break
 * shown as ↵ ending its row, long lines wrapped at `columns`, and a −1 … +1 scale below.
 */
import { ArgumentError, checkInteger, describe } from '../errors.js';
import { divergingColor, type ActivationHeatmapOptions } from './heatmap.js';
import { escapeMarkup } from './markup.js';

export interface ActivationHeatmapSvgOptions extends ActivationHeatmapOptions {
  /** Characters per row before a line wraps (default 80). */
  columns?: number;
}

const FONT = 13;
/** A monospace advance at FONT pixels, and a row's height. */
const CELL_WIDTH = 8;
const CELL_HEIGHT = 18;
const PAD = 12;
const TITLE_HEIGHT = 30;
const SCALE_HEIGHT = 34;
/** Beyond this |value| the cell is dark enough that white text reads better (as in the HTML heatmap). */
const LIGHT_TEXT_FROM = 0.6;

/**
 * Each character's row and column: a row ends after a line break or at `columns`
 * characters; a line break after a full row stays on it, in one spare column.
 */
function gridPositions(characters: readonly string[], columns: number): { row: number; column: number }[] {
  let row = 0;
  let column = 0;
  return characters.map((character) => {
    if (column === columns && character !== '\n') {
      row++;
      column = 0;
    }
    const at = { row, column };
    if (character === '\n') {
      row++;
      column = 0;
    } else column++;
    return at;
  });
}

export function activationHeatmapSvg(options: ActivationHeatmapSvgOptions): string {
  if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an object { text, values, title }', describe(options));
  const { text, values, title } = options;
  if (typeof text !== 'string') throw new ArgumentError('text', 'a string', describe(text));
  if (typeof title !== 'string') throw new ArgumentError('title', 'a string', describe(title));
  if (!(values instanceof Float32Array) && !Array.isArray(values)) throw new ArgumentError('values', 'a Float32Array or an array of numbers', describe(values));
  const columns = options.columns === undefined ? 80 : checkInteger('columns', options.columns, 1, 1000);
  const characters = Array.from(text);
  if (values.length !== characters.length) throw new ArgumentError('values', `${characters.length} values (one per character of text)`, `${values.length}`);

  const positions = gridPositions(characters, columns);
  const rows = characters.length === 0 ? 1 : positions.at(-1)!.row + 1;
  const width = Math.max(260, 2 * PAD + (columns + 1) * CELL_WIDTH);
  const gridTop = TITLE_HEIGHT;
  const height = gridTop + rows * CELL_HEIGHT + SCALE_HEIGHT;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-size="${FONT}" role="img" aria-label="${escapeMarkup(title)}">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text class="title" x="${PAD}" y="20" font-family="sans-serif" font-weight="bold">${escapeMarkup(title)}</text>`);
  out.push(`<g class="heatmap-text" font-family="ui-monospace,Menlo,Consolas,monospace" text-anchor="middle">`);
  characters.forEach((character, i) => {
    const value = values[i];
    if (typeof value !== 'number' || !(value >= -1 && value <= 1)) throw new ArgumentError(`values[${i}]`, 'a number in [-1, 1]', describe(value));
    const { row, column } = positions[i]!;
    const x = PAD + column * CELL_WIDTH;
    const y = gridTop + row * CELL_HEIGHT;
    out.push(`<rect x="${x}" y="${y}" width="${CELL_WIDTH}" height="${CELL_HEIGHT}" fill="${divergingColor(value)}" data-value="${value.toFixed(3)}"><title>${value.toFixed(3)}</title></rect>`);
    // Spaces need no glyph; a line break is marked faintly, as the HTML heatmap marks it.
    const glyph = character === '\n' ? '\u21b5' : character.trim() === '' ? '' : character;
    if (glyph === '') return;
    const ink = Math.abs(value) > LIGHT_TEXT_FROM ? '#ffffff' : '#222222';
    const faint = character === '\n' ? ' opacity="0.45"' : '';
    out.push(`<text x="${x + CELL_WIDTH / 2}" y="${y + CELL_HEIGHT - 5}" fill="${ink}"${faint}>${escapeMarkup(glyph)}</text>`);
  });
  out.push('</g>');
  // The scale: a gradient from −1 (blue) through 0 (white) to +1 (red).
  const scaleY = gridTop + rows * CELL_HEIGHT + 12;
  out.push(`<defs><linearGradient id="heatmap-scale"><stop offset="0" stop-color="${divergingColor(-1)}"/><stop offset="0.5" stop-color="${divergingColor(0)}"/><stop offset="1" stop-color="${divergingColor(1)}"/></linearGradient></defs>`);
  out.push(
    `<g class="heatmap-scale" font-family="sans-serif" font-size="${FONT - 2}"><text x="${PAD}" y="${scaleY + 10}">−1</text>` +
      `<rect x="${PAD + 20}" y="${scaleY}" width="160" height="12" fill="url(#heatmap-scale)" stroke="#cccccc"/><text x="${PAD + 186}" y="${scaleY + 10}">+1</text></g>`,
  );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
