/**
 * Seeded mutations of valid safetensors files, and an independent judge of what the decoder
 * made of each. Shared by test/io/safetensors-fuzz.test.ts (a few thousand cases) and
 * bench/fuzz-safetensors.ts (any count). It lives under test/ because it is test code: the
 * package ships src/ only, and nothing here belongs in the library.
 */
import { SafetensorsError, decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import type { StateDict } from '../../src/core/types.js';
import { randomGenerator } from '../../src/util/random.js';

export type Rng = () => number;

/** mulberry32 (the project's seeded generator), so that every case can be replayed from its seed. */
export const mulberry32: (seed: number) => Rng = randomGenerator;

const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)]!;

const NAMES = ['w', 'rnn.weight_ih_l0', 'rnn.bias_hh_l0', 'b', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '0', '10', 'é名', 'a b', 'x.y.z'];
const SPECIAL = [0, -0, 1, -1, NaN, Infinity, -Infinity, 1e-45, 3.4e38, 65504, 2 ** 24 + 1];

export interface ValidFile {
  tensors: StateDict;
  metadata: Record<string, string>;
  bytes: Uint8Array;
}

/** 0–5 tensors of rank 0–3 (zero-size dims included), F32 / number[] / Int32Array data, sometimes metadata. */
export function validFile(rng: Rng): ValidFile {
  const names = [...NAMES].sort(() => rng() - 0.5).slice(0, int(rng, 6));
  const tensors: StateDict = {};
  for (const name of names) {
    const shape = Array.from({ length: int(rng, 4) }, () => (rng() < 0.15 ? 0 : 1 + int(rng, 5)));
    const count = shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: count }, () => (rng() < 0.2 ? pick(rng, SPECIAL) : (rng() - 0.5) * 10));
    const kind = int(rng, 3);
    tensors[name] = { shape, data: kind === 0 ? Float32Array.from(values) : kind === 1 ? values : Int32Array.from(values, (v) => v | 0) };
  }
  const metadata: Record<string, string> = rng() < 0.5 ? {} : { format: 'pt', note: pick(rng, ['', 'x', 'ünï', '{"a": [1]}', 'constructor']) };
  return { tensors, metadata, bytes: encodeSafetensors(tensors, metadata) };
}

export interface Mutation {
  kind: string;
  bytes: Uint8Array;
  /** true: the file is still valid and must decode; false: it must be rejected; undefined: either. */
  valid: boolean | undefined;
}

type Pairs = [string, unknown][];

/** The header as key/value pairs (so that duplicates and "__proto__" can be written) and the data. */
function split(bytes: Uint8Array): { pairs: Pairs; data: Uint8Array } | undefined {
  if (bytes.length < 8) return undefined;
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  if (8 + n > bytes.length) return undefined;
  try {
    const header: unknown = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    if (typeof header !== 'object' || header === null || Array.isArray(header)) return undefined;
    return { pairs: Object.entries(header).map(([k, v]) => [k, structuredClone(v)]), data: bytes.slice(8 + n) };
  } catch {
    return undefined;
  }
}

/** Values that JSON.stringify cannot write (1e400, deep nesting): a marker string, replaced after. */
const RAW = ['1e400', '-0', '1.0', '2e0', `${'['.repeat(5000)}${']'.repeat(5000)}`, '9007199254740993'];
const raw = (i: number): string => `@@raw${i}@@`;

