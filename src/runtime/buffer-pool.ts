/**
 * Reuses GPU buffers by size class and usage.
 *
 * A released buffer may still be named by commands that are encoded but not yet
 * submitted; handing it out again could let a queue.writeBuffer land before those
 * commands run. So released buffers wait in `pending` until the runtime reports a submit.
 */

export interface PoolStats {
  /** Bytes of all live buffers the pool created (in use, pending and free). */
  allocatedBytes: number;
  /** Bytes handed out and not yet released. */
  inUseBytes: number;
  /** Most allocatedBytes ever reached (since resetPeak). */
  peakAllocatedBytes: number;
  /** Most inUseBytes ever reached (since resetPeak): the memory live tensors needed at once. */
  peakInUseBytes: number;
  buffers: number;
}

/** Rounds up to a size class: four classes per power of two, so waste stays under 25%. */
export function sizeClass(byteSize: number): number {
  const minimum = 256;
  if (byteSize <= minimum) return minimum;
  const power = 2 ** Math.floor(Math.log2(byteSize));
  const step = power / 4;
  return Math.ceil(byteSize / step) * step;
}

export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private pending: GPUBuffer[] = [];
  private readonly sizes = new Map<GPUBuffer, number>();
  private readonly inUse = new Set<GPUBuffer>();
  private allocated = 0;
  private peak = 0;
  private inUseBytes = 0;
  private peakInUse = 0;

  constructor(private readonly device: GPUDevice) {}

  acquire(byteSize: number, usage: GPUBufferUsageFlags, label: string): GPUBuffer {
    // A size class past the device's largest buffer (or, bound whole, its largest storage
    // binding) would fail where the size itself fits.
    const limits = this.device.limits;
    const largest = Math.min(limits?.maxBufferSize ?? Infinity, usage & GPUBufferUsage.STORAGE ? (limits?.maxStorageBufferBindingSize ?? Infinity) : Infinity);
    const size = Math.max(byteSize, Math.min(sizeClass(byteSize), largest));
    const bucket = this.free.get(key(size, usage));
    let buffer = bucket?.pop();
    if (buffer) {
      buffer.label = label;
    } else {
      buffer = this.device.createBuffer({ size, usage, label });
      this.sizes.set(buffer, size);
      this.allocated += size;
      this.peak = Math.max(this.peak, this.allocated);
    }
    this.inUse.add(buffer);
    this.inUseBytes += size;
    this.peakInUse = Math.max(this.peakInUse, this.inUseBytes);
    return buffer;
  }

  /** Returns a buffer; it becomes reusable after the next submit. */
  release(buffer: GPUBuffer): void {
    if (!this.inUse.delete(buffer)) {
      throw new Error(`buffer "${buffer.label}" was released twice or does not belong to this pool`);
    }
    this.inUseBytes -= this.sizes.get(buffer)!;
    this.pending.push(buffer);
  }

  /** Called by the runtime after every queue submit. */
  onSubmitted(): void {
    for (const buffer of this.pending) {
      const k = key(this.sizes.get(buffer)!, buffer.usage);
      let bucket = this.free.get(k);
      if (!bucket) this.free.set(k, (bucket = []));
      bucket.push(buffer);
    }
    this.pending = [];
  }

  /** Destroys every free buffer (those in use or pending stay). */
  trim(): void {
    for (const bucket of this.free.values()) {
      for (const buffer of bucket) this.destroyBuffer(buffer);
    }
    this.free.clear();
  }

  /** Destroys everything the pool created. */
  destroy(): void {
    this.trim();
    for (const buffer of [...this.pending, ...this.inUse]) this.destroyBuffer(buffer);
    this.pending = [];
    this.inUse.clear();
    this.inUseBytes = 0;
  }

  stats(): PoolStats {
    return {
      allocatedBytes: this.allocated,
      inUseBytes: this.inUseBytes,
      peakAllocatedBytes: this.peak,
      peakInUseBytes: this.peakInUse,
      buffers: this.sizes.size,
    };
  }

  /** Restarts peak tracking from the current state, e.g. before a measured phase. */
  resetPeak(): void {
    this.peak = this.allocated;
    this.peakInUse = this.inUseBytes;
  }

  private destroyBuffer(buffer: GPUBuffer): void {
    this.allocated -= this.sizes.get(buffer) ?? 0;
    this.sizes.delete(buffer);
    buffer.destroy();
  }
}

function key(size: number, usage: GPUBufferUsageFlags): string {
  return `${size}:${usage}`;
}
