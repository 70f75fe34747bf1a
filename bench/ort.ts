/**
 * ONNX Runtime peers on the canonical shapes, in the same process as the engine, inference
 * only (ORT does not train): onnxruntime-web's WebGPU EP on the engine's Dawn GPU object,
 * onnxruntime-web's wasm EP, and onnxruntime-node on the CPU. The models are single
 * nn.LSTM / nn.GRU exports from bench/onnx_export.py (needs /usr/bin/python3 with torch).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { randomArray, type Runtime } from '../src/index.js';
import { measure, type Measurement } from './measure.js';
import { checkWebgpuPlacement, loadOrtWasm, loadOrtWebgpu, type Ort } from './ort-webgpu.js';
import type { BenchShape } from './shapes.js';

export type OrtPeer = 'ort-webgpu' | 'ort-wasm' | 'ort-node';

export interface OrtMeasurement extends Measurement {
  peer: OrtPeer;
  shape: string;
  /** Steps timed: the shape's own, or fewer where a full run would pass the budget. */
  steps: number;
  fullSteps: number;
  /** The median scaled to the shape's steps (value × fullSteps ÷ steps); errs high, as fixed costs scale too. */
  fullSequenceMs: number;
  threads: number;
  /** Largest |y − y(ort-node)| over the steps run: that the peers compute the same function. */
  maxAbsDiff?: number;
  /** Where ORT's verbose session log put the LSTM / GRU node (ort-webgpu). */
  placement?: string;
}

export interface OrtReport {
  versions: Record<string, string>;
  /** Largest wall time wanted for one run; shapes past it run at fewer steps. */
  budgetMs: number;
  results: OrtMeasurement[];
  /** Peer and shape that did not run, and why. */
  failures: { peer: OrtPeer; shape: string; reason: string }[];
  /** Why no peer ran at all (no torch for the export, say). */
  skipped?: string;
}

export interface OrtOptions {
  budgetMs?: number;
  log?: (line: string) => void;
}

interface ExportedModel {
  name: string;
  path: string;
  ops: string[];
}

/** The installed version of a package (Node only: reads node_modules). */
export function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
}

/** Writes bench/out/onnx/<shape>.onnx for each shape; null with the reason when it cannot. */
function exportModels(shapes: readonly BenchShape[]): { models: ExportedModel[] } | { reason: string } {
  try {
    const output = execFileSync('/usr/bin/python3', ['bench/onnx_export.py'], { input: JSON.stringify(shapes), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    return { models: JSON.parse(output) as ExportedModel[] };
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    const noTorch = /No module named 'torch'|ENOENT/.test(stderr + String(error));
    return { reason: noTorch ? '/usr/bin/python3 with torch (apt-get install python3-torch) is needed to export the ONNX models' : `bench/onnx_export.py failed: ${stderr.trim().split('\n').pop() ?? error}` };
  }
}

type OrtSession = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

/** One peer's loaded runtime: how to open a session on a model, and with how many threads. */
interface PeerRuntime {
  ort: Ort;
  threads: number;
  open: (model: Uint8Array) => Promise<OrtSession>;
  /** Throws unless the recurrent node runs where the peer says it does. */
  check?: (model: Uint8Array, opType: string) => Promise<string>;
}

async function loadPeer(peer: OrtPeer, gpu: () => Promise<GPU>): Promise<PeerRuntime> {
  if (peer === 'ort-node') {
    const ort = (await import('onnxruntime-node')) as unknown as Ort;
    // All cores, as the PyTorch anchor uses.
    const threads = cpus().length;
    return { ort, threads, open: (model) => ort.InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: threads }) };
  }
  if (peer === 'ort-wasm') {
    const ort = await loadOrtWasm();
    return { ort, threads: 1, open: (model) => ort.InferenceSession.create(model, { executionProviders: ['wasm'] }) };
  }
  const ort = await loadOrtWebgpu(await gpu());
  return {
    ort,
    threads: 1,
    open: (model) => ort.InferenceSession.create(model, { executionProviders: ['webgpu'] }),
    check: (model, opType) => checkWebgpuPlacement(ort, model, opType),
  };
}

/** Largest |a − b| over the shorter one: the cells are causal, so fewer steps give a prefix. */
function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

