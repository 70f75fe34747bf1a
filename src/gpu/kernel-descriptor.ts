/**
 * A kernel family's host description: everything the host knows about one shader, in one
 * object. Its module in src/kernels/ (named like the shader) is the only place that knows
 * the shader's constants, grid, uniforms and workgroup arrays; reflection supplies the
 * bindings and uniform offsets.
 */
import type { ConstantValue } from './kernel-cache.js';
import type { ShaderSource } from './reflection.js';
import { workgroupArrayBytes } from './geometry.js';

/** What a launch may depend on besides the call: the device's limits and kind. */
export interface DeviceTraits {
  readonly limits: GPUSupportedLimits;
  /** A CPU implementation of WebGPU (SwiftShader). */
  readonly isSoftware: boolean;
}

/** One dispatch, as a descriptor derives it from a call. */
export interface KernelLaunch {
  /** 'main' when absent. */
  readonly entryPoint?: string;
  readonly constants: Readonly<Record<string, ConstantValue>>;
  readonly workgroups: readonly [number, number?, number?];
  /** Values of the uniform struct's fields, by name (offsets come from reflection). */
  readonly uniforms?: Readonly<Record<string, number>>;
}

export interface KernelDescriptor<Call> {
  readonly shader: ShaderSource;
  /** The compute entry points the shader declares. */
  readonly entryPoints: readonly string[];
  /** From one call's sizes: entry point, override constants, grid and uniforms. */
  launch(call: Call, device: DeviceTraits): KernelLaunch;
  /**
   * Bytes of each `var<workgroup>` array the entry point uses, under these constants
   * (unrounded: element count × element size). Per entry point because an array only
   * takes memory in the entry points that reach it. A test checks them against the WGSL text.
   */
  workgroupArrays(constants: Readonly<Record<string, ConstantValue>>, entryPoint: string): Readonly<Record<string, number>>;
}

/** Workgroup memory a launch takes: every array, each rounded to 16 bytes as WGSL lays them out. */
export function workgroupBytes<Call>(kernel: KernelDescriptor<Call>, constants: Readonly<Record<string, ConstantValue>>, entryPoint = 'main'): number {
  return Object.values(kernel.workgroupArrays(constants, entryPoint)).reduce((sum, bytes) => sum + workgroupArrayBytes(bytes), 0);
}

/** A u32 override that sizes a workgroup array: launches set it, so its WGSL default never applies. */
export function sizeConstant(constants: Readonly<Record<string, ConstantValue>>, name: string): number {
  const value = constants[name];
  if (typeof value !== 'number') throw new Error(`override ${name} sizes a workgroup array, but the launch does not set it`);
  return value;
}

/** For kernels that declare no workgroup arrays. */
export function noWorkgroupArrays(): Readonly<Record<string, number>> {
  return {};
}
