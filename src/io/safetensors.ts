/**
 * safetensors reading and writing: an 8-byte little-endian header length, a JSON header
 * of { name: { dtype, shape, data_offsets } } (plus optional __metadata__), then the data.
 * Reads F32, F64, F16 and BF16 (converted to f32) and I32; writes F32.
 *
 * The decoder is strict, as the reference (Rust) implementation is: any byte input either
 * decodes or throws a SafetensorsError naming the tensor and field at fault. In particular
 * the tensors' byte ranges, sorted, must cover the data exactly: from 0, without gaps or
 * overlaps, to its last byte. The encoder refuses what the decoder would refuse.
 */
import { ArgumentError, describe } from '../errors.js';
import type { StateDict } from '../core/types.js';

export interface SafetensorsFile {
  tensors: StateDict;
  metadata: Record<string, string>;
}

/** A safetensors file (or what is to be written as one) is malformed; says what and where. */
export class SafetensorsError extends ArgumentError {
  override name = 'SafetensorsError';
}

const BYTES_PER_ELEMENT: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2, I32: 4 };
/** Valid safetensors dtypes that this library does not read, so that the error can say so. */
const OTHER_DTYPES = ['BOOL', 'U8', 'I8', 'I16', 'U16', 'U32', 'I64', 'U64', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2'];
/** The Rust implementation's limit: a larger header is an attack or a corrupt length. */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA = '__metadata__';

export function encodeSafetensors(tensors: StateDict, metadata: Record<string, string> = {}): Uint8Array {
  const meta = checkMetadata('metadata', metadata);
  if (typeof tensors !== 'object' || tensors === null) throw new SafetensorsError('tensors', 'an object of named tensors', show(tensors));
  const header: Record<string, unknown> = {};
  if (Object.keys(meta).length > 0) header[METADATA] = meta;
  let offset = 0;
  const entries = Object.entries(tensors);
  for (const [name, tensor] of entries) {
    const where = `tensors[${show(name)}]`;
    if (name === '' || name === '__proto__' || name === METADATA) throw new SafetensorsError('tensors', 'names other than "", "__proto__" and "__metadata__"', show(name));
    if (typeof tensor !== 'object' || tensor === null) throw new SafetensorsError(where, 'a { shape, data } tensor', show(tensor));
    const count = elementCount(tensor.shape);
    if (count === undefined || count * 4 > Number.MAX_SAFE_INTEGER) throw new SafetensorsError(`${where}.shape`, 'an array of non-negative safe integers with a safe product', show(tensor.shape));
    const length = (tensor.data as ArrayLike<number> | null | undefined)?.length;
    if (length !== count) throw new SafetensorsError(`${where}.data`, `${count} values for shape [${tensor.shape.join(', ')}]`, typeof length === 'number' ? `${length}` : show(tensor.data));
    header[name] = { dtype: 'F32', shape: [...tensor.shape], data_offsets: [offset, offset + count * 4] };
    offset += count * 4;
  }
  // Pad the header with spaces so that the data starts 8-byte aligned.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  if (headerBytes.length > MAX_HEADER_BYTES) throw new SafetensorsError('tensors', `a header of at most ${MAX_HEADER_BYTES} bytes`, `${headerBytes.length} bytes`);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const [, { data }] of entries) {
    const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
    out.set(new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength), at);
    at += f32.byteLength;
  }
  return out;
}

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  count: number;
  begin: number;
  end: number;
}

export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (!(bytes instanceof Uint8Array)) throw new SafetensorsError('bytes', 'a Uint8Array holding a safetensors file', typeof bytes);
  if (bytes.length < 8) throw new SafetensorsError('bytes', 'a safetensors file (at least 8 bytes)', `${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) throw new SafetensorsError('bytes: header length', `at most ${MAX_HEADER_BYTES} bytes`, `${declared}`);
  const headerLength = Number(declared);
  if (headerLength > bytes.length - 8) throw new SafetensorsError('bytes', `a header of at most ${bytes.length - 8} bytes`, `a header length of ${headerLength}`);
  let text: string;
  try {
    // fatal: invalid UTF-8 is an error, not U+FFFD; ignoreBOM: a BOM stays and fails JSON.parse, as in Rust.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    throw new SafetensorsError('bytes: header', 'UTF-8 text', 'invalid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    throw new SafetensorsError('bytes', 'a safetensors JSON header', `unparseable JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new SafetensorsError('bytes: header', 'a JSON object', show(header));
  const duplicate = findDuplicateKey(text);
  if (duplicate) throw new SafetensorsError(`bytes: header${duplicate.inside === undefined ? '' : ` in ${show(duplicate.inside)}`}`, 'each key once', `${show(duplicate.key)} more than once`);

  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA) metadata = checkMetadata(`bytes: ${METADATA}`, info);
    else entries.push(checkEntry(name, info, dataLength));
  }
  // Sorted by (begin, end), each range must start where the previous one ended; zero-size
  // tensors may sit at any boundary. This is the Rust reference's validate().
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let position = 0;
  let previous: string | undefined;
  for (const entry of entries) {
    if (entry.begin !== position) {
      const where = previous === undefined ? 'the start of the data' : `where tensor ${clip(previous)} ends`;
      throw new SafetensorsError(tensorAt(entry.name), `data_offsets starting at ${position}, ${where} (tensors must cover the data without gaps or overlaps)`, `[${entry.begin}, ${entry.end}]`);
    }
    position = entry.end;
    previous = entry.name;
  }
  if (position !== dataLength) {
    throw new SafetensorsError('bytes: data', `${position} bytes, ${previous === undefined ? 'as there are no tensors' : `where tensor ${clip(previous)} ends`}`, `${dataLength} bytes (bytes no tensor covers)`);
  }
  const tensors: StateDict = {};
  for (const { name, dtype, shape, count, begin } of entries) tensors[name] = { shape, data: decodeData(bytes, dataStart + begin, count, dtype) };
  return { tensors, metadata };
}

