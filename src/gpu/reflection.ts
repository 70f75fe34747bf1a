/**
 * What a shader declares, read by wgsl_reflect: the single source of truth for bind
 * group layouts, uniform struct offsets and override constants. Nothing here is kept
 * by hand beside the WGSL.
 */
import { WgslReflect, ResourceType } from 'wgsl_reflect/wgsl_reflect.module.js';
import { ArgumentError, describe } from '../errors.js';

export interface ShaderSource {
  /** Stable name, used in labels and cache keys. */
  readonly name: string;
  readonly code: string;
}

export type BindingKind = 'uniform' | 'read-only-storage' | 'storage';

export interface BindingInfo {
  readonly name: string;
  readonly group: number;
  readonly binding: number;
  readonly kind: BindingKind;
}

export type ScalarType = 'f32' | 'u32' | 'i32';

export interface UniformField {
  readonly name: string;
  readonly offset: number;
  readonly type: ScalarType;
}

export interface UniformLayout {
  readonly bindingName: string;
  readonly structName: string;
  /** Byte size rounded up to 16, as the uniform address space requires. */
  readonly byteSize: number;
  readonly fields: readonly UniformField[];
}

export interface EntryPointLayout {
  readonly shader: string;
  readonly entryPoint: string;
  /** Sorted by binding index; all in group 0. */
  readonly bindings: readonly BindingInfo[];
  readonly uniform: UniformLayout | null;
  /** Override constant names and their declared types. */
  readonly overrides: ReadonlyMap<string, string>;
}

const reflected = new WeakMap<ShaderSource, WgslReflect>();

export function reflectEntryPoint(shader: ShaderSource, entryPoint = 'main'): EntryPointLayout {
  let reflection = reflected.get(shader);
  if (!reflection) {
    reflection = new WgslReflect(shader.code);
    reflected.set(shader, reflection);
  }
  const entry = reflection.entry.compute.find((f) => f.name === entryPoint);
  if (!entry) {
    const names = reflection.entry.compute.map((f) => f.name);
    throw new ArgumentError('entryPoint', `a compute entry point of ${shader.name} (${names.join(', ')})`, describe(entryPoint));
  }

  let uniform: UniformLayout | null = null;
  const bindings: BindingInfo[] = entry.resources.map((resource) => {
    if (resource.group !== 0) throw new Error(`${shader.name}: ${resource.name} is in group ${resource.group}; kernels use group 0 only`);
    if (resource.resourceType === ResourceType.Uniform) {
      if (uniform) throw new Error(`${shader.name}: more than one uniform binding`);
      uniform = uniformLayout(shader.name, resource.name, resource.type.name, resource.members ?? [], resource.size);
      return { name: resource.name, group: 0, binding: resource.binding, kind: 'uniform' };
    }
    if (resource.resourceType !== ResourceType.Storage) {
      throw new Error(`${shader.name}: binding ${resource.name} is neither uniform nor storage`);
    }
    const kind: BindingKind = resource.access === 'read' ? 'read-only-storage' : 'storage';
    return { name: resource.name, group: 0, binding: resource.binding, kind };
  });
  bindings.sort((x, y) => x.binding - y.binding);

  const overrides = new Map(reflection.overrides.map((o) => [o.name, o.type?.name ?? 'unknown']));
  return { shader: shader.name, entryPoint, bindings, uniform, overrides };
}

function uniformLayout(
  shader: string,
  bindingName: string,
  structName: string,
  members: readonly { name: string; offset: number; type: { name: string } }[],
  size: number,
): UniformLayout {
  const fields = members.map((member): UniformField => {
    const type = member.type.name;
    if (type !== 'f32' && type !== 'u32' && type !== 'i32') {
      throw new Error(`${shader}: uniform field ${structName}.${member.name} has type ${type}; only scalars are supported`);
    }
    return { name: member.name, offset: member.offset, type };
  });
  return { bindingName, structName, byteSize: Math.ceil(size / 16) * 16, fields };
}

const storageCounts = new WeakMap<ShaderSource, Map<string, number>>();

/** Storage buffers an entry point binds: what `maxStorageBuffersPerShaderStage` limits. */
export function storageBufferCount(shader: ShaderSource, entryPoint = 'main'): number {
  let counts = storageCounts.get(shader);
  if (!counts) storageCounts.set(shader, (counts = new Map()));
  let count = counts.get(entryPoint);
  if (count === undefined) {
    count = reflectEntryPoint(shader, entryPoint).bindings.filter((b) => b.kind !== 'uniform').length;
    counts.set(entryPoint, count);
  }
  return count;
}

/** Bind group layout entries for the compute stage, in binding order. */
export function bindGroupLayoutEntries(layout: EntryPointLayout): GPUBindGroupLayoutEntry[] {
  return layout.bindings.map((b) => ({
    binding: b.binding,
    visibility: GPUShaderStage.COMPUTE,
    buffer: { type: b.kind },
  }));
}

/** Packs uniform values by reflected offset; every field must be given, and nothing else. */
export function packUniforms(layout: UniformLayout, values: Readonly<Record<string, number>>): ArrayBuffer {
  const bytes = new ArrayBuffer(layout.byteSize);
  const view = new DataView(bytes);
  for (const field of layout.fields) {
    const value = values[field.name];
    if (value === undefined) throw new Error(`uniform ${layout.structName}.${field.name} was not given`);
    if (field.type === 'f32') view.setFloat32(field.offset, value, true);
    else if (field.type === 'u32') {
      if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`uniform ${layout.structName}.${field.name} = ${value} does not fit u32`);
      view.setUint32(field.offset, value, true);
    } else {
      if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) throw new RangeError(`uniform ${layout.structName}.${field.name} = ${value} does not fit i32`);
      view.setInt32(field.offset, value, true);
    }
  }
  for (const name of Object.keys(values)) {
    if (!layout.fields.some((f) => f.name === name)) throw new Error(`uniform ${layout.structName} has no field ${name}`);
  }
  return bytes;
}

/**
 * The buffers an entry point binds, picked by reflected name from what a caller has:
 * callers hand every buffer they could bind and the shader's declarations decide. A
 * binding in `optional` (one an override constant switches off) that the caller lacks
 * gets `placeholder(access, slot)`, each unused writable binding its own slot (writable bindings may not alias).
 */
export function selectBindings(
  layout: EntryPointLayout,
  available: Readonly<Record<string, GPUBuffer | null | undefined>>,
  optional: readonly string[] = [],
  placeholder?: (access: 'read' | 'write', slot: number) => GPUBuffer,
): Record<string, GPUBuffer> {
  const picked: Record<string, GPUBuffer> = {};
  let writes = 0;
  for (const binding of layout.bindings) {
    if (binding.kind === 'uniform') continue;
    const write = binding.kind === 'storage';
    const stand = (): GPUBuffer | null => (placeholder && optional.includes(binding.name) ? placeholder(write ? 'write' : 'read', write ? writes++ : 0) : null);
    const buffer = available[binding.name] ?? stand();
    if (!buffer) throw new Error(`${layout.shader}.${layout.entryPoint}: no buffer for binding ${binding.name}`);
    picked[binding.name] = buffer;
  }
  return picked;
}
