/**
 * A strict little parser for the report module's output, so tests read elements and
 * attributes rather than match strings: tags must nest and close, every & must start an
 * entity, and no raw < may stand in text or an attribute. HTML void elements (meta) and a
 * <style> element's raw text are allowed in HTML mode.
 */
export interface Element {
  name: string;
  attributes: Record<string, string>;
  children: (Element | string)[];
}

const VOID = new Set(['meta', 'br', 'hr', 'img', 'input', 'link']);
const ENTITY = /&(amp|lt|gt|quot|#39);/g;
const DECODED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

function decode(raw: string, where: string): string {
  if (/&(?!(amp|lt|gt|quot|#39);)/.test(raw)) throw new Error(`an unescaped & in ${where}: ${raw.slice(0, 80)}`);
  return raw.replace(ENTITY, (_, name: string) => DECODED[name]!);
}

export function parseMarkup(markup: string, { html = false } = {}): Element {
  const root: Element = { name: '#root', attributes: {}, children: [] };
  const open: Element[] = [root];
  const tag = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->|<!doctype html>|<\?xml[^>]*\?>/gy;
  let at = 0;
  while (at < markup.length) {
    const next = markup.indexOf('<', at);
    const text = markup.slice(at, next < 0 ? markup.length : next);
    if (text) {
      if (text.includes('>') && open.at(-1)!.name !== 'style') throw new Error(`a raw > in text: ${text.slice(0, 80)}`);
      open.at(-1)!.children.push(open.at(-1)!.name === 'style' ? text : decode(text, 'text'));
    }
    if (next < 0) break;
    tag.lastIndex = next;
    const m = tag.exec(markup);
    if (!m) throw new Error(`not a well-formed tag at ${next}: ${markup.slice(next, next + 80)}`);
    at = tag.lastIndex;
    if (m[2] === undefined) continue;
    const [, closing, name, attributeText, selfClosing] = m as unknown as [string, string, string, string, string];
    if (closing) {
      const top = open.pop();
      if (top?.name !== name) throw new Error(`</${name}> closes <${top?.name}>`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [, key, value] of attributeText.matchAll(/([\w:-]+)="([^"]*)"/g)) {
      if (key! in attributes) throw new Error(`attribute ${key} twice on <${name}>`);
      attributes[key!] = decode(value!, `${name}'s ${key}`);
    }
    const element: Element = { name, attributes, children: [] };
    open.at(-1)!.children.push(element);
    if (!selfClosing && !(html && VOID.has(name))) open.push(element);
  }
  if (open.length !== 1) throw new Error(`unclosed <${open.at(-1)!.name}>`);
  return root;
}

export function findAll(root: Element, test: (e: Element) => boolean): Element[] {
  const found: Element[] = [];
  const walk = (e: Element) => {
    for (const child of e.children) {
      if (typeof child === 'string') continue;
      if (test(child)) found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}

export const byName = (name: string) => (e: Element) => e.name === name;

export function textOf(e: Element): string {
  return e.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}
