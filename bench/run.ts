/**
 * Node benchmarks (Dawn): bench/suite.ts, with tfjs's webgpu backend on the same Dawn
 * adapter, ONNX Runtime peers (bench/ort.ts: web WebGPU and wasm, node CPU; inference only),
 * and PyTorch on the CPU as the native anchor when python3 has torch. Prints markdown tables
 * and writes JSON to bench/out/node.json.
 *   npm run bench [-- --shapes=lm-small,gru] [--tfjs=lm-small|none] [--ort=lm-small|none]
 *     [--ort-budget=ms (longest ORT run before it drops to fewer steps)] [--no-sweep] [--no-tune]
 *     [--no-main-job (skip the `npm start` training step case)]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createRuntime } from '../src/index.js';
import { loadNodeGpu } from '../src/runtime/node-gpu.js';
import { registerTfjsWebgpu } from './tfjs.js';
import { packageVersion, runOrtPeers } from './ort.js';
import { formatReport, runSuite } from './suite.js';
import { benchMainJob, formatMainJob } from './main-job.js';
import { CANONICAL_SHAPES } from './shapes.js';
import type { Measurement } from './measure.js';

const flag = (name: string): string[] | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3).split(',');
const shapes = flag('shapes');
const tfjsFlag = flag('tfjs');
const tfjsShapes = tfjsFlag?.[0] === 'none' ? [] : tfjsFlag;
const ortFlag = flag('ort');
const ortShapes = CANONICAL_SHAPES.filter((s) => (!shapes || shapes.includes(s.name)) && ortFlag?.[0] !== 'none' && (!ortFlag || ortFlag.includes(s.name)));
const ortBudget = flag('ort-budget')?.[0];

function torchAnchor(): Measurement[] | null {
  const selected = CANONICAL_SHAPES.filter((s) => !shapes || shapes.includes(s.name));
  try {
    const output = execFileSync('/usr/bin/python3', ['bench/torch_anchor.py'], { input: JSON.stringify(selected), encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] });
    return JSON.parse(output) as Measurement[];
  } catch {
    return null;
  }
}

/** Versions of what runs side by side, for the report's header. */
const versions = `Node ${process.versions.node}, Dawn (webgpu ${packageVersion('webgpu')}), tfjs ${packageVersion('@tensorflow/tfjs')}, onnxruntime-web ${packageVersion('onnxruntime-web')}, onnxruntime-node ${packageVersion('onnxruntime-node')}`;

const runtime = await createRuntime();
if (tfjsShapes === undefined || tfjsShapes.length > 0) await registerTfjsWebgpu((await loadNodeGpu('auto')).gpu);
const report = await runSuite(runtime, {
  ...(shapes ? { shapes } : {}),
  ...(tfjsShapes ? { tfjsShapes } : {}),
  sweep: !process.argv.includes('--no-sweep'),
  tune: !process.argv.includes('--no-tune'),
  log: console.log,
});
const mainJob = process.argv.includes('--no-main-job') ? null : await benchMainJob(runtime, report.peak.gflops!);
if (mainJob) console.log(`main job training step: ${mainJob.value.toFixed(1)} ms, ${mainJob.tokensPerSecond.toFixed(0)} tokens/s, ${(100 * mainJob.shareOfPeak!).toFixed(1)}% of peak`);
// After the engine and tfjs, still in the same process and on the same Dawn GPU object.
const ort = ortShapes.length > 0
  ? await runOrtPeers(runtime, ortShapes, async () => (await loadNodeGpu('auto')).gpu, { log: console.log, ...(ortBudget ? { budgetMs: Number(ortBudget) } : {}) })
  : undefined;
runtime.destroy();
const torch = torchAnchor();
console.log(`\nCPU: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}; ${versions}\n${formatReport(report, torch, ort)}${mainJob ? `\n\n${formatMainJob(mainJob)}` : ''}`);
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/node.json', JSON.stringify({ ...report, versions, torch, ort: ort ?? null, mainJob }, null, 2));
process.exit(0);
