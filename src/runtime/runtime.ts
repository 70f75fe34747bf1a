/**
 * The runtime: one GPUDevice with its buffer pool, kernel cache and command recording.
 *
 * Dispatches are recorded into one open compute pass (WebGPU orders dispatches in a pass
 * and makes each one's writes visible to the next) and submitted together, at the latest
 * when something is read back.
 */
import { BufferPool } from './buffer-pool.js';
import { KernelCache, type BufferBindings, type KernelSpec } from '../gpu/kernel-cache.js';
import { workgroupBytes, type DeviceTraits, type KernelDescriptor } from '../gpu/kernel-descriptor.js';
import { DeviceLimitError, DeviceLostError } from '../errors.js';
import { storageBufferCount } from '../gpu/reflection.js';
import { DispatchProfiler, type KernelTime } from './profiler.js';
import { IdChecks } from './id-checks.js';
import { lossInfo, settleLoss, watchLoss } from './device-loss.js';

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for SwiftShader, the CPU implementation used on machines without a GPU. */
  isSoftware: boolean;
}

export interface DispatchArgs {
  buffers: BufferBindings;
  uniforms?: Readonly<Record<string, number>>;
  workgroups: readonly [number, number?, number?];
}

export class Runtime {
  readonly pool: BufferPool;
  readonly kernels: KernelCache;
  readonly limits: GPUSupportedLimits;
  /** Flags that kernels set for ids out of range; read with every read-back. */
  readonly idChecks: IdChecks;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly placeholders = new Map<string, GPUBuffer>();
  private readonly errors: string[] = [];
  private destroyed = false;
  private readonly onUncapturedError = (event: Event): void => {
    this.errors.push((event as GPUUncapturedErrorEvent).error.message);
  };
  private profiler: DispatchProfiler | null = null;

  constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterDescription,
    /** Whether destroy() also ends the device (false for a caller's own device). */
    private readonly ownsDevice: boolean,
    /**
     * Where an owned device goes on destroy() instead of device.destroy(), with its compiled
     * kernels, to serve a later runtime (which passes them back as `kernels`).
     */
    private readonly park?: (device: GPUDevice, kernels: KernelCache) => void,
    kernels?: KernelCache,
  ) {
    this.limits = device.limits;
    this.pool = new BufferPool(device);
    this.kernels = kernels ?? new KernelCache(device);
    this.idChecks = new IdChecks(device);
    watchLoss(device);
    device.addEventListener?.('uncapturederror', this.onUncapturedError);
  }

  get features(): ReadonlySet<string> {
    return this.device.features as ReadonlySet<string>;
  }

  /** The device's limits and kind, as kernel descriptors see them. */
  get traits(): DeviceTraits {
    return { limits: this.limits, isSoftware: this.adapter.isSoftware };
  }

  /**
   * Records one dispatch of a kernel family for one call: the descriptor derives the entry
   * point, constants, grid and uniforms; workgroup memory is checked against the device.
   */
  launch<Call>(kernel: KernelDescriptor<Call>, call: Call, buffers: BufferBindings): void {
    this.checkAlive(kernel.shader.name);
    const launch = kernel.launch(call, this.traits);
    const bytes = workgroupBytes(kernel, launch.constants, launch.entryPoint);
    const limit = this.limits.maxComputeWorkgroupStorageSize;
    if (bytes > limit) throw new DeviceLimitError('maxComputeWorkgroupStorageSize', bytes, limit, `${kernel.shader.name}${launch.entryPoint ? `.${launch.entryPoint}` : ''}`);
    this.dispatch(
      { shader: kernel.shader, ...(launch.entryPoint ? { entryPoint: launch.entryPoint } : {}), constants: launch.constants },
      { buffers, workgroups: launch.workgroups, ...(launch.uniforms ? { uniforms: launch.uniforms } : {}) },
    );
  }

  /** Records one dispatch of the kernel that `spec` describes. */
  dispatch(spec: KernelSpec, args: DispatchArgs): void {
    const [x, y = 1, z = 1] = args.workgroups;
    const max = this.limits.maxComputeWorkgroupsPerDimension;
    for (const count of [x, y, z]) {
      if (count > max) throw new DeviceLimitError('maxComputeWorkgroupsPerDimension', count, max, spec.shader.name);
    }
    this.checkStorageBuffers(spec.shader, spec.entryPoint ?? 'main');
    if (x === 0 || y === 0 || z === 0) return;
    const kernel = this.kernels.get(spec);
    const group = this.kernels.bindGroup(kernel, args.buffers, args.uniforms);
    if (this.profiler) this.endPass();
    const pass = this.computePass(this.profiler?.timestampWrites(`${spec.shader.name}.${spec.entryPoint ?? 'main'}`));
    pass.setPipeline(kernel.pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(x, y, z);
    if (this.profiler) this.endPass();
  }

  /**
   * Throws a DeviceLimitError when an entry point binds more storage buffers than this
   * device allows: a pipeline over the limit would fail on the GPU's timeline, vaguely.
   */
  checkStorageBuffers(shader: KernelSpec['shader'], entryPoint: string, what = `${shader.name}.${entryPoint}`): void {
    const storage = storageBufferCount(shader, entryPoint);
    const limit = this.limits.maxStorageBuffersPerShaderStage;
    if (storage > limit) throw new DeviceLimitError('maxStorageBuffersPerShaderStage', storage, limit, what);
  }

  /** Whether the adapter gives GPU timestamps (the 'timestamp-query' feature). */
  get canProfile(): boolean {
    return this.features.has('timestamp-query');
  }

  /**
   * Times every dispatch from now until `stopProfiling` on the GPU's clock. Each dispatch
   * gets a pass of its own meanwhile, which adds a little time of its own.
   */
  startProfiling(): void {
    if (!this.canProfile) throw new Error("startProfiling: this adapter has no 'timestamp-query' feature");
    if (this.profiler) throw new Error('startProfiling: already profiling');
    this.endPass();
    this.profiler = new DispatchProfiler(this.device);
  }

  /** Stops profiling and returns GPU time by kernel (shader.entry point), slowest first. */
  async stopProfiling(): Promise<KernelTime[]> {
    const profiler = this.profiler;
    if (!profiler) throw new Error('stopProfiling: not profiling');
    this.profiler = null;
    const resolved = profiler.resolve(this.commandEncoder());
    if (!resolved) return [];
    try {
      const bytes = await this.readBuffer(resolved, 0, resolved.size, 'dispatch timestamps');
      return profiler.totals(new BigUint64Array(bytes));
    } finally {
      resolved.destroy();
      profiler.destroy();
    }
  }

  /** The command encoder with no pass open, for copies and clears. */
  commandEncoder(): GPUCommandEncoder {
    this.endPass();
    this.encoder ??= this.device.createCommandEncoder({ label: 'webgpu-rnn commands' });
    return this.encoder;
  }

  /** Submits everything recorded so far. */
  submit(): void {
    this.checkAlive('submit');
    this.endPass();
    if (this.encoder) {
      this.device.queue.submit([this.encoder.finish()]);
      this.encoder = null;
    }
    this.pool.onSubmitted();
    this.kernels.onSubmitted();
  }

  /**
   * Submits and waits for the GPU; throws if any GPU error was reported, or an IdRangeError
   * if a kernel saw an id out of range.
   */
  async sync(): Promise<void> {
    if (this.idChecks.pending) {
      await this.readBuffer(this.placeholder('read'), 0, 0, 'sync');
      return;
    }
    this.submit();
    await this.device.queue.onSubmittedWorkDone();
    this.throwIfLost('sync');
    this.throwIfErrors();
  }

  /**
   * Copies bytes out of a buffer after all recorded work has run. The id-check flags ride
   * along in the same staging buffer, so checking ids costs no extra round trip.
   */
  async readBuffer(source: GPUBuffer, byteOffset: number, byteLength: number, label: string): Promise<ArrayBuffer> {
    this.checkAlive(label);
    const flagsAt = Math.ceil(byteLength / 8) * 8; // getMappedRange offsets are multiples of 8
    const checks = this.idChecks.pending;
    const size = checks ? flagsAt + IdChecks.byteLength : byteLength;
    const staging = this.pool.acquire(Math.max(size, 4), GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, `${label} (read-back)`);
    const encoder = this.commandEncoder();
    if (byteLength > 0) encoder.copyBufferToBuffer(source, byteOffset, staging, 0, byteLength);
    const token = checks ? this.idChecks.copyTo(encoder, staging, flagsAt) : 0;
    this.submit();
    let bytes: ArrayBuffer;
    try {
      try {
        await staging.mapAsync(GPUMapMode.READ, 0, Math.max(size, 4));
      } catch (error) {
        await this.throwIfLostSoon(label);
        throw error;
      }
      bytes = staging.getMappedRange(0, byteLength).slice(0);
      const flags = checks ? new Uint32Array(staging.getMappedRange(flagsAt, IdChecks.byteLength).slice(0)) : null;
      staging.unmap();
      // An invalid command buffer never copied the flags: its error is the one to report.
      this.throwIfErrors();
      if (flags) this.idChecks.inspect(flags, token);
    } finally {
      this.pool.release(staging);
    }
    this.throwIfErrors();
    return bytes;
  }

  /**
   * A tiny storage buffer for bindings that an override constant switches off. One per
   * access kind: a buffer bound read-only and writable in one dispatch is invalid.
   */
  placeholder(access: 'read' | 'write' = 'read', slot = 0): GPUBuffer {
    // Writable bindings of one dispatch may not alias: each unused one takes its own slot.
    const key = `${access} ${slot}`;
    let buffer = this.placeholders.get(key);
    if (!buffer) {
      buffer = this.device.createBuffer({ label: `unused ${key} binding`, size: 16, usage: GPUBufferUsage.STORAGE });
      this.placeholders.set(key, buffer);
    }
    return buffer;
  }

  /** True while commands are recorded but not yet submitted. */
  get hasPendingWork(): boolean {
    return this.encoder !== null;
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** True once the device is lost (destroyed under us, a driver reset, a GPU removed). */
  get isLost(): boolean {
    return this.lost !== null && !this.destroyed;
  }

  private get lost(): GPUDeviceLostInfo | null {
    return lossInfo(this.device);
  }

  /** Throws a DeviceLostError naming `what` once the device is lost. */
  checkAlive(what: string): void {
    this.throwIfLost(what);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.pass?.end();
    this.pass = null;
    this.encoder = null;
    this.profiler?.destroy();
    this.profiler = null;
    this.pool.destroy();
    this.kernels.destroy();
    for (const buffer of this.placeholders.values()) buffer.destroy();
    this.idChecks.destroy();
    this.device.removeEventListener?.('uncapturederror', this.onUncapturedError);
    if (!this.ownsDevice) return;
    if (this.park && !this.lost) this.park(this.device, this.kernels);
    else this.device.destroy();
  }

  private computePass(timestampWrites?: GPUComputePassTimestampWrites): GPUComputePassEncoder {
    if (!this.pass) {
      this.encoder ??= this.device.createCommandEncoder({ label: 'webgpu-rnn commands' });
      this.pass = this.encoder.beginComputePass({ label: 'webgpu-rnn kernels', ...(timestampWrites ? { timestampWrites } : {}) });
    }
    return this.pass;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  private throwIfLost(what: string): void {
    if (this.lost && !this.destroyed) throw new DeviceLostError(what, this.lost.reason ?? 'unknown', this.lost.message);
  }

  /** A failed map is most often a lost device, whose lost promise settles a moment later. */
  private async throwIfLostSoon(what: string): Promise<void> {
    await settleLoss(this.device);
    this.throwIfLost(what);
  }

  private throwIfErrors(): void {
    if (this.errors.length > 0) {
      const messages = this.errors.splice(0);
      throw new Error(`WebGPU reported ${messages.length} error(s): ${messages.join(' | ')}`);
    }
  }
}