function headerText(pairs: Pairs): string {
  const text = `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
  return text.replace(/"@@raw(\d)@@"/g, (_, i: string) => RAW[Number(i)]!);
}

function assemble(header: string | Uint8Array, data: Uint8Array): Uint8Array {
  const bytes = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const out = new Uint8Array(8 + bytes.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(bytes.length), true);
  out.set(bytes, 8);
  out.set(data, 8 + bytes.length);
  return out;
}

const DTYPES: unknown[] = ['F32', 'F64', 'F16', 'BF16', 'I32', 'U8', 'I64', 'BOOL', 'f32', 'Q4', '', 7, null, undefined, 'constructor'];
const DIMS = (d: number): unknown[] => [0, 1, 2, -1, 1.5, 2 ** 53, 2 ** 31, '2', null, 1e308, d + 1, d - 1, d * 2, raw(0), raw(1), raw(2), raw(5)];
const OFFSETS = (o: number, length: number): unknown[] => [0, -1, o - 1, o + 1, o - 4, o + 4, length, length + 1, 2 ** 53, 1.5, '0', null, raw(0), raw(3)];

type Edit = (rng: Rng, pairs: Pairs, data: Uint8Array) => { kind: string; header?: string; valid: boolean | undefined } | undefined;

/** Header edits; each returns undefined where it does not apply (e.g. no tensors), and the caller tries another. */
const EDITS: Edit[] = [
  (rng, pairs) => withTensor(rng, pairs, (t) => ((t.dtype = pick(rng, DTYPES)), { kind: 'dtype', valid: undefined })),
  (rng, pairs) => withTensor(rng, pairs, (t) => {
    const shape = t.shape;
    if (!Array.isArray(shape) || shape.length === 0) return undefined;
    const i = int(rng, shape.length);
    shape[i] = pick(rng, DIMS(shape[i]!)) as number;
    return { kind: 'shape-dim', valid: undefined };
  }),
  (rng, pairs) => withTensor(rng, pairs, (t) => (Array.isArray(t.shape) ? (t.shape.reverse(), { kind: 'shape-reverse', valid: true }) : undefined)),
  (rng, pairs) => withTensor(rng, pairs, (t) => (Array.isArray(t.shape) ? (t.shape.push(1), { kind: 'shape-append-1', valid: true }) : undefined)),
  (rng, pairs) => withTensor(rng, pairs, (t) => ((t.shape = pick(rng, [[], null, 5, '2,3', [[2]], {}, raw(4)])), { kind: 'shape-replace', valid: undefined })),
  (rng, pairs, data) => withTensor(rng, pairs, (t) => {
    const offsets = t.data_offsets;
    if (!Array.isArray(offsets)) return undefined;
    const i = int(rng, 2);
    offsets[i] = pick(rng, OFFSETS(offsets[i]!, data.length)) as number;
    return { kind: 'offset', valid: undefined };
  }),
  (rng, pairs) => withTensor(rng, pairs, (t) => {
    if (!Array.isArray(t.data_offsets)) return undefined;
    const [a, b] = t.data_offsets as unknown[];
    t.data_offsets = pick(rng, [[a], [a, b, b], [b, a], null, {}, 'x', []]);
    return { kind: 'offsets-form', valid: undefined };
  }),
  (rng, pairs) => withTensor(rng, pairs, (t) => {
    const k = pick(rng, [-8, -4, -1, 1, 4, 8]);
    if (!Array.isArray(t.data_offsets) || !t.data_offsets.every((o) => typeof o === 'number')) return undefined;
    const [a, b] = t.data_offsets as number[];
    t.data_offsets = [a! + k, b! + k];
    // Only a zero-size tensor can move and still sit at a boundary.
    return { kind: 'offsets-shift', valid: a === b ? undefined : false };
  }),
  (rng, pairs) => {
    const tensors = pairs.filter(([k, v]) => k !== '__metadata__' && typeof v === 'object' && v !== null);
    if (tensors.length < 2) return undefined;
    const a = pick(rng, tensors)[1] as Record<string, unknown>;
    const b = pick(rng, tensors)[1] as Record<string, unknown>;
    [a.data_offsets, b.data_offsets] = [b.data_offsets, a.data_offsets];
    return { kind: 'offsets-swap', valid: undefined };
  },
  (rng, pairs) => withTensor(rng, pairs, (t) => (delete t[pick(rng, ['dtype', 'shape', 'data_offsets'])], { kind: 'drop-field', valid: false })),
  (rng, pairs) => withTensor(rng, pairs, (t) => ((t.extra = pick(rng, [1, 'x', null, [1]])), { kind: 'extra-field', valid: true })),
  (rng, pairs) => {
    const tensors = pairs.filter(([k]) => k !== '__metadata__');
    if (tensors.length === 0) return undefined;
    pick(rng, tensors)[1] = pick(rng, [null, [], 3, 'x', true]);
    return { kind: 'entry-type', valid: false };
  },
  (rng) => ({ kind: 'top-level', header: pick(rng, ['null', '[]', '1', '"x"', 'true', '[{}]', '']), valid: false }),
  (rng, pairs) => {
    const tensors = pairs.filter(([k]) => k !== '__metadata__');
    if (tensors.length === 0) return undefined;
    pairs.splice(pairs.indexOf(pick(rng, tensors)), 1);
    return { kind: 'drop-tensor', valid: undefined };
  },
  (rng, pairs) => {
    const tensors = pairs.filter(([k]) => k !== '__metadata__');
    if (tensors.length === 0) return undefined;
    const [key, value] = pick(rng, tensors);
    // Same value: JSON.parse alone would keep one entry and see a valid file. Sometimes escaped.
    const literal = rng() < 0.5 || key === '' ? JSON.stringify(key) : `"\\u${key.charCodeAt(0).toString(16).padStart(4, '0')}${JSON.stringify(key.slice(1)).slice(1)}`;
    return { kind: 'duplicate-tensor', header: `${headerText(pairs).slice(0, -1)},${literal}:${JSON.stringify(value)}}`, valid: false };
  },
  (rng, pairs) => withTensor(rng, pairs, (t) => {
    const field = pick(rng, ['dtype', 'shape', 'data_offsets']);
    if (!(field in t)) return undefined;
    // The entry is replaced by a marker, then by its text with the field written twice.
    const text = JSON.stringify(t);
    for (const key of Object.keys(t)) delete t[key];
    t.marker = true;
    const twice = `${text.slice(0, -1)},${JSON.stringify(field)}:${JSON.stringify(JSON.parse(text)[field])}}`;
    return { kind: 'duplicate-field', header: headerText(pairs).replace('{"marker":true}', twice), valid: false };
  }),
  (rng, pairs) => {
    const tensors = pairs.filter(([k]) => k !== '__metadata__');
    if (rng() < 0.5 && tensors.length > 0) {
      pairs.push(['__proto__', structuredClone(pick(rng, tensors)[1])]);
      return { kind: 'proto-tensor', valid: false };
    }
    const rest = headerText(pairs.filter(([k]) => k !== '__metadata__'));
    return { kind: 'proto-metadata', header: `{"__metadata__":{"__proto__":"x"}${rest === '{}' ? '}' : `,${rest.slice(1)}`}`, valid: false };
  },
  (rng, pairs) => {
    const tensors = pairs.filter(([k]) => k !== '__metadata__');
    if (tensors.length === 0) return undefined;
    const name = pick(rng, ['', '__metadata__', 'constructor', 'prototype', 'valueOf', '__defineGetter__', 'é', 'a"b']);
    if (pairs.some(([k]) => k === name)) return undefined;
    pick(rng, tensors)[0] = name;
    return { kind: 'rename', valid: name === '' || name === '__metadata__' ? false : true };
  },
  (rng, pairs) => {
    const value = pick(rng, [null, [], 'x', { a: 1 }, { a: null }, {}, { a: 'b' }, { '': '' }]);
    const i = pairs.findIndex(([k]) => k === '__metadata__');
    if (i >= 0) pairs.splice(i, 1);
    pairs.unshift(['__metadata__', value]);
    const valid = typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
    return { kind: 'metadata', valid };
  },
  (rng, pairs) => ({ kind: 'whitespace', header: pick(rng, [' ', '\n', '\t', '\r\n']) + JSON.stringify(Object.fromEntries(pairs), null, int(rng, 3)) + ' '.repeat(int(rng, 9)), valid: true }),
  (rng, pairs) => ({ kind: 'bom', header: `\uFEFF${headerText(pairs)}`, valid: false }),
];

