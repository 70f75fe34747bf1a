/**
 * Glue for onnxruntime-web's WebGPU execution provider in Node: its build with the native
 * WebGPU EP (the one that has LSTM and GRU kernels), given the engine's Dawn GPU object,
 * and a check of ORT's own verbose log that the recurrent node really runs on WebGPU.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export type Ort = typeof import('onnxruntime-web');

const require = createRequire(import.meta.url);

/** A view into shared memory becomes a copy; anything else passes through unchanged. */
function unshared<T>(data: T): T {
  if (!ArrayBuffer.isView(data) || !(data.buffer instanceof SharedArrayBuffer)) return data;
  // slice() gives the same element type over a fresh ArrayBuffer, so offsets keep their units.
  if (data instanceof DataView) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice() as T;
  return (data as unknown as Uint8Array).slice() as T;
}

/**
 * `gpu` as ORT sees it: ORT's wasm heap is a SharedArrayBuffer (threaded build, even on one
 * thread) and it passes views of it to queue.writeBuffer, which Dawn's Node binding rejects
 * ("Invalid argument"). Only the queues of devices ORT requests copy such views; the engine's
 * and tfjs's devices are untouched.
 */
function withUnsharedWrites(gpu: GPU): GPU {
  const requestAdapter = async (options?: GPURequestAdapterOptions): Promise<GPUAdapter | null> => {
    const adapter = await gpu.requestAdapter(options);
    if (!adapter) return null;
    const requestDevice = adapter.requestDevice.bind(adapter);
    adapter.requestDevice = async (descriptor?: GPUDeviceDescriptor) => {
      const device = await requestDevice(descriptor);
      const queue = device.queue;
      const writeBuffer = queue.writeBuffer.bind(queue);
      queue.writeBuffer = ((buffer: GPUBuffer, offset: number, data: BufferSource, ...rest: number[]) =>
        writeBuffer(buffer, offset, unshared(data), ...rest)) as GPUQueue['writeBuffer'];
      return device;
    };
    return adapter;
  };
  return new Proxy(gpu, {
    get(target, key) {
      if (key === 'requestAdapter') return requestAdapter;
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * onnxruntime-web's WebGPU build (dist/ort.webgpu.bundle.min.mjs, the bundled form of
 * ort.webgpu.mjs): the default build's older WebGPU backend has no LSTM kernel and would
 * quietly place the node on the CPU.
 */
export async function loadOrtWebgpu(gpu: GPU): Promise<Ort> {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  g.navigator ??= {};
  g.navigator.gpu = withUnsharedWrites(gpu);
  const ort: Ort = await import('onnxruntime-web/webgpu');
  // Node has no fetch() for file URLs, so the wasm comes as bytes; more than one thread needs
  // Web Workers and cross-origin isolation, which Node lacks.
  ort.env.wasm.wasmBinary = readFileSync(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm'));
  ort.env.wasm.numThreads = 1;
  return ort;
}

/** onnxruntime-web's Node build (wasm EP only), which finds its wasm file itself. */
export async function loadOrtWasm(): Promise<Ort> {
  const ort: Ort = await import('onnxruntime-web');
  // One thread, as the WebGPU build's CPU side has; recorded with the results.
  ort.env.wasm.numThreads = 1;
  return ort;
}

/** Runs `fn` with everything written to stdout and stderr kept out of the terminal and returned. */
async function captureOutput(fn: () => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((s) => s.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return true;
    }) as typeof stream.write;
  }
  try {
    await fn();
  } finally {
    streams.forEach((stream, i) => (stream.write = writes[i]!));
  }
  return chunks.join('');
}

/**
 * The execution provider ORT's session log places `opType` on, from the lines after "Node
 * placements": either "All nodes placed on [EP]" or "Node(s) placed on [EP]" followed by
 * "  OpType (name)" lines. Undefined when the log has no such line.
 */
export function placementOf(log: string, opType: string): string | undefined {
  let provider: string | undefined;
  for (const line of log.split('\n')) {
    const message = /VerifyEachNodeIsAssignedToAnEp\]\s?(.*)$/.exec(line)?.[1];
    if (message === undefined) continue;
    const placed = /^\s*(All nodes|Node\(s\)) placed on \[(\w+)\]/.exec(message);
    if (placed) {
      provider = placed[2];
      if (placed[1] === 'All nodes') return provider;
    } else if (provider && new RegExp(`^\\s+${opType} \\(`).test(message)) {
      return provider;
    }
  }
  return undefined;
}

/**
 * Creates (and releases) a session with ORT's verbose session log on, and throws unless the
 * log shows the `opType` node on the WebGPU EP. Timed sessions run with the log off: at this
 * level ORT logs every dispatch.
 */
export async function checkWebgpuPlacement(ort: Ort, model: Uint8Array, opType: string, extra: Record<string, unknown> = {}): Promise<string> {
  const log = await captureOutput(async () => {
    const session = await ort.InferenceSession.create(model, { executionProviders: [{ name: 'webgpu', ...extra }], logSeverityLevel: 0, logVerbosityLevel: 0 });
    await session.release();
  });
  const provider = placementOf(log, opType);
  if (provider !== 'WebGpuExecutionProvider') {
    throw new Error(`ORT placed the ${opType} node on ${provider ?? 'an execution provider its log does not name'}, not on WebGpuExecutionProvider: refusing to time it as a WebGPU peer`);
  }
  return provider;
}
