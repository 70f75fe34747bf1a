/**
 * A character vocabulary: every distinct code point of a text (sorted, so the same text
 * always gives the same ids), plus any special symbols first.
 */
import { ArgumentError, describe } from '../errors.js';

export class CharVocabulary {
  private readonly ids: Map<string, number>;

  constructor(readonly symbols: readonly string[]) {
    if (!Array.isArray(symbols) || symbols.length === 0) throw new ArgumentError('symbols', 'a non-empty array of strings', describe(symbols));
    this.ids = new Map();
    symbols.forEach((symbol, id) => {
      if (typeof symbol !== 'string' || symbol.length === 0) throw new ArgumentError(`symbols[${id}]`, 'a non-empty string', describe(symbol));
      if (this.ids.has(symbol)) throw new ArgumentError(`symbols[${id}]`, 'a symbol not listed before', JSON.stringify(symbol));
      this.ids.set(symbol, id);
    });
  }

  /** The distinct characters of `text`, sorted by code point, after `specials`. */
  static fromText(text: string, specials: readonly string[] = []): CharVocabulary {
    if (typeof text !== 'string' || text.length === 0) throw new ArgumentError('text', 'a non-empty string', describe(text));
    const characters = [...new Set(Array.from(text))].filter((ch) => !specials.includes(ch));
    characters.sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    return new CharVocabulary([...specials, ...characters]);
  }

  get size(): number {
    return this.symbols.length;
  }

  has(symbol: string): boolean {
    return this.ids.has(symbol);
  }

  id(symbol: string): number {
    const id = this.ids.get(symbol);
    if (id === undefined) throw new ArgumentError('symbol', `one of the vocabulary's ${this.size} symbols`, JSON.stringify(symbol));
    return id;
  }

  /** Ids of every character of `text`; names the first character the vocabulary lacks. */
  encode(text: string, argument = 'text'): Int32Array {
    const characters = Array.from(text);
    const out = new Int32Array(characters.length);
    characters.forEach((ch, i) => {
      const id = this.ids.get(ch);
      if (id === undefined) throw new ArgumentError(argument, `only characters in the vocabulary`, `${JSON.stringify(ch)} (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) at character ${i}`);
      out[i] = id;
    });
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    let text = '';
    for (let i = 0; i < ids.length; i++) {
      const symbol = this.symbols[ids[i]!];
      if (symbol === undefined) throw new ArgumentError(`ids[${i}]`, `an id in [0, ${this.size})`, String(ids[i]));
      text += symbol;
    }
    return text;
  }

  toJSON(): { symbols: string[] } {
    return { symbols: [...this.symbols] };
  }

  static fromJSON(json: unknown): CharVocabulary {
    const symbols = (json as { symbols?: unknown } | null)?.symbols;
    if (!Array.isArray(symbols)) throw new ArgumentError('vocabulary', 'an object { symbols: string[] }', describe(json));
    return new CharVocabulary(symbols as string[]);
  }
}