function withTensor(rng: Rng, pairs: Pairs, edit: (t: Record<string, unknown>) => ReturnType<Edit>): ReturnType<Edit> {
  const tensors = pairs.filter(([k, v]) => k !== '__metadata__' && typeof v === 'object' && v !== null && !Array.isArray(v));
  return tensors.length === 0 ? undefined : edit(pick(rng, tensors)[1] as Record<string, unknown>);
}

/** One mutation: of the bytes (truncate, append, bit flips, header length) or of the header JSON. */
export function mutate(rng: Rng, bytes: Uint8Array): Mutation {
  const n = bytes.length >= 8 ? Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true)) : 0;
  const dataStart = 8 + n;
  const flip = (from: number, to: number): Uint8Array => {
    const out = bytes.slice();
    const at = from + int(rng, to - from);
    out[at]! ^= 1 << int(rng, 8);
    return out;
  };
  const choice = int(rng, 18); // 0–7 byte-level, 8–17 header edits
  if (choice === 0) return { kind: 'truncate', bytes: bytes.slice(0, int(rng, bytes.length)), valid: false };
  if (choice === 1) return { kind: 'append', bytes: Uint8Array.from([...bytes, ...Array.from({ length: 1 + int(rng, 16) }, () => int(rng, 256))]), valid: false };
  if (choice === 2 && bytes.length >= 8) return { kind: 'flip-length', bytes: flip(0, 8), valid: false };
  if (choice === 3 && bytes.length >= 8) {
    const length = pick(rng, [0n, 1n, BigInt(n - 1), BigInt(n + 1), BigInt(bytes.length - 8), BigInt(bytes.length), 100_000_001n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n]);
    const out = bytes.slice();
    new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, length), true);
    return { kind: 'set-length', bytes: out, valid: length === BigInt(n) ? undefined : false };
  }
  if (choice === 4 && dataStart < bytes.length && dataStart > 8) return { kind: 'flip-data', bytes: flip(dataStart, bytes.length), valid: true };
  if (choice === 5 && dataStart > 8 && dataStart <= bytes.length) return { kind: 'flip-header', bytes: flip(8, dataStart), valid: undefined };
  if (choice === 6 && bytes.length > 8) {
    const out = bytes.slice();
    const at = 8 + int(rng, bytes.length - 8);
    out.fill(int(rng, 256), at, Math.min(out.length, at + 1 + int(rng, 8)));
    return { kind: 'overwrite', bytes: out, valid: undefined };
  }
  const parts = split(bytes);
  if (!parts) return { kind: 'append', bytes: Uint8Array.from([...bytes, 0]), valid: false };
  if (choice === 7) {
    // A byte that is never valid UTF-8, inside the header text.
    const header = new TextEncoder().encode(headerText(parts.pairs));
    const at = 1 + int(rng, header.length - 1);
    const broken = Uint8Array.from([...header.subarray(0, at), pick(rng, [0xff, 0xc0, 0x80, 0xed]), ...header.subarray(at)]);
    return { kind: 'invalid-utf8', bytes: assemble(broken, parts.data), valid: false };
  }
  for (let tries = 0; tries < 20; tries++) {
    const pairs: Pairs = parts.pairs.map(([k, v]) => [k, structuredClone(v)]);
    const edit = pick(rng, EDITS)(rng, pairs, parts.data);
    if (edit) return { kind: edit.kind, bytes: assemble(edit.header ?? headerText(pairs), parts.data), valid: edit.valid };
  }
  return { kind: 'none', bytes, valid: undefined };
}

