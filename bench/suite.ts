/**
 * The benchmark suite, shared by Node (bench/run.ts) and the browser page: the adapter's
 * FMA peak; this engine on the canonical shapes (schedule tuned by measurement first, then
 * inference and one Adam training step, wall time and GPU time); a sweep over T, B and H;
 * and tfjs (webgpu and cpu backends) on the same shapes in the same process.
 */
import { GRU, LSTM, Tensor, exportTuning, randomArray, tuneRecurrent, type Runtime, type TunedChoice } from '../src/index.js';
import { benchEngine, engineCase } from './engine.js';
import { fmaPeak } from './fma.js';
import { measure, profileOnce, type Measurement } from './measure.js';
import { benchTfjs } from './tfjs.js';
import type { OrtMeasurement, OrtPeer, OrtReport } from './ort.js';
import { CANONICAL_SHAPES, SWEEP_SHAPES, forwardFlops, type BenchShape, type SweepShape } from './shapes.js';

export interface SuiteOptions {
  shapes?: string[];
  /** Shapes tfjs runs on (all selected shapes by default); [] for none. */
  tfjsShapes?: string[];
  sweep?: boolean;
  tune?: boolean;
  log?: (line: string) => void;
}

export interface SweepPoint extends Measurement {
  vary: 'T' | 'B' | 'H';
  shape: BenchShape;
  msPerStep: number;
}

export interface SuiteReport {
  adapter: string;
  peak: Measurement;
  engine: Measurement[];
  /** GPU milliseconds of one run of each engine case (timestamps), by case name. */
  gpuMs: Record<string, number>;
  tuning: Record<string, TunedChoice>;
  sweep: SweepPoint[];
  tfjs: Measurement[];
}

export function adapterName(runtime: Runtime): string {
  return `${runtime.adapter.vendor} ${runtime.adapter.architecture} (${runtime.adapter.description || runtime.adapter.device})`;
}

/** Tunes the recurrent schedule for one shape; the runtime keeps the choice for later networks. */
async function tuneShape(runtime: Runtime, shape: BenchShape): Promise<void> {
  const Module = shape.cell === 'lstm' ? LSTM : GRU;
  const network = new Module(runtime, { inputSize: shape.inputSize, hiddenSize: shape.hiddenSize, init: { seed: 1 } });
  const x = Tensor.from(runtime, randomArray(shape.steps * shape.batch * shape.inputSize, 3), [shape.steps, shape.batch, shape.inputSize]);
  await tuneRecurrent(network, x, { runs: 1 });
  x.dispose();
  network.dispose();
}

/** Total GPU milliseconds of one run (NaN without timestamps). */
async function gpuTime(runtime: Runtime, once: () => Promise<void> | void): Promise<number> {
  if (!runtime.canProfile) return NaN;
  const times = await profileOnce(runtime, once);
  return times.reduce((sum, t) => sum + t.milliseconds, 0);
}

async function sweepPoint(runtime: Runtime, point: SweepShape, peakGflops: number): Promise<SweepPoint> {
  const bench = engineCase(runtime, point.shape);
  const m = await measure(runtime, `${point.vary}: T=${point.shape.steps} B=${point.shape.batch} H=${point.shape.hiddenSize}`, bench.inference);
  bench.dispose();
  const gflops = forwardFlops(point.shape) / (m.value / 1e3) / 1e9;
  return { ...m, vary: point.vary, shape: point.shape, msPerStep: m.value / point.shape.steps, gflops, shareOfPeak: gflops / peakGflops };
}

export async function runSuite(runtime: Runtime, options: SuiteOptions = {}): Promise<SuiteReport> {
  const log = options.log ?? (() => {});
  const shapes = CANONICAL_SHAPES.filter((s) => !options.shapes || options.shapes.includes(s.name));
  const peak = await fmaPeak(runtime);
  log(`adapter: ${adapterName(runtime)}\nFMA peak: ${peak.gflops!.toFixed(2)} GFLOP/s`);

  const engine: Measurement[] = [];
  const gpuMs: Record<string, number> = {};
  for (const shape of shapes) {
    if (options.tune ?? true) await tuneShape(runtime, shape);
    const results = await benchEngine(runtime, shape, peak.gflops!);
    const bench = engineCase(runtime, shape);
    gpuMs[results[0]!.name] = await gpuTime(runtime, bench.inference);
    gpuMs[results[1]!.name] = await gpuTime(runtime, bench.trainingStep);
    bench.dispose();
    engine.push(...results);
    for (const r of results) log(`${r.name}: ${r.value.toFixed(1)} ms (${r.range.map((v) => v.toFixed(1)).join('–')}), GPU ${gpuMs[r.name]?.toFixed(1) ?? '–'} ms, ${r.gflops!.toFixed(2)} GFLOP/s, ${(100 * r.shareOfPeak!).toFixed(1)}% of peak`);
  }

  const sweep: SweepPoint[] = [];
  if (options.sweep ?? true) {
    for (const point of SWEEP_SHAPES) {
      const p = await sweepPoint(runtime, point, peak.gflops!);
      sweep.push(p);
      log(`sweep ${p.name}: ${p.value.toFixed(1)} ms, ${p.msPerStep.toFixed(2)} ms/step`);
    }
  }

  const tfjs: Measurement[] = [];
  const tfjsShapes = shapes.filter((s) => !options.tfjsShapes || options.tfjsShapes.includes(s.name));
  for (const backend of ['webgpu', 'cpu'] as const) {
    for (const shape of tfjsShapes) {
      const results = await benchTfjs(runtime, backend, shape);
      tfjs.push(...results);
      for (const r of results) log(`${r.name}: ${r.value.toFixed(1)} ms (${r.range.map((v) => v.toFixed(1)).join('–')})`);
    }
  }
  return { adapter: adapterName(runtime), peak, engine, gpuMs, tuning: exportTuning(runtime), sweep, tfjs };
}

