/**
 * createRuntime(): a WebGPU device in one call, in a browser (navigator.gpu), in Node
 * (Dawn, through the `webgpu` package) or from a GPUDevice the caller already has.
 */
import { Runtime, type AdapterDescription } from './runtime.js';
import { loadNodeGpu, type NodeAdapterChoice } from './node-gpu.js';
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
    adapter = (await loadNodeGpu(choice, options.powerPreference)).adapter;
  } else {
    throw new Error('No WebGPU: this environment has neither navigator.gpu nor Node.js. Pass your own GPUDevice as createRuntime({ device }).');
  }

  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) {
    const value = adapter.limits[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({ label: 'webgpu-rnn', requiredLimits, requiredFeatures });
  return new Runtime(device, describeAdapter(adapter.info), true);
}

function describeAdapter(info: GPUAdapterInfo | undefined): AdapterDescription {
  const vendor = info?.vendor ?? '';
  const architecture = info?.architecture ?? '';
  const device = info?.device ?? '';
  const description = info?.description ?? '';
  const isSoftware = /swiftshader/i.test(`${vendor} ${architecture} ${device} ${description}`);
  return { vendor, architecture, device, description, isSoftware };
}