/** Case i of a seeded run: a valid file, then one to three mutations (or none, one time in 20). */
export function fuzzCase(seed: number, i: number): Mutation {
  const rng = mulberry32((Math.imul(seed, 0x9e3779b1) ^ Math.imul(i, 0x85ebca77)) >>> 0);
  const file = validFile(rng);
  if (rng() < 0.05) return { kind: 'none', bytes: file.bytes, valid: true };
  let mutation = mutate(rng, file.bytes);
  const rounds = rng() < 0.7 ? 1 : 2 + int(rng, 2);
  for (let r = 1; r < rounds; r++) {
    const next = mutate(rng, mutation.bytes);
    mutation = { kind: `${mutation.kind}+${next.kind}`, bytes: next.bytes, valid: mutation.valid === true && next.valid === true ? true : undefined };
  }
  return mutation;
}

export interface Verdict {
  outcome: 'accepted' | 'rejected' | 'raw';
  /** The accepted file's offsets do not tile its data (an independent re-reading of the header). */
  badOffsets: boolean;
  problems: string[];
}

const WIDTH: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2, I32: 4 };

/** Decodes the mutated file and checks the result without the library's own code. */
export function judge(m: Mutation): Verdict {
  let result: ReturnType<typeof decodeSafetensors>;
  try {
    result = decodeSafetensors(m.bytes);
  } catch (error) {
    if (!(error instanceof SafetensorsError)) return { outcome: 'raw', badOffsets: false, problems: [`${m.kind}: raw ${String(error)}`] };
    return { outcome: 'rejected', badOffsets: false, problems: m.valid === true ? [`${m.kind}: rejected a valid file: ${error.message}`] : [] };
  }
  const problems = m.valid === false ? [`${m.kind}: accepted an invalid file`] : [];
  try {
    return { outcome: 'accepted', ...checkAccepted(m, result, problems) };
  } catch (error) {
    return { outcome: 'accepted', badOffsets: true, problems: [...problems, `${m.kind}: accepted a file the judge cannot re-read (${String(error)})`] };
  }
}

