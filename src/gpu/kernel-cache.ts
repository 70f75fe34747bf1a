/**
 * Pipelines, bind groups and uniform buffers, each created once and reused.
 *
 * A kernel is described by one small spec (shader, entry point, override constants);
 * the pipeline cache key is derived from that same constants object, and the pipeline
 * layout is explicit, built from reflection. Bind groups are cached by the identity of
 * the buffers they bind, and uniform buffers by their bytes, so a training loop that
 * repeats its shapes creates no new GPU objects after its first step.
 */
import { bindGroupLayoutEntries, packUniforms, reflectEntryPoint, type EntryPointLayout, type ShaderSource } from './reflection.js';

export type ConstantValue = number | boolean;

export interface KernelSpec {
  readonly shader: ShaderSource;
  readonly entryPoint?: string;
  readonly constants: Readonly<Record<string, ConstantValue>>;
}

export interface Kernel {
  readonly key: string;
  readonly label: string;
  readonly layout: EntryPointLayout;
  readonly pipeline: GPUComputePipeline;
  readonly bindGroupLayout: GPUBindGroupLayout;
}

/** Storage buffers by WGSL variable name; the uniform binding is filled from `uniforms`. */
export type BufferBindings = Readonly<Record<string, GPUBuffer>>;

export function kernelKey(spec: KernelSpec): string {
  const constants = Object.keys(spec.constants)
    .sort()
    .map((name) => `${name}=${Number(spec.constants[name])}`)
    .join(',');
  return `${spec.shader.name}:${spec.entryPoint ?? 'main'}{${constants}}`;
}

/** A Map that forgets its least recently used entry past `capacity`. */
class LruMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly capacity: number, private readonly onEvict?: (value: V) => void) {}
  get(k: K): V | undefined {
    const value = this.map.get(k);
    if (value !== undefined) {
      this.map.delete(k);
      this.map.set(k, value);
    }
    return value;
  }
  set(k: K, value: V): void {
    this.map.set(k, value);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value as K;
      const evicted = this.map.get(oldest)!;
      this.map.delete(oldest);
      this.onEvict?.(evicted);
    }
  }
  delete(k: K): void {
    this.map.delete(k);
  }
  values(): IterableIterator<V> {
    return this.map.values();
  }
  clear(): void {
    this.map.clear();
  }
  get size(): number {
    return this.map.size;
  }
}

export class KernelCache {
  private readonly modules = new Map<ShaderSource, GPUShaderModule>();
  private readonly kernels = new Map<string, Kernel>();
  private readonly bindGroups = new LruMap<string, GPUBindGroup>(4096);
  private readonly uniformBuffers: LruMap<string, GPUBuffer>;
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  /** Bind group keys that name each cached uniform buffer, dropped with it. */
  private readonly groupsOfUniform = new Map<GPUBuffer, string[]>();
  private nextBufferId = 1;
  /** Uniform buffers evicted while commands naming them may be unsubmitted. */
  private retired: GPUBuffer[] = [];

  constructor(private readonly device: GPUDevice) {
    this.uniformBuffers = new LruMap(2048, (buffer) => {
      for (const key of this.groupsOfUniform.get(buffer) ?? []) this.bindGroups.delete(key);
      this.groupsOfUniform.delete(buffer);
      this.retired.push(buffer);
    });
  }

  get(spec: KernelSpec): Kernel {
    const key = kernelKey(spec);
    const cached = this.kernels.get(key);
    if (cached) return cached;

    const layout = reflectEntryPoint(spec.shader, spec.entryPoint);
    const constants: Record<string, number> = {};
    for (const [name, value] of Object.entries(spec.constants)) {
      const type = layout.overrides.get(name);
      if (!type) throw new Error(`${spec.shader.name} has no override constant ${name}`);
      if ((type === 'bool') !== (typeof value === 'boolean')) {
        throw new Error(`override ${spec.shader.name}.${name} is ${type}, got ${typeof value} ${value}`);
      }
      constants[name] = Number(value);
    }

    let module = this.modules.get(spec.shader);
    if (!module) {
      module = this.device.createShaderModule({ code: spec.shader.code, label: spec.shader.name });
      this.modules.set(spec.shader, module);
    }
    const bindGroupLayout = this.device.createBindGroupLayout({ label: key, entries: bindGroupLayoutEntries(layout) });
    const pipeline = this.device.createComputePipeline({
      label: key,
      layout: this.device.createPipelineLayout({ label: key, bindGroupLayouts: [bindGroupLayout] }),
      compute: { module, entryPoint: layout.entryPoint, constants },
    });
    const kernel: Kernel = { key, label: key, layout, pipeline, bindGroupLayout };
    this.kernels.set(key, kernel);
    return kernel;
  }

