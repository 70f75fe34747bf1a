/**
 * safetensors reading and writing: an 8-byte little-endian header length, a JSON header
 * of { name: { dtype, shape, data_offsets } } (plus optional __metadata__), then the data.
 * Reads F32, F64, F16 and BF16 (converted to f32) and I32; writes F32.
 */
import { ArgumentError } from '../errors.js';
import type { StateDict } from '../core/types.js';

export interface SafetensorsFile {
  tensors: StateDict;
  metadata: Record<string, string>;
}

const BYTES_PER_ELEMENT: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2, I32: 4 };

export function encodeSafetensors(tensors: StateDict, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const entries = Object.entries(tensors);
  for (const [name, { shape, data }] of entries) {
    const bytes = data.length * 4;
    header[name] = { dtype: 'F32', shape: [...shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  // Pad the header with spaces so that the data starts 8-byte aligned.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
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

export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (!(bytes instanceof Uint8Array)) throw new ArgumentError('bytes', 'a Uint8Array holding a safetensors file', typeof bytes);
  if (bytes.length < 8) throw new ArgumentError('bytes', 'a safetensors file (at least 8 bytes)', `${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) throw new ArgumentError('bytes', `a header of at most ${bytes.length - 8} bytes`, `a header length of ${headerLength}`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw new ArgumentError('bytes', 'a safetensors JSON header', `unparseable JSON (${(error as Error).message})`);
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors: StateDict = {};
  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = info as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = info as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const width = BYTES_PER_ELEMENT[dtype];
    if (!width) throw new ArgumentError(`bytes: tensor ${name}`, `dtype one of ${Object.keys(BYTES_PER_ELEMENT).join(', ')}`, String(dtype));
    const count = shape.reduce((a, b) => a * b, 1);
    const [begin, end] = offsets;
    if (!(begin >= 0 && end <= dataLength && end - begin === count * width)) {
      throw new ArgumentError(`bytes: tensor ${name}`, `data_offsets inside the data (${dataLength} bytes) holding ${count} × ${width} bytes`, `[${begin}, ${end}]`);
    }
    tensors[name] = { shape, data: decodeData(bytes, dataStart + begin, count, dtype) };
  }
  return { tensors, metadata };
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
