import { describe, expect, it } from 'vitest';
import { ArgumentError, CharVocabulary } from '../../src/index.js';

const rejects = (run: () => unknown, message: string): void => {
  expect(run).toThrow(ArgumentError);
  expect(run).toThrow(message);
};

describe('CharVocabulary', () => {
  it('rejects symbols that are not a list of distinct single characters, naming the position', () => {
    rejects(() => new CharVocabulary('abc' as never), 'symbols: expected a non-empty array of strings, got "abc"');
    rejects(() => new CharVocabulary([]), 'symbols: expected a non-empty array of strings, got []');
    rejects(() => new CharVocabulary(['a', 1] as never), 'symbols[1]: expected a non-empty string, got 1');
    rejects(() => new CharVocabulary(new Array<string>(3)), 'symbols[0]: expected a non-empty string, got undefined');
    rejects(() => new CharVocabulary(['ab', 'c']), 'symbols[0]: expected one character (a single code point), got "ab"');
    rejects(() => new CharVocabulary(['a', 'a']), 'symbols[1]: expected a symbol not listed before, got "a"');
    rejects(() => CharVocabulary.fromText('ab', 'x' as never), 'specials: expected an array of characters, got "x"');
    rejects(() => CharVocabulary.fromText('ab', ['<eos>']), 'specials[0]: expected one character (a single code point), got "<eos>"');
    // One code point outside the BMP is one character.
    expect(new CharVocabulary(['😀', '—']).encode('—😀')).toEqual(Int32Array.from([1, 0]));
  });

  it('keeps its own copy of the symbols', () => {
    const symbols = ['a', 'b'];
    const vocabulary = new CharVocabulary(symbols);
    symbols[0] = 'z';
    expect(vocabulary.decode([0, 1])).toBe('ab');
    expect(vocabulary.id('a')).toBe(0);
  });

  it('encode takes a string, decode ids in [0, size), naming the bad one', () => {
    const vocabulary = new CharVocabulary(['a', 'b']);
    rejects(() => vocabulary.encode(5 as never), 'text: expected a string, got 5');
    rejects(() => vocabulary.encode(['a'] as never), 'text: expected a string, got ["a"]');
    rejects(() => vocabulary.decode(null as never), 'ids: expected an array of token ids, got null');
    rejects(() => vocabulary.decode('01' as never), 'ids: expected an array of token ids, got "01"');
    rejects(() => vocabulary.decode(5 as never), 'ids: expected an array of token ids, got 5');
    rejects(() => vocabulary.decode([0, 2]), 'ids[1]: expected an id in [0, 2), got 2');
    rejects(() => vocabulary.decode([-1]), 'ids[0]: expected an id in [0, 2), got -1');
    rejects(() => vocabulary.decode([0, 0.5]), 'ids[1]: expected an id in [0, 2), got 0.5');
    rejects(() => vocabulary.decode(['1'] as never), 'ids[0]: expected an id in [0, 2), got "1"');
    rejects(() => vocabulary.decode(['length'] as never), 'ids[0]: expected an id in [0, 2), got "length"');
    expect(vocabulary.decode(Int32Array.from([1, 0]))).toBe('ba');
  });

  it('fromJSON names what is wrong with the JSON', () => {
    rejects(() => CharVocabulary.fromJSON(null), 'vocabulary: expected an object { symbols: string[] }, got null');
    rejects(() => CharVocabulary.fromJSON({ symbols: 'ab' }), 'vocabulary: expected an object { symbols: string[] }, got Object');
    rejects(() => CharVocabulary.fromJSON({ symbols: ['a', 1] }), 'vocabulary.symbols[1]: expected a non-empty string, got 1');
    rejects(() => CharVocabulary.fromJSON({ symbols: [] }), 'vocabulary.symbols: expected a non-empty array of strings, got []');
    const vocabulary = CharVocabulary.fromText('hello');
    expect(CharVocabulary.fromJSON(JSON.parse(JSON.stringify(vocabulary))).symbols).toEqual(vocabulary.symbols);
  });
});