  /** The bind group for these buffers (and uniform values), created on first use. */
  bindGroup(kernel: Kernel, buffers: BufferBindings, uniforms: Readonly<Record<string, number>> | undefined): GPUBindGroup {
    const uniform = kernel.layout.uniform;
    let uniformBuffer: GPUBuffer | undefined;
    const resources: GPUBuffer[] = kernel.layout.bindings.map((binding) => {
      if (binding.kind === 'uniform') {
        if (!uniforms) throw new Error(`${kernel.label}: uniforms for ${binding.name} were not given`);
        uniformBuffer = this.uniformBuffer(kernel, packUniforms(uniform!, uniforms));
        return uniformBuffer;
      }
      const buffer = buffers[binding.name];
      if (!buffer) throw new Error(`${kernel.label}: no buffer bound to ${binding.name}`);
      return buffer;
    });
    for (const name of Object.keys(buffers)) {
      if (!kernel.layout.bindings.some((b) => b.name === name)) throw new Error(`${kernel.label} has no binding ${name}`);
    }

    const key = `${kernel.key}|${resources.map((b) => this.bufferId(b)).join(',')}`;
    let group = this.bindGroups.get(key);
    if (!group) {
      group = this.device.createBindGroup({
        label: kernel.label,
        layout: kernel.bindGroupLayout,
        entries: kernel.layout.bindings.map((binding, i) => ({ binding: binding.binding, resource: { buffer: resources[i]! } })),
      });
      this.bindGroups.set(key, group);
      if (uniformBuffer) this.groupsOfUniform.get(uniformBuffer)?.push(key);
    }
    return group;
  }

  /** Called by the runtime after a submit: evicted uniform buffers can go. */
  onSubmitted(): void {
    for (const buffer of this.retired) buffer.destroy();
    this.retired = [];
  }

  counts(): { pipelines: number; bindGroups: number; uniformBuffers: number } {
    return { pipelines: this.kernels.size, bindGroups: this.bindGroups.size, uniformBuffers: this.uniformBuffers.size };
  }

  /**
   * Frees the uniform buffers and forgets the bind groups (they name buffers that are going
   * away). Shader modules and pipelines stay: a later runtime on the same device reuses them.
   */
  destroy(): void {
    for (const buffer of this.uniformBuffers.values()) buffer.destroy();
    this.uniformBuffers.clear();
    this.bindGroups.clear();
    this.groupsOfUniform.clear();
    this.onSubmitted();
  }

  private uniformBuffer(kernel: Kernel, bytes: ArrayBuffer): GPUBuffer {
    const key = `${kernel.layout.shader}|${hexOf(bytes)}`;
    let buffer = this.uniformBuffers.get(key);
    if (!buffer) {
      buffer = this.device.createBuffer({
        label: `${kernel.layout.shader}.${kernel.layout.uniform!.structName}`,
        size: bytes.byteLength,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      });
      this.device.queue.writeBuffer(buffer, 0, bytes);
      this.groupsOfUniform.set(buffer, []);
      this.uniformBuffers.set(key, buffer);
    }
    return buffer;
  }

  private bufferId(buffer: GPUBuffer): number {
    let id = this.bufferIds.get(buffer);
    if (id === undefined) {
      id = this.nextBufferId++;
      this.bufferIds.set(buffer, id);
    }
    return id;
  }
}

function hexOf(bytes: ArrayBuffer): string {
  const words = new Uint32Array(bytes);
  let out = '';
  for (const w of words) out += w.toString(16).padStart(8, '0');
  return out;
}
