/**
 * Text into markup: escaping for HTML and SVG (the same five characters close or open
 * markup in both), and numbers written short enough for tick labels and tables.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` safe as element content or as a quoted attribute value, in HTML and in SVG (XML). */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A number for a label: at most `digits` significant digits, no trailing zeros, no exponent below 1e6. */
export function formatNumber(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(digits)));
}