function checkEntry(name: string, info: unknown, dataLength: number): Entry {
  // '__proto__' would set the prototype of the result instead of adding a tensor.
  if (name === '' || name === '__proto__') throw new SafetensorsError('bytes: header', 'tensor names other than "" and "__proto__"', show(name));
  const where = tensorAt(name);
  if (typeof info !== 'object' || info === null || Array.isArray(info)) throw new SafetensorsError(where, 'an object { dtype, shape, data_offsets }', show(info));
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  const width = typeof dtype === 'string' && Object.hasOwn(BYTES_PER_ELEMENT, dtype) ? BYTES_PER_ELEMENT[dtype]! : 0;
  if (!width) {
    const note = typeof dtype === 'string' && OTHER_DTYPES.includes(dtype) ? ' (a safetensors dtype this library does not read)' : '';
    throw new SafetensorsError(where, `dtype one of ${Object.keys(BYTES_PER_ELEMENT).join(', ')}`, `${typeof dtype === 'string' ? clip(dtype) : show(dtype)}${note}`);
  }
  const count = elementCount(shape);
  if (count === undefined || count * width > Number.MAX_SAFE_INTEGER) throw new SafetensorsError(where, 'shape as an array of non-negative safe integers with a safe byte size', show(shape));
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || (offsets[0] as number) > (offsets[1] as number)) {
    throw new SafetensorsError(where, 'data_offsets as [begin, end], non-negative safe integers with begin ≤ end', show(offsets));
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataLength || end - begin !== count * width) {
    throw new SafetensorsError(where, `data_offsets inside the data (${dataLength} bytes) holding ${count} × ${width} bytes`, `[${begin}, ${end}]`);
  }
  return { name, dtype: dtype as string, shape: [...(shape as number[])], count, begin, end };
}

/** A JSON object of string values, copied to a fresh object; both ends use it. */
function checkMetadata(argument: string, value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SafetensorsError(argument, 'an object of string values', show(value));
  const out: Record<string, string> = {};
  for (const [key, text] of Object.entries(value)) {
    if (key === '__proto__') throw new SafetensorsError(argument, 'keys other than "__proto__"', '"__proto__"');
    if (typeof text !== 'string') throw new SafetensorsError(`${argument}[${show(key)}]`, 'a string', show(text));
    out[key] = text;
  }
  return out;
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** The product of a shape's dimensions, or undefined where the shape or the product is not a safe count. */
function elementCount(shape: unknown): number | undefined {
  if (!Array.isArray(shape) || !shape.every(isCount)) return undefined;
  let count = 1;
  for (const dim of shape as number[]) {
    count *= dim;
    if (count > Number.MAX_SAFE_INTEGER) return undefined;
  }
  return count;
}

/** A value for a message: short, and without recursing into (possibly very deep) arrays. */
function show(value: unknown): string {
  if (value === undefined) return 'no such field';
  return clip(Array.isArray(value) ? `[${value.slice(0, 8).map((v) => (Array.isArray(v) ? '[…]' : describe(v))).join(', ')}${value.length > 8 ? ', …' : ''}]` : describe(value));
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function tensorAt(name: string): string {
  return `bytes: tensor ${clip(name)}`;
}

/**
 * JSON.parse keeps the last of repeated keys, so a file could hide a second tensor entry.
 * This walks the (already parsed, so valid) text for a key repeated in any one object,
 * comparing keys after unescaping ("a" and "\u0061" are the same key).
 */
function findDuplicateKey(text: string): { key: string; inside: string | undefined } | undefined {
  const stack: { keys: Set<string>; name: string | undefined; last: string | undefined }[] = [];
  let array = 0; // how many arrays are open above the innermost object, to skip their strings
  const arrays: number[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top && expectKey && array === 0) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return { key, inside: top.name };
        top.keys.add(key);
        top.last = key;
      }
      expectKey = false;
      i = j;
    } else if (c === '{') {
      arrays.push(array);
      stack.push({ keys: new Set(), name: array === 0 ? stack[stack.length - 1]?.last : undefined, last: undefined });
      array = 0;
      expectKey = true;
    } else if (c === '}') {
      stack.pop();
      array = arrays.pop() ?? 0;
    } else if (c === '[') array++;
    else if (c === ']') array--;
    else if (c === ',') expectKey = array === 0;
  }
  return undefined;
}

function decodeData(bytes: Uint8Array, at: number, count: number, dtype: string): Float32Array | Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, count * BYTES_PER_ELEMENT[dtype]!);
  if (dtype === 'I32') return Int32Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true));
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    if (dtype === 'F32') out[i] = view.getFloat32(i * 4, true);
    else if (dtype === 'F64') out[i] = view.getFloat64(i * 8, true);
    else if (dtype === 'BF16') out[i] = bfloat16ToNumber(view.getUint16(i * 2, true));
    else out[i] = float16ToNumber(view.getUint16(i * 2, true));
  }
  return out;
}

function bfloat16ToNumber(bits: number): number {
  return new Float32Array(new Uint32Array([bits << 16]).buffer)[0]!;
}

function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Entries whose names start with `prefix`, with the prefix removed (e.g. 'encoder.rnn.'). */
export function withoutPrefix(tensors: StateDict, prefix: string): StateDict {
  if (!prefix) return tensors;
  return Object.fromEntries(Object.entries(tensors).filter(([name]) => name.startsWith(prefix)).map(([name, t]) => [name.slice(prefix.length), t]));
}
