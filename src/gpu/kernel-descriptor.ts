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
   * Bytes of each `var<workgroup>` array the shader declares, under these constants
   * (unrounded: element count × element size). A test checks them against the WGSL text.
   */
  workgroupArrays(constants: Readonly<Record<string, ConstantValue>>): Readonly<Record<string, number>>;
}

/** Workgroup memory a launch takes: every array, each rounded to 16 bytes as WGSL lays them out. */
export function workgroupBytes<Call>(kernel: KernelDescriptor<Call>, constants: Readonly<Record<string, ConstantValue>>): number {
  return Object.values(kernel.workgroupArrays(constants)).reduce((sum, bytes) => sum + workgroupArrayBytes(bytes), 0);
}

/** For kernels that declare no workgroup arrays. */
export function noWorkgroupArrays(): Readonly<Record<string, number>> {
  return {};
}
