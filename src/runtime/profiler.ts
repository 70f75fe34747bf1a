/**
 * GPU timestamps per dispatch, for benchmarks and tuning. While profiling, the runtime puts
 * each dispatch in a compute pass of its own with timestamp writes at its start and end;
 * `finish` resolves them and totals GPU time by kernel name.
 */

/** GPU time of one kernel (entry point of a shader) over a profiled stretch. */
export interface KernelTime {
  kernel: string;
  dispatches: number;
  milliseconds: number;
}

/** Queries per query set: two per dispatch. */
const QUERY_CAPACITY = 4096;

export class DispatchProfiler {
  private readonly querySets: GPUQuerySet[] = [];
  private readonly kernelOfDispatch: string[] = [];

  constructor(private readonly device: GPUDevice) {}

  /** Timestamp writes for the next dispatch's own pass. */
  timestampWrites(kernel: string): GPUComputePassTimestampWrites {
    const index = this.kernelOfDispatch.length;
    const setIndex = Math.floor((2 * index) / QUERY_CAPACITY);
    if (setIndex === this.querySets.length) {
      this.querySets.push(this.device.createQuerySet({ label: 'dispatch timestamps', type: 'timestamp', count: QUERY_CAPACITY }));
    }
    this.kernelOfDispatch.push(kernel);
    const first = (2 * index) % QUERY_CAPACITY;
    return { querySet: this.querySets[setIndex]!, beginningOfPassWriteIndex: first, endOfPassWriteIndex: first + 1 };
  }

  /** Resolves every timestamp into `encoder`; after submit, `read` totals them. */
  resolve(encoder: GPUCommandEncoder): GPUBuffer | null {
    const queries = 2 * this.kernelOfDispatch.length;
    if (queries === 0) return null;
    const bytes = queries * 8;
    const resolved = this.device.createBuffer({ label: 'dispatch timestamps (resolved)', size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    this.querySets.forEach((set, i) => {
      const count = Math.min(QUERY_CAPACITY, queries - i * QUERY_CAPACITY);
      encoder.resolveQuerySet(set, 0, count, resolved, i * QUERY_CAPACITY * 8);
    });
    return resolved;
  }

  /** Totals per kernel from the resolved nanosecond timestamps, slowest first. */
  totals(timestamps: BigUint64Array): KernelTime[] {
    const byKernel = new Map<string, KernelTime>();
    this.kernelOfDispatch.forEach((kernel, i) => {
      const begin = timestamps[2 * i]!;
      const end = timestamps[2 * i + 1]!;
      const entry = byKernel.get(kernel) ?? { kernel, dispatches: 0, milliseconds: 0 };
      entry.dispatches++;
      // A reset or unordered clock can report end < begin; count such a dispatch as zero.
      entry.milliseconds += end > begin ? Number(end - begin) / 1e6 : 0;
      byKernel.set(kernel, entry);
    });
    return [...byKernel.values()].sort((a, b) => b.milliseconds - a.milliseconds);
  }

  destroy(): void {
    for (const set of this.querySets) set.destroy();
  }
}
