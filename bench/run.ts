/**
 * Node benchmarks: the adapter's FMA peak, then this engine on the canonical shapes
 * (inference and one Adam training step), side by side in one process with tfjs (webgpu
 * backend on the same adapter, and cpu backend), and PyTorch on the CPU when python3 has
 * torch. Prints a markdown table and writes JSON to bench/out/node.json.
 *   npm run bench [-- --shapes=lm-small,gru] [--tfjs=lm-small]   (tfjs: default all shapes)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createRuntime } from '../src/index.js';
import { loadNodeGpu } from '../src/runtime/node-gpu.js';
import { benchTfjs, registerTfjsWebgpu } from './tfjs.js';
import { fmaPeak } from './fma.js';
import { benchEngine } from './engine.js';
import { CANONICAL_SHAPES } from './shapes.js';
import type { Measurement } from './measure.js';

const selected = process.argv.find((a) => a.startsWith('--shapes='))?.slice('--shapes='.length).split(',');
const shapes = CANONICAL_SHAPES.filter((s) => !selected || selected.includes(s.name));
const tfjsSelected = process.argv.find((a) => a.startsWith('--tfjs='))?.slice('--tfjs='.length).split(',');
const tfjsShapes = shapes.filter((s) => !tfjsSelected || tfjsSelected.includes(s.name));

function torchAnchor(): Measurement[] | null {
  try {
    const output = execFileSync('/usr/bin/python3', ['bench/torch_anchor.py'], { input: JSON.stringify(shapes), encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] });
    return JSON.parse(output) as Measurement[];
  } catch {
    return null;
  }
}

const runtime = await createRuntime();
const adapter = `${runtime.adapter.vendor} ${runtime.adapter.architecture} (${runtime.adapter.description || runtime.adapter.device})`;
const peak = await fmaPeak(runtime);
console.log(`adapter: ${adapter}\nFMA peak: ${peak.gflops!.toFixed(2)} GFLOP/s`);
const engine: Measurement[] = [];
for (const shape of shapes) {
  const results = await benchEngine(runtime, shape, peak.gflops!);
  engine.push(...results);
  for (const r of results) console.log(`${r.name}: ${r.value.toFixed(1)} ms (${r.range.map((v) => v.toFixed(1)).join('–')}), ${r.gflops!.toFixed(2)} GFLOP/s, ${(100 * r.shareOfPeak!).toFixed(1)}% of peak`);
}
const tfjs: Measurement[] = [];
if (tfjsShapes.length > 0) {
  await registerTfjsWebgpu((await loadNodeGpu('auto')).gpu);
  for (const backend of ['webgpu', 'cpu'] as const) {
    for (const shape of tfjsShapes) {
      const results = await benchTfjs(runtime, backend, shape);
      tfjs.push(...results);
      for (const r of results) console.log(`${r.name}: ${r.value.toFixed(1)} ms (${r.range.map((v) => v.toFixed(1)).join('–')})`);
    }
  }
}
runtime.destroy();
const torch = torchAnchor();

const cell = (m: Measurement | undefined, engineMs: number): string => (m ? `${m.value.toFixed(1)} (${(m.value / engineMs).toFixed(2)}×)` : 'not run');
const rows = engine.map((m) => {
  const find = (list: Measurement[] | null, suffix: string) => list?.find((t) => t.name === `${m.name}${suffix}`);
  return `| ${m.name} | ${m.value.toFixed(1)} (${m.range.map((v) => v.toFixed(1)).join('–')}) | ${m.gflops!.toFixed(2)} | ${(100 * m.shareOfPeak!).toFixed(1)}% | ${cell(find(tfjs, ' (tfjs-webgpu)'), m.value)} | ${cell(find(tfjs, ' (tfjs-cpu)'), m.value)} | ${cell(find(torch, ''), m.value)} |`;
});
const table = [
  `Adapter: ${adapter}; CPU: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}; FMA peak ${peak.gflops!.toFixed(2)} GFLOP/s.`,
  '',
  'Other columns: ms (their time ÷ this engine\'s time; above 1 means this engine is faster).',
  '',
  '| case | webgpu-rnn ms (min–max) | GFLOP/s | share of FMA peak | tfjs-webgpu ms | tfjs-cpu ms | PyTorch CPU ms |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
].join('\n');
console.log(`\n${table}`);
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/node.json', JSON.stringify({ adapter, peak, engine, tfjs, torch }, null, 2));
process.exit(0);
