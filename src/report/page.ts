/**
 * One self-contained HTML file from report fragments (SVG charts, heatmaps, tables):
 * inline CSS, no scripts, no external resources, so it opens from disk, offline, and can
 * be mailed or kept as a CI artifact.
 */
import { ArgumentError, describe } from '../errors.js';
import { escapeMarkup, formatNumber } from './markup.js';

export interface PageSection {
  /** A heading above the section (plain text, escaped). */
  heading?: string;
  /** Markup placed as is: output of lineChartSvg, activationHeatmapHtml, keyValueTableHtml. */
  html: string;
}

export interface HtmlPageOptions {
  title: string;
  sections: readonly PageSection[];
}

const CSS = `
body { margin: 0; background: #fafafa; color: #222222; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 1.5em 1em 3em; }
h1 { font-size: 1.5em; margin: 0 0 1em; }
h2 { font-size: 1.15em; margin: 1.8em 0 0.6em; }
section > svg { max-width: 100%; height: auto; border: 1px solid #e4e4e4; }
table.key-value { border-collapse: collapse; }
table.key-value th, table.key-value td { text-align: left; padding: 0.15em 1.2em 0.15em 0; vertical-align: top; }
table.key-value th { font-weight: normal; color: #666666; }
table.key-value td { font-family: ui-monospace, Menlo, Consolas, monospace; }
.activation-heatmap .heatmap-text { background: #ffffff; padding: 0.6em; border: 1px solid #e4e4e4; }
.activation-heatmap .nl::before { content: "\\21b5"; opacity: 0.45; }
`;

/** A two-column table of labels and values (both escaped); numbers are written short. */
export function keyValueTableHtml(rows: ReadonlyArray<readonly [string, string | number | boolean]>): string {
  if (!Array.isArray(rows)) throw new ArgumentError('rows', 'an array of [label, value] pairs', describe(rows));
  const body = rows.map((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== 2 || typeof row[0] !== 'string' || !['string', 'number', 'boolean'].includes(typeof row[1])) {
      throw new ArgumentError(`rows[${i}]`, '[label, value] with a string label and a string, number or boolean value', describe(row));
    }
    const value = typeof row[1] === 'number' ? formatNumber(row[1], 6) : String(row[1]);
    return `<tr><th scope="row">${escapeMarkup(row[0])}</th><td>${escapeMarkup(value)}</td></tr>`;
  });
  return `<table class="key-value">${body.join('')}</table>\n`;
}

export function htmlPage(options: HtmlPageOptions): string {
  if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an object { title, sections }', describe(options));
  const { title, sections } = options;
  if (typeof title !== 'string') throw new ArgumentError('title', 'a string', describe(title));
  if (!Array.isArray(sections)) throw new ArgumentError('sections', 'an array of { heading?, html }', describe(sections));
  const body = sections.map((section: Partial<PageSection> | null, i) => {
    if (section === null || typeof section !== 'object') throw new ArgumentError(`sections[${i}]`, 'an object { heading?, html }', describe(section));
    if (typeof section.html !== 'string') throw new ArgumentError(`sections[${i}].html`, 'a string of markup', describe(section.html));
    if (section.heading !== undefined && typeof section.heading !== 'string') throw new ArgumentError(`sections[${i}].heading`, 'a string', describe(section.heading));
    const heading = section.heading ? `<h2>${escapeMarkup(section.heading)}</h2>\n` : '';
    return `<section>\n${heading}${section.html}</section>`;
  });
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeMarkup(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeMarkup(title)}</h1>`,
    ...body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