/** What the ORT columns are, and what did not run. */
function ortNote(ort: OrtReport): string {
  const versions = Object.entries(ort.versions).map(([name, version]) => `${name} ${version}`).join(', ');
  if (ort.skipped) return `ONNX Runtime peers (${versions}) not run: ${ort.skipped}.`;
  const failures = ort.failures.map((f) => ` ${f.peer} on ${f.shape}: ${f.reason}.`).join('');
  return `ONNX Runtime (${versions}), inference only: ort-webgpu is onnxruntime-web's WebGPU EP on the same Dawn adapter, ort-wasm its wasm EP (1 thread), ort-node onnxruntime-node's CPU EP (all cores, as PyTorch). A run at fewer steps (its time would pass ${ort.budgetMs / 1000} s) is scaled to the full T at the same cost per step (which also scales its fixed per-run costs, so it errs high), and its ratio uses that.${failures}`;
}

const ms = (m: Measurement): string => `${m.value.toFixed(1)} (${m.range.map((v) => v.toFixed(1)).join('–')})`;

/** The ORT columns, in order (a type-only import keeps ORT out of the browser page's bundle). */
const ORT_PEERS: readonly OrtPeer[] = ['ort-webgpu', 'ort-wasm', 'ort-node'];

/** An ORT cell: inference only; a run at fewer steps shows its per-step equivalent too. */
function ortCell(m: OrtMeasurement | undefined, engine: Measurement): string {
  if (!engine.name.endsWith(' inference')) return 'n/a';
  if (!m) return 'not run';
  const ratio = `${(m.fullSequenceMs / engine.value).toFixed(2)}×`;
  if (m.steps === m.fullSteps) return `${m.value.toFixed(1)} (${ratio})`;
  return `${m.value.toFixed(1)} at T=${m.steps} (≈${m.fullSequenceMs.toFixed(0)} per T=${m.fullSteps}, ${ratio})`;
}

/**
 * Markdown tables: canonical cases side by side, then the sweep. `anchor`: PyTorch CPU times;
 * `ort`: the ONNX Runtime peers (their columns appear only when given).
 */
export function formatReport(report: SuiteReport, anchor: Measurement[] | null = null, ort?: OrtReport): string {
  const versus = (m: Measurement | undefined, engineMs: number): string => (m ? `${m.value.toFixed(1)} (${(m.value / engineMs).toFixed(2)}×)` : 'not run');
  const rows = report.engine.map((m) => {
    const find = (list: Measurement[] | null, suffix: string) => list?.find((t) => t.name === `${m.name}${suffix}`);
    const gpu = report.gpuMs[m.name];
    const ortCells = ort ? ORT_PEERS.map((peer) => ` ${ortCell(ort.results.find((r) => r.peer === peer && `${r.shape} inference` === m.name), m)} |`).join('') : '';
    return `| ${m.name} | ${ms(m)} | ${gpu === undefined || Number.isNaN(gpu) ? '–' : gpu.toFixed(1)} | ${m.gflops!.toFixed(2)} | ${(100 * m.shareOfPeak!).toFixed(1)}% | ${versus(find(report.tfjs, ' (tfjs-webgpu)'), m.value)} | ${versus(find(report.tfjs, ' (tfjs-cpu)'), m.value)} |${ortCells} ${versus(find(anchor, ''), m.value)} |`;
  });
  const ortHead = ort ? ORT_PEERS.map((peer) => ` ${peer} ms |`).join('') : '';
  const sweepRows = report.sweep.map((p) => `| ${p.vary} | ${p.shape.steps} | ${p.shape.batch} | ${p.shape.hiddenSize} | ${ms(p)} | ${p.msPerStep.toFixed(2)} | ${p.gflops!.toFixed(2)} | ${(100 * p.shareOfPeak!).toFixed(1)}% |`);
  return [
    `Adapter: ${report.adapter}; FMA peak ${report.peak.gflops!.toFixed(2)} GFLOP/s.`,
    '',
    "Other columns: ms (their time ÷ this engine's time; above 1 means this engine is faster).",
    ...(ort ? ['', ortNote(ort)] : []),
    '',
    `| case | webgpu-rnn ms (min–max) | GPU ms | GFLOP/s | share of FMA peak | tfjs-webgpu ms | tfjs-cpu ms |${ortHead} PyTorch CPU ms |`,
    `|${' --- |'.repeat(ort ? 11 : 8)}`,
    ...rows,
    ...(sweepRows.length > 0
      ? ['', 'Sweep (LSTM inference, I = 64; one of T, B, H varied from lm-small):', '', '| varied | T | B | H | ms (min–max) | ms per step | GFLOP/s | share of FMA peak |', '| --- | --- | --- | --- | --- | --- | --- | --- |', ...sweepRows]
      : []),
  ].join('\n');
}