/** Re-reads an accepted file's header plainly: every tensor's range, sorted, must tile [0, data length]. */
function checkAccepted(m: Mutation, result: ReturnType<typeof decodeSafetensors>, problems: string[]): { badOffsets: boolean; problems: string[] } {
  const n = Number(new DataView(m.bytes.buffer, m.bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(m.bytes.subarray(8, 8 + n))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const dataLength = m.bytes.length - 8 - n;
  const entries = Object.entries(header).filter(([k]) => k !== '__metadata__');
  const ranges = entries.map(([, t]) => t.data_offsets).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let end = 0;
  let badOffsets = false;
  for (const [i, [name, t]] of entries.entries()) {
    const size = t.shape.reduce((a, b) => a * b, 1) * (WIDTH[t.dtype] ?? NaN);
    if (t.data_offsets[1] - t.data_offsets[0] !== size) badOffsets = true;
    const range = ranges[i]!;
    if (range[0] !== end) badOffsets = true;
    end = range[1];
    const got = result.tensors[name];
    if (!got || got.shape.join() !== t.shape.join()) problems.push(`${m.kind}: tensor ${name}: shape ${got?.shape.join()} vs header ${t.shape.join()}`);
    else if (!sameValues(got.data, readLittleEndian(m.bytes.subarray(8 + n + t.data_offsets[0], 8 + n + t.data_offsets[1]), t.dtype), t.dtype)) problems.push(`${m.kind}: tensor ${name}: values differ from the bytes`);
  }
  if (end !== dataLength) badOffsets = true;
  if (Object.getPrototypeOf(result.tensors) !== Object.prototype || Object.hasOwn(result.tensors, '__proto__')) problems.push(`${m.kind}: the tensors object's prototype changed`);
  if (badOffsets) problems.push(`${m.kind}: accepted offsets that do not tile the ${dataLength} data bytes`);
  if (Object.keys(result.tensors).length !== entries.length) problems.push(`${m.kind}: ${Object.keys(result.tensors).length} tensors decoded, header has ${entries.length}`);
  const metadata = (header.__metadata__ ?? {}) as unknown as Record<string, string>;
  if (JSON.stringify(result.metadata) !== JSON.stringify(metadata)) problems.push(`${m.kind}: metadata differs`);
  return { badOffsets, problems };
}

/** Little-endian values by copying to an aligned buffer (this test runs on little-endian hosts). */
function readLittleEndian(bytes: Uint8Array, dtype: string): ArrayLike<number> {
  const buffer = bytes.slice().buffer;
  if (dtype === 'F32') return new Float32Array(buffer);
  if (dtype === 'I32') return new Int32Array(buffer);
  if (dtype === 'F64') return Float32Array.from(new Float64Array(buffer));
  const halves = new Uint16Array(buffer);
  const bits = Uint32Array.from(halves, (h) => (dtype === 'BF16' ? h << 16 : halfToSingleBits(h)));
  return new Float32Array(bits.buffer);
}

/** IEEE half to single by moving bit fields (a different route from the library's arithmetic). */
function halfToSingleBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 31) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
  if (exponent !== 0) return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0;
  let e = 113; // normalise the subnormal: shift until the implicit bit appears
  let m = mantissa;
  while (!(m & 0x400)) (m <<= 1), e--;
  return (sign | (e << 23) | ((m & 0x3ff) << 13)) >>> 0;
}

function sameValues(got: ArrayLike<number>, want: ArrayLike<number>, dtype: string): boolean {
  if ((dtype === 'I32') !== got instanceof Int32Array || got.length !== want.length) return false;
  for (let i = 0; i < got.length; i++) if (!Object.is(got[i], want[i]) && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) return false;
  return true;
}

/** Tallies for a run: what the fuzz test asserts and the bench script prints. */
export function runFuzz(seed: number, count: number): { files: number; accepted: number; rejected: number; raw: number; badOffsets: number; kinds: Map<string, number>; problems: string[] } {
  const tally = { files: 0, accepted: 0, rejected: 0, raw: 0, badOffsets: 0, kinds: new Map<string, number>(), problems: [] as string[] };
  for (let i = 0; i < count; i++) {
    const m = fuzzCase(seed, i);
    const verdict = judge(m);
    tally.files++;
    tally[verdict.outcome]++;
    if (verdict.badOffsets) tally.badOffsets++;
    const kind = m.kind.split('+')[0]!;
    tally.kinds.set(kind, (tally.kinds.get(kind) ?? 0) + 1);
    for (const p of verdict.problems) if (tally.problems.length < 20) tally.problems.push(`case ${i} (seed ${seed}): ${p}`);
  }
  return tally;
}
