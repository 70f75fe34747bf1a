/**
 * A GPU tensor: a shape, a dtype and a pooled storage buffer. Reading back is explicit
 * and async; dispose() returns the buffer to the pool.
 */
import type { Runtime } from './runtime/runtime.js';
import { ArgumentError, checkOneOf, checkShape, describe } from './errors.js';

export type DType = 'f32' | 'i32' | 'u32';
export const DTYPES: readonly DType[] = ['f32', 'i32', 'u32'];

export type TypedArrayFor<D extends DType> = D extends 'f32' ? Float32Array : D extends 'i32' ? Int32Array : Uint32Array;

const ARRAY_TYPES = { f32: Float32Array, i32: Int32Array, u32: Uint32Array } as const;

// GPUBufferUsage exists only once a WebGPU implementation is loaded, so it is read lazily.
function tensorUsage(): GPUBufferUsageFlags {
  return GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

let nextTensorId = 1;

export class Tensor<D extends DType = DType> {
  readonly size: number;
  readonly label: string;
  private gpuBuffer: GPUBuffer | null;

  private constructor(
    readonly runtime: Runtime,
    readonly shape: readonly number[],
    readonly dtype: D,
    label: string | undefined,
  ) {
    this.size = sizeOf(shape);
    this.label = label ?? `tensor#${nextTensorId++}`;
    if (runtime.isDestroyed) throw new ArgumentError('runtime', 'a live runtime', 'a destroyed one');
    runtime.checkAlive(`tensor ${this.label}`);
    const maxBytes = runtime.limits.maxStorageBufferBindingSize;
    if (this.byteLength > maxBytes) {
      throw new ArgumentError('shape', `at most ${maxBytes} bytes (maxStorageBufferBindingSize)`, `${describe(shape)} = ${this.byteLength} bytes`);
    }
    this.gpuBuffer = runtime.pool.acquire(Math.max(this.byteLength, 4), tensorUsage(), `${this.label} ${dtypeLabel(dtype, shape)}`);
  }

  /** A tensor with uninitialised contents. */
  static empty<D extends DType = 'f32'>(runtime: Runtime, shape: readonly number[], dtype: D = 'f32' as D, label?: string): Tensor<D> {
    checkShape('shape', shape);
    checkOneOf('dtype', dtype, DTYPES);
    return new Tensor(runtime, [...shape], dtype, label);
  }

  static zeros<D extends DType = 'f32'>(runtime: Runtime, shape: readonly number[], dtype: D = 'f32' as D, label?: string): Tensor<D> {
    const tensor = Tensor.empty(runtime, shape, dtype, label);
    runtime.commandEncoder().clearBuffer(tensor.buffer, 0, alignedBytes(tensor.byteLength));
    return tensor;
  }

  /** Uploads `data`; its length must equal the shape's size. */
  static from<D extends DType = 'f32'>(
    runtime: Runtime,
    data: ArrayLike<number>,
    shape: readonly number[],
    dtype: D = 'f32' as D,
    label?: string,
  ): Tensor<D> {
    checkShape('shape', shape);
    checkOneOf('dtype', dtype, DTYPES);
    if (data === null || typeof data !== 'object' || typeof data.length !== 'number') {
      throw new ArgumentError('data', 'an array or typed array', describe(data));
    }
    if (data.length !== sizeOf(shape)) {
      throw new ArgumentError('data', `${sizeOf(shape)} values for shape ${describe(shape)}`, `${data.length} values`);
    }
    const typed = typedFor(data, dtype);
    const tensor = new Tensor(runtime, [...shape], dtype, label);
    if (typed.byteLength > 0) runtime.device.queue.writeBuffer(tensor.buffer, 0, typed.buffer, typed.byteOffset, typed.byteLength);
    return tensor;
  }

  get byteLength(): number {
    return this.size * 4;
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.gpuBuffer === null;
  }

  /** The storage buffer; throws once the tensor is disposed. */
  get buffer(): GPUBuffer {
    if (!this.gpuBuffer) throw new ArgumentError(this.label, 'a live tensor', 'a disposed tensor');
    return this.gpuBuffer;
  }

  /** Waits for the work that writes this tensor, then copies it to the CPU. */
  async read(): Promise<TypedArrayFor<D>> {
    const buffer = this.buffer;
    const ArrayType = ARRAY_TYPES[this.dtype];
    if (this.size === 0) return new ArrayType(0) as TypedArrayFor<D>;
    const bytes = await this.runtime.readBuffer(buffer, 0, this.byteLength, this.label);
    return new ArrayType(bytes) as TypedArrayFor<D>;
  }

  /** Overwrites the contents with `data` (same length as the tensor). */
  write(data: ArrayLike<number>): void {
    const buffer = this.buffer;
    if (data === null || typeof data !== 'object' || typeof data.length !== 'number') throw new ArgumentError('data', 'an array or typed array', describe(data));
    if (data.length !== this.size) throw new ArgumentError('data', `${this.size} values for ${this.label}`, `${data.length} values`);
    const typed = typedFor(data, this.dtype);
    // Work recorded before this write must see the old contents.
    this.runtime.submit();
    this.runtime.device.queue.writeBuffer(buffer, 0, typed.buffer, typed.byteOffset, typed.byteLength);
  }

  dispose(): void {
    if (!this.gpuBuffer) return;
    // A destroyed runtime has destroyed every buffer already.
    if (!this.runtime.isDestroyed) this.runtime.pool.release(this.gpuBuffer);
    this.gpuBuffer = null;
  }

  toString(): string {
    return `Tensor(${this.label}, ${dtypeLabel(this.dtype, this.shape)}${this.isDisposed ? ', disposed' : ''})`;
  }
}

/** `data` as the dtype's typed array; i32 and u32 refuse values they cannot hold exactly. */
function typedFor<D extends DType>(data: ArrayLike<number>, dtype: D): TypedArrayFor<D> {
  const typed = data instanceof ARRAY_TYPES[dtype] ? (data as TypedArrayFor<D>) : new ARRAY_TYPES[dtype](data);
  if (dtype !== 'f32') {
    for (let i = 0; i < data.length; i++) {
      if (typed[i] !== data[i]) throw new ArgumentError(`data[${i}]`, `a value representable as ${dtype}`, describe(data[i]));
    }
  }
  return typed as TypedArrayFor<D>;
}

function dtypeLabel(dtype: DType, shape: readonly number[]): string {
  return `${dtype}[${shape.join(',')}]`;
}

function alignedBytes(bytes: number): number {
  return Math.ceil(bytes / 4) * 4;
}

export interface TensorExpectation {
  dtype?: DType;
  rank?: number;
}

/** Checks an op argument before any GPU work: a live tensor of this runtime, dtype and rank. */
export function checkTensor(argument: string, value: unknown, runtime: Runtime, expect: TensorExpectation = {}): Tensor {
  if (!(value instanceof Tensor)) throw new ArgumentError(argument, 'a Tensor', describe(value));
  if (value.isDisposed) throw new ArgumentError(argument, 'a live tensor', `disposed ${value.toString()}`);
  if (value.runtime !== runtime) throw new ArgumentError(argument, 'a tensor of the same runtime', `${value.toString()} from another runtime`);
  if (expect.dtype && value.dtype !== expect.dtype) throw new ArgumentError(argument, `dtype ${expect.dtype}`, `dtype ${value.dtype}`);
  if (expect.rank !== undefined && value.rank !== expect.rank) {
    throw new ArgumentError(argument, `rank ${expect.rank}`, `shape ${describe(value.shape)} (rank ${value.rank})`);
  }
  return value;
}
