import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { SafetensorsError, decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import type { StateDict } from '../../src/core/types.js';

/** A file from header text (or a value to stringify) and data bytes; `length` overrides the header length. */
function file(header: unknown, data: ArrayLike<number> = [], length?: bigint): Uint8Array {
  const text = header instanceof Uint8Array ? header : new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(text.length), true);
  out.set(text, 8);
  out.set(Array.from(data), 8 + text.length);
  return out;
}

const f32 = (shape: number[], begin: number, end: number): object => ({ dtype: 'F32', shape, data_offsets: [begin, end] });
const zeros = (n: number): number[] => new Array<number>(n).fill(0);

/** Expects a SafetensorsError (so an ArgumentError) whose message matches. */
function rejects(run: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SafetensorsError);
  expect(caught).toBeInstanceOf(ArgumentError);
  expect((caught as Error).message).toMatch(message);
}

describe('decodeSafetensors rejects malformed files with a SafetensorsError naming what and where', () => {
  it('input that is not a file: not bytes, fewer than 8 bytes', () => {
    rejects(() => decodeSafetensors('x' as unknown as Uint8Array), /^bytes: expected a Uint8Array holding a safetensors file, got string$/);
    rejects(() => decodeSafetensors(new Uint8Array(4)), /^bytes: expected a safetensors file \(at least 8 bytes\), got 4 bytes$/);
  });

  it('header length: past the file, absurd (> 100 MB, as in Rust), or beyond safe integers', () => {
    rejects(() => decodeSafetensors(file({}, [], 100n)), /^bytes: expected a header of at most 2 bytes, got a header length of 100$/);
    rejects(() => decodeSafetensors(file({}, [], 100_000_001n)), /^bytes: header length: expected at most 100000000 bytes, got 100000001$/);
    rejects(() => decodeSafetensors(file({}, [], 2n ** 53n + 1n)), /header length: expected at most 100000000 bytes, got 9007199254740993$/);
    rejects(() => decodeSafetensors(file({}, [], 2n ** 64n - 1n)), /header length: .* got 18446744073709551615$/);
    rejects(() => decodeSafetensors(file({}, [], 0n)), /^bytes: expected a safetensors JSON header, got unparseable JSON/);
  });

  it('header text: invalid UTF-8, a byte-order mark, unparseable JSON', () => {
    const invalid = Uint8Array.from([...new TextEncoder().encode('{"a'), 0xff, ...new TextEncoder().encode('":{}}')]);
    rejects(() => decodeSafetensors(file(invalid)), /^bytes: header: expected UTF-8 text, got invalid UTF-8$/);
    rejects(() => decodeSafetensors(file('\uFEFF{}')), /expected a safetensors JSON header, got unparseable JSON/);
    rejects(() => decodeSafetensors(file('{"a":')), /expected a safetensors JSON header, got unparseable JSON/);
  });

  it('header JSON that is null, an array or not an object', () => {
    rejects(() => decodeSafetensors(file('null')), /^bytes: header: expected a JSON object, got null$/);
    rejects(() => decodeSafetensors(file('[]')), /^bytes: header: expected a JSON object, got \[\]$/);
    rejects(() => decodeSafetensors(file('[{}, 1]')), /^bytes: header: expected a JSON object, got \[Object, 1\]$/);
    rejects(() => decodeSafetensors(file('3')), /header: expected a JSON object, got 3$/);
    rejects(() => decodeSafetensors(file('"x"')), /header: expected a JSON object, got "x"$/);
  });

  it('entries that are not objects', () => {
    rejects(() => decodeSafetensors(file({ a: 3 })), /^bytes: tensor a: expected an object \{ dtype, shape, data_offsets \}, got 3$/);
    rejects(() => decodeSafetensors(file({ a: null })), /tensor a: expected an object .*, got null$/);
    rejects(() => decodeSafetensors(file({ a: [] })), /tensor a: expected an object .*, got \[\]$/);
  });

  it('missing dtype, shape or data_offsets', () => {
    rejects(() => decodeSafetensors(file({ a: { shape: [1], data_offsets: [0, 4] } }, zeros(4))), /^bytes: tensor a: expected dtype one of F32, F64, F16, BF16, I32, got no such field$/);
    rejects(() => decodeSafetensors(file({ a: { dtype: 'F32', data_offsets: [0, 4] } }, zeros(4))), /^bytes: tensor a: expected shape as an array of non-negative safe integers with a safe byte size, got no such field$/);
    rejects(() => decodeSafetensors(file({ a: { dtype: 'F32', shape: [1] } }, zeros(4))), /^bytes: tensor a: expected data_offsets as \[begin, end\], non-negative safe integers with begin ≤ end, got no such field$/);
  });

  it('unknown dtypes, and valid safetensors dtypes that this library does not read', () => {
    rejects(() => decodeSafetensors(file({ a: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } }, [0])), /tensor a: expected dtype one of F32, F64, F16, BF16, I32, got Q4$/);
    rejects(() => decodeSafetensors(file({ a: { dtype: 7, shape: [1], data_offsets: [0, 1] } }, [0])), /tensor a: expected dtype one of .*, got 7$/);
    rejects(() => decodeSafetensors(file({ a: { dtype: 'constructor', shape: [1], data_offsets: [0, 1] } }, [0])), /tensor a: expected dtype .*, got constructor$/);
    rejects(() => decodeSafetensors(file({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, zeros(8))), /tensor a: expected dtype .*, got I64 \(a safetensors dtype this library does not read\)$/);
  });

  it('shape: negative, fractional or non-number dims; not an array; a product past safe integers', () => {
    const shaped = (shape: unknown): Uint8Array => file({ a: { dtype: 'F32', shape, data_offsets: [0, 4] } }, zeros(4));
    rejects(() => decodeSafetensors(shaped([2, -1])), /tensor a: expected shape as an array of non-negative safe integers .*, got \[2, -1\]$/);
    rejects(() => decodeSafetensors(shaped([1.5])), /tensor a: expected shape .*, got \[1\.5\]$/);
    rejects(() => decodeSafetensors(shaped(['2'])), /tensor a: expected shape .*, got \["2"\]$/);
    rejects(() => decodeSafetensors(shaped([null])), /tensor a: expected shape .*, got \[null\]$/);
    rejects(() => decodeSafetensors(shaped(4)), /tensor a: expected shape .*, got 4$/);
    rejects(() => decodeSafetensors(shaped([2 ** 26, 2 ** 26, 2 ** 26])), /tensor a: expected shape .* with a safe byte size, got \[67108864, 67108864, 67108864\]$/);
    rejects(() => decodeSafetensors(shaped([2 ** 51])), /tensor a: expected shape .* safe byte size/); // 2^51 × 4 bytes
    rejects(() => decodeSafetensors(file('{"a":{"dtype":"F32","shape":[1e400],"data_offsets":[0,4]}}', zeros(4))), /tensor a: expected shape .*, got \[Infinity\]$/);
  });

  it('data_offsets: not two non-negative safe integers, or begin > end', () => {
    const offsets = (o: unknown): Uint8Array => file({ a: { dtype: 'F32', shape: [1], data_offsets: o } }, zeros(4));
    const message = /^bytes: tensor a: expected data_offsets as \[begin, end\], non-negative safe integers with begin ≤ end, got /;
    for (const bad of ['x', [0], [0, 4, 4], [-4, 0], [0, 4.5], ['0', 4], [0, 2 ** 53], [4, 0], { 0: 0, 1: 4 }]) rejects(() => decodeSafetensors(offsets(bad)), message);
  });

  it('byte size not matching shape × dtype width, and offsets past the data', () => {
    rejects(() => decodeSafetensors(file({ a: f32([2], 0, 4) }, zeros(4))), /^bytes: tensor a: expected data_offsets inside the data \(4 bytes\) holding 2 × 4 bytes, got \[0, 4\]$/);
    rejects(() => decodeSafetensors(file({ a: f32([1], 4, 8) }, zeros(4))), /tensor a: expected data_offsets inside the data \(4 bytes\) holding 1 × 4 bytes, got \[4, 8\]$/);
  });

  it('offsets that leave a gap, overlap, or leave bytes no tensor covers (the buffer must be fully indexed)', () => {
    rejects(() => decodeSafetensors(file({ a: f32([1], 4, 8) }, zeros(8))), /^bytes: tensor a: expected data_offsets starting at 0, the start of the data \(tensors must cover the data without gaps or overlaps\), got \[4, 8\]$/);
    rejects(() => decodeSafetensors(file({ a: f32([2], 0, 8), b: f32([2], 4, 12) }, zeros(12))), /^bytes: tensor b: expected data_offsets starting at 8, where tensor a ends .*, got \[4, 12\]$/);
    rejects(() => decodeSafetensors(file({ a: f32([1], 0, 4), b: f32([1], 8, 12) }, zeros(12))), /tensor b: expected data_offsets starting at 4, where tensor a ends/);
    rejects(() => decodeSafetensors(file({ a: f32([1], 0, 4), b: f32([1], 0, 4) }, zeros(8))), /tensor b: expected data_offsets starting at 4, where tensor a ends .*, got \[0, 4\]$/);
    rejects(() => decodeSafetensors(file({ a: f32([2], 0, 8), z: f32([0], 4, 4) }, zeros(8))), /^bytes: tensor z: expected data_offsets starting at 8, where tensor a ends .*, got \[4, 4\]$/);
    rejects(() => decodeSafetensors(file({ a: f32([1], 0, 4) }, zeros(8))), /^bytes: data: expected 4 bytes, where tensor a ends, got 8 bytes \(bytes no tensor covers\)$/);
    rejects(() => decodeSafetensors(file({}, zeros(4))), /^bytes: data: expected 0 bytes, as there are no tensors, got 4 bytes/);
  });

  it('accepts tensors listed out of order, and zero-size tensors at any boundary', () => {
    const bytes = file({ b: f32([1], 4, 8), z: f32([0, 3], 8, 8), a: f32([1], 0, 4), y: f32([0], 0, 0), x: { dtype: 'I32', shape: [], data_offsets: [8, 12] } }, [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 7, 0, 0, 0]);
    const { tensors } = decodeSafetensors(bytes);
    expect(Object.keys(tensors).sort()).toEqual(['a', 'b', 'x', 'y', 'z']);
    expect(Array.from(tensors.a!.data)).toEqual([1]);
    expect(Array.from(tensors.b!.data)).toEqual([2]);
    expect(tensors.x!.data).toBeInstanceOf(Int32Array);
    expect(Array.from(tensors.x!.data)).toEqual([7]);
    expect(tensors.z).toEqual({ shape: [0, 3], data: new Float32Array(0) });
    expect(decodeSafetensors(file('  {} \n'))).toEqual({ tensors: {}, metadata: {} });
    // Fields other than dtype, shape and data_offsets are ignored, as in the Rust reference.
    expect(Array.from(decodeSafetensors(file({ a: { ...f32([1], 0, 4), note: 1 } }, [0, 0, 0x80, 0x3f])).tensors.a!.data)).toEqual([1]);
  });

  it('repeated keys, which JSON.parse would silently merge: tensors, fields, metadata, escaped spellings', () => {
    const a = JSON.stringify(f32([1], 0, 4));
    rejects(() => decodeSafetensors(file(`{"a":${a},"a":${a}}`, zeros(4))), /^bytes: header: expected each key once, got "a" more than once$/);
    rejects(() => decodeSafetensors(file(`{"a":${a},"\\u0061":${a}}`, zeros(4))), /header: expected each key once, got "a" more than once$/);
    rejects(() => decodeSafetensors(file(`{"a":{"dtype":"F32","shape":[1],"dtype":"F32","data_offsets":[0,4]}}`, zeros(4))), /^bytes: header in "a": expected each key once, got "dtype" more than once$/);
    rejects(() => decodeSafetensors(file(`{"__metadata__":{"k":"1","k":"2"},"a":${a}}`, zeros(4))), /header in "__metadata__": expected each key once, got "k" more than once$/);
    rejects(() => decodeSafetensors(file(`{"__metadata__":{},"__metadata__":{},"a":${a}}`, zeros(4))), /got "__metadata__" more than once$/);
    // Keys that only look alike, and braces, quotes and commas inside strings, are no duplicates.
    const tricky = `{"__metadata__":{"x":"{\\"a\\": 1, \\"a\\": 2}","y":"[\\"a\\",\\"a\\"]"},"a\\"b,{":${a},"a":${JSON.stringify(f32([1], 4, 8))}}`;
    const decoded = decodeSafetensors(file(tricky, zeros(8)));
    expect(Object.keys(decoded.tensors).sort()).toEqual(['a', 'a"b,{']);
    expect(decoded.metadata).toEqual({ x: '{"a": 1, "a": 2}', y: '["a","a"]' });
  });

  it('reserved and empty names: __proto__ is refused; constructor and prototype are plain tensors', () => {
    const a = JSON.stringify(f32([1], 0, 4));
    rejects(() => decodeSafetensors(file(`{"__proto__":${a}}`, zeros(4))), /^bytes: header: expected tensor names other than "" and "__proto__", got "__proto__"$/);
    rejects(() => decodeSafetensors(file({ '': f32([1], 0, 4) }, zeros(4))), /^bytes: header: expected tensor names other than "" and "__proto__", got ""$/);
    const names = ['constructor', 'prototype', 'hasOwnProperty', 'toString'];
    const header = Object.fromEntries(names.map((name, i) => [name, f32([1], 4 * i, 4 * i + 4)]));
    const { tensors } = decodeSafetensors(file(header, zeros(16)));
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
    for (const name of names) expect(Object.hasOwn(tensors, name) && Array.from(tensors[name]!.data)).toEqual([0]);
    expect(({} as Record<string, unknown>).shape).toBeUndefined();
  });

  it('__metadata__ that is not an object of string values', () => {
    rejects(() => decodeSafetensors(file({ __metadata__: null })), /^bytes: __metadata__: expected an object of string values, got null$/);
    rejects(() => decodeSafetensors(file({ __metadata__: ['x'] })), /__metadata__: expected an object of string values, got \["x"\]$/);
    rejects(() => decodeSafetensors(file({ __metadata__: 'x' })), /__metadata__: expected an object of string values, got "x"$/);
    rejects(() => decodeSafetensors(file({ __metadata__: { a: 1 } })), /^bytes: __metadata__\["a"\]: expected a string, got 1$/);
    rejects(() => decodeSafetensors(file('{"__metadata__":{"__proto__":"x"}}')), /__metadata__: expected keys other than "__proto__", got "__proto__"$/);
    expect(decodeSafetensors(file({ __metadata__: { '': '', format: 'pt' } })).metadata).toEqual({ '': '', format: 'pt' });
  });

  it('very deep nesting and very long values give a short error, not a stack overflow', () => {
    const deep = `{"a":{"dtype":"F32","shape":${'['.repeat(100_000)}${']'.repeat(100_000)},"data_offsets":[0,4]}}`;
    rejects(() => decodeSafetensors(file(deep, zeros(4))), /tensor a: expected shape .*, got \[\[…\]\]$/);
    const long = 'n'.repeat(10_000);
    let message = '';
    try {
      decodeSafetensors(file({ [long]: f32([1], 0, 4), [`${long}2`]: f32([2], 0, 8) }, zeros(8)));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.length).toBeLessThan(400);
    expect(message).toMatch(/^bytes: tensor n+…: expected data_offsets starting at 4, where tensor n+… ends/);
  });
});

