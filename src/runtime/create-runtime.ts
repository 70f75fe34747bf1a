/**
 * createRuntime(): a WebGPU device in one call, in a browser (navigator.gpu), in Node
 * (Dawn, through the `webgpu` package) or from a GPUDevice the caller already has.
 */
import { Runtime, type AdapterDescription } from './runtime.js';
import { loadNodeGpu, type NodeAdapterChoice } from './node-gpu.js';
import type { KernelCache } from '../gpu/kernel-cache.js';
import { settleLoss } from './device-loss.js';
import { ArgumentError, checkOneOf, describe } from '../errors.js';

export interface RuntimeOptions {
  /** Use this device instead of requesting one; the runtime will not destroy it. */
  device?: GPUDevice;
  /** Node only: 'auto' tries hardware Vulkan, then SwiftShader. */
  adapter?: NodeAdapterChoice;
  powerPreference?: GPUPowerPreference;
}

/** Limits the engine raises to the adapter's maximum: workgroup memory and size, buffer sizes. */
const RAISED_LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
] as const;

const OPTIONAL_FEATURES = ['timestamp-query', 'shader-f16', 'subgroups'] as const;

export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', 'an object', describe(options));
  const choice = checkOneOf('options.adapter', options.adapter ?? 'auto', ['auto', 'hardware', 'swiftshader'] as const);

  if (options.device) {
    if (typeof options.device.createComputePipeline !== 'function') {
      throw new ArgumentError('options.device', 'a GPUDevice', describe(options.device));
    }
    return new Runtime(options.device, describeAdapter(options.device.adapterInfo), false);
  }

  let adapter: GPUAdapter | null;
  if (typeof navigator !== 'undefined' && navigator.gpu) {
    adapter = await navigator.gpu.requestAdapter(options.powerPreference ? { powerPreference: options.powerPreference } : {});
    if (!adapter) {
      throw new Error('No WebGPU adapter: navigator.gpu.requestAdapter() returned null. Use a browser with WebGPU enabled (Chrome 113+, or --enable-unsafe-webgpu).');
    }
  } else if (typeof process !== 'undefined' && process.versions?.node) {
    const node = await loadNodeGpu(choice, options.powerPreference);
    // Dawn keeps a few MB of native memory for every device that compiled pipelines, even
    // after device.destroy(); a destroyed runtime's device serves the next one instead.
    const key = `${node.source}|${options.powerPreference ?? ''}`;
    // Its compiled kernels come along: a new runtime on it compiles nothing twice.
    const park = (device: GPUDevice, kernels: KernelCache): void => void (idleDevices.get(key) ?? idleDevices.set(key, []).get(key)!).push({ device, kernels });
    for (let idle = idleDevices.get(key)?.pop(); idle; idle = idleDevices.get(key)?.pop()) {
      // A device its owner destroyed just before destroy() may not have reported its loss yet.
      if ((await settleLoss(idle.device, 0)) === null) return new Runtime(idle.device, describeAdapter(node.adapter.info), true, park, idle.kernels);
    }
    const device = await node.adapter.requestDevice(deviceDescriptor(node.adapter));
    return new Runtime(device, describeAdapter(node.adapter.info), true, park);
  } else {
    throw new Error('No WebGPU: this environment has neither navigator.gpu nor Node.js. Pass your own GPUDevice as createRuntime({ device }).');
  }

  const device = await adapter.requestDevice(deviceDescriptor(adapter));
  return new Runtime(device, describeAdapter(adapter.info), true);
}

/** Node: devices of destroyed runtimes, by adapter source and power preference. */
const idleDevices = new Map<string, { device: GPUDevice; kernels: KernelCache }[]>();

/** The adapter's maximum for the raised limits, and the optional features it has. */
function deviceDescriptor(adapter: GPUAdapter): GPUDeviceDescriptor {
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) {
    const value = adapter.limits[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f));
  return { label: 'webgpu-rnn', requiredLimits, requiredFeatures };
}

function describeAdapter(info: GPUAdapterInfo | undefined): AdapterDescription {
  const vendor = info?.vendor ?? '';
  const architecture = info?.architecture ?? '';
  const device = info?.device ?? '';
  const description = info?.description ?? '';
  const isSoftware = /swiftshader/i.test(`${vendor} ${architecture} ${device} ${description}`);
  return { vendor, architecture, device, description, isSoftware };
}