async function benchShape(runtime: Runtime, peer: OrtPeer, loaded: PeerRuntime, shape: BenchShape, model: Uint8Array, budgetMs: number, reference: Float32Array | undefined): Promise<{ m: OrtMeasurement; y: Float32Array }> {
  const { ort } = loaded;
  const placement = await loaded.check?.(model, shape.cell.toUpperCase());
  const session = await loaded.open(model);
  const x = randomArray(shape.steps * shape.batch * shape.inputSize, 2);
  const inputs = (steps: number) => ({ x: new ort.Tensor('float32', x.subarray(0, steps * shape.batch * shape.inputSize), [steps, shape.batch, shape.inputSize]) });
  let y: Float32Array = new Float32Array();
  const run = async (feeds: ReturnType<typeof inputs>): Promise<number> => {
    const start = performance.now();
    const { y: out } = await session.run(feeds);
    y = (await out!.getData()) as Float32Array;
    out!.dispose();
    return performance.now() - start;
  };
  // A first short run absorbs one-off costs (wasm compilation, shader builds); a second
  // prices a step, and the sequence is halved until a run should fit the budget.
  const probe = inputs(Math.min(shape.steps, 16));
  await run(probe);
  const perStep = (await run(probe)) / probe.x.dims[0]!;
  let steps = shape.steps;
  while (steps > probe.x.dims[0]! && perStep * steps > budgetMs) steps = Math.ceil(steps / 2);
  const feeds = inputs(steps);
  const label = `${shape.name} inference${steps < shape.steps ? ` (T=${steps})` : ''} (${peer})`;
  const timed = await measure(runtime, label, async () => void (await run(feeds)));
  await session.release();
  const m: OrtMeasurement = {
    ...timed,
    peer,
    shape: shape.name,
    steps,
    fullSteps: shape.steps,
    fullSequenceMs: (timed.value * shape.steps) / steps,
    threads: loaded.threads,
    ...(reference ? { maxAbsDiff: maxAbsDiff(y, reference) } : {}),
    ...(placement ? { placement } : {}),
  };
  return { m, y };
}

/**
 * Exports the models, then times each peer on each shape. ort-node runs first: its outputs
 * are the reference the others are compared with. A peer that fails (or whose LSTM / GRU node
 * is not on the provider it names) is reported, not timed.
 */
export async function runOrtPeers(runtime: Runtime, shapes: readonly BenchShape[], gpu: () => Promise<GPU>, options: OrtOptions = {}): Promise<OrtReport> {
  const log = options.log ?? (() => {});
  const budgetMs = options.budgetMs ?? 10_000;
  const report: OrtReport = { versions: { 'onnxruntime-web': packageVersion('onnxruntime-web'), 'onnxruntime-node': packageVersion('onnxruntime-node') }, budgetMs, results: [], failures: [] };
  const exported = exportModels(shapes);
  if ('reason' in exported) {
    log(`ORT peers skipped: ${exported.reason}`);
    return { ...report, skipped: exported.reason };
  }
  for (const m of exported.models) log(`${m.name}.onnx: ${m.ops.join(' ')}`);
  const references = new Map<string, Float32Array>();
  for (const peer of ['ort-node', 'ort-wasm', 'ort-webgpu'] as const) {
    let loaded: PeerRuntime;
    try {
      loaded = await loadPeer(peer, gpu);
    } catch (error) {
      for (const shape of shapes) report.failures.push({ peer, shape: shape.name, reason: `loading failed: ${(error as Error).message}` });
      log(`${peer}: loading failed: ${(error as Error).message}`);
      continue;
    }
    for (const shape of shapes) {
      const model = readFileSync(exported.models.find((m) => m.name === shape.name)!.path);
      try {
        const { m, y } = await benchShape(runtime, peer, loaded, shape, model, budgetMs, references.get(shape.name));
        if (peer === 'ort-node') references.set(shape.name, y);
        report.results.push(m);
        const scaled = m.steps < m.fullSteps ? `, ≈${m.fullSequenceMs.toFixed(1)} ms for T=${m.fullSteps} at the same cost per step` : '';
        const diff = m.maxAbsDiff === undefined ? '' : `, max |Δ| vs ort-node ${m.maxAbsDiff.toExponential(1)}`;
        log(`${m.name}: ${m.value.toFixed(1)} ms (${m.range.map((v) => v.toFixed(1)).join('–')})${scaled}${diff}${m.placement ? `, ${shape.cell.toUpperCase()} on ${m.placement}` : ''}`);
      } catch (error) {
        report.failures.push({ peer, shape: shape.name, reason: (error as Error).message });
        log(`${shape.name} (${peer}) not timed: ${(error as Error).message}`);
      }
    }
  }
  return report;
}
