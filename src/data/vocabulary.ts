/**
 * A character vocabulary: every distinct code point of a text (sorted, so the same text
 * always gives the same ids), plus any special symbols first.
 */
import { ArgumentError, describe } from '../errors.js';

export class CharVocabulary {
  /** Frozen copy: later changes to the caller's array must not move ids. */
  readonly symbols: readonly string[];
  private readonly ids: Map<string, number>;

  /** `argument` names the list in errors (fromJSON passes 'vocabulary.symbols'). */
  constructor(symbols: readonly string[], argument = 'symbols') {
    if (!Array.isArray(symbols) || symbols.length === 0) throw new ArgumentError(argument, 'a non-empty array of strings', describe(symbols));
    this.ids = new Map();
    // An index loop, not forEach, so holes in a sparse array are checked too.
    for (let id = 0; id < symbols.length; id++) {
      const symbol: unknown = symbols[id];
      if (typeof symbol !== 'string' || symbol.length === 0) throw new ArgumentError(`${argument}[${id}]`, 'a non-empty string', describe(symbol));
      // encode() splits text into code points, so a longer symbol could never be encoded.
      if (Array.from(symbol).length !== 1) throw new ArgumentError(`${argument}[${id}]`, 'one character (a single code point)', JSON.stringify(symbol));
      if (this.ids.has(symbol)) throw new ArgumentError(`${argument}[${id}]`, 'a symbol not listed before', JSON.stringify(symbol));
      this.ids.set(symbol, id);
    }
    this.symbols = Object.freeze([...symbols]);
  }

  /** The distinct characters of `text`, sorted by code point, after `specials` (single characters too). */
  static fromText(text: string, specials: readonly string[] = []): CharVocabulary {
    if (typeof text !== 'string' || text.length === 0) throw new ArgumentError('text', 'a non-empty string', describe(text));
    if (!Array.isArray(specials)) throw new ArgumentError('specials', 'an array of characters', describe(specials));
    const characters = [...new Set(Array.from(text))].filter((ch) => !specials.includes(ch));
    characters.sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    // Specials come first, so an error's index in the list is the special's index.
    return new CharVocabulary([...specials, ...characters], 'specials');
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
    if (typeof text !== 'string') throw new ArgumentError(argument, 'a string', describe(text));
    const characters = Array.from(text);
    const out = new Int32Array(characters.length);
    characters.forEach((ch, i) => {
      const id = this.ids.get(ch);
      if (id === undefined) throw new ArgumentError(argument, `only characters in the vocabulary`, `${JSON.stringify(ch)} (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) at character ${i}`);
      out[i] = id;
    });
    return out;
  }

  /** Text of `ids`; names the first id outside [0, size) (indexing would give "undefined" or a property). */
  decode(ids: ArrayLike<number>): string {
    if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number') throw new ArgumentError('ids', 'an array of token ids', describe(ids));
    let text = '';
    for (let i = 0; i < ids.length; i++) {
      const id: unknown = ids[i];
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= this.size) throw new ArgumentError(`ids[${i}]`, `an id in [0, ${this.size})`, describe(id));
      text += this.symbols[id]!;
    }
    return text;
  }

  toJSON(): { symbols: string[] } {
    return { symbols: [...this.symbols] };
  }

  static fromJSON(json: unknown): CharVocabulary {
    const symbols = (json as { symbols?: unknown } | null)?.symbols;
    if (!Array.isArray(symbols)) throw new ArgumentError('vocabulary', 'an object { symbols: string[] }', describe(json));
    return new CharVocabulary(symbols as string[], 'vocabulary.symbols');
  }
}