describe('encodeSafetensors refuses what the decoder would refuse', () => {
  const one = { shape: [1], data: [1] };

  it('names that are empty, __proto__ or __metadata__', () => {
    rejects(() => encodeSafetensors({ '': one }), /^tensors: expected names other than "", "__proto__" and "__metadata__", got ""$/);
    rejects(() => encodeSafetensors({ __metadata__: one }), /^tensors: expected names .*, got "__metadata__"$/);
    rejects(() => encodeSafetensors(JSON.parse('{"__proto__": {"shape": [1], "data": [1]}}') as StateDict), /^tensors: expected names .*, got "__proto__"$/);
  });

  it('shapes that are not arrays of non-negative safe integers, and data of the wrong length', () => {
    for (const shape of [[-1], [1.5], [NaN], ['1'], 3, [2 ** 53], [2 ** 30, 2 ** 30]]) {
      rejects(() => encodeSafetensors({ a: { shape: shape as number[], data: [] } }), /^tensors\["a"\]\.shape: expected an array of non-negative safe integers with a safe product, got /);
    }
    rejects(() => encodeSafetensors({ a: { shape: [2, 3], data: new Float32Array(5) } }), /^tensors\["a"\]\.data: expected 6 values for shape \[2, 3\], got 5$/);
    rejects(() => encodeSafetensors({ a: { shape: [2], data: undefined as unknown as number[] } }), /^tensors\["a"\]\.data: expected 2 values for shape \[2\], got no such field$/);
    rejects(() => encodeSafetensors({ a: null as unknown as StateDict[string] }), /^tensors\["a"\]: expected a \{ shape, data \} tensor, got null$/);
  });

  it('metadata that is not an object of string values', () => {
    rejects(() => encodeSafetensors({}, { a: 1 as unknown as string }), /^metadata\["a"\]: expected a string, got 1$/);
    rejects(() => encodeSafetensors({}, null as unknown as Record<string, string>), /^metadata: expected an object of string values, got null$/);
    rejects(() => encodeSafetensors({}, JSON.parse('{"__proto__": "x"}') as Record<string, string>), /^metadata: expected keys other than "__proto__"/);
  });

  it('round-trips Float32Array, number[] and Int32Array data (as F32), zero-size and scalar shapes, NaN and ±Infinity', () => {
    const tensors: StateDict = {
      f: { shape: [2, 2], data: new Float32Array([1.5, NaN, -Infinity, -0]) },
      n: { shape: [3], data: [0.1, Infinity, -2] },
      i: { shape: [2], data: new Int32Array([7, -3]) },
      empty: { shape: [0, 4], data: [] },
      scalar: { shape: [], data: [42] },
      constructor: { shape: [1], data: [5] },
    };
    const bytes = encodeSafetensors(tensors, { format: 'pt', '': 'é' });
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt', '': 'é' });
    for (const [name, { shape, data }] of Object.entries(tensors)) {
      expect(back.tensors[name]!.shape).toEqual(shape);
      expect(back.tensors[name]!.data).toEqual(Float32Array.from(data));
    }
    expect(Object.is(back.tensors.f!.data[3], -0)).toBe(true);
  });

  it('SafetensorsError is an ArgumentError, named and carrying the argument', () => {
    let caught: unknown;
    try {
      decodeSafetensors(file('null'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ArgumentError);
    expect((caught as SafetensorsError).name).toBe('SafetensorsError');
    expect((caught as SafetensorsError).argument).toBe('bytes: header');
  });
});
