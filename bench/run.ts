/**
 * Node benchmarks: the adapter's FMA peak, then this engine on the canonical shapes
 * (inference and one Adam training step), beside PyTorch on the CPU when python3 has torch.
 * Prints a markdown table and writes JSON to bench/out/node.json.
 *   npm run bench [-- --shapes lm-small,gru]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createRuntime } from '../src/index.js';
import { fmaPeak } from './fma.js';
import { benchEngine } from './engine.js';
import { CANONICAL_SHAPES } from './shapes.js';
import type { Measurement } from './measure.js';

const selected = process.argv.find((a) => a.startsWith('--shapes='))?.slice('--shapes='.length).split(',');
const shapes = CANONICAL_SHAPES.filter((s) => !selected || selected.includes(s.name));

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
runtime.destroy();
const torch = torchAnchor();

const rows = engine.map((m) => {
  const anchor = torch?.find((t) => t.name === m.name);
  const ratio = anchor ? (anchor.value / m.value).toFixed(2) : 'n/a';
  return `| ${m.name} | ${m.value.toFixed(1)} (${m.range.map((v) => v.toFixed(1)).join('–')}) | ${m.gflops!.toFixed(2)} | ${(100 * m.shareOfPeak!).toFixed(1)}% | ${anchor ? anchor.value.toFixed(1) : 'n/a'} | ${ratio} |`;
});
const table = [
  `Adapter: ${adapter}; CPU: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}; FMA peak ${peak.gflops!.toFixed(2)} GFLOP/s.`,
  '',
  '| case | webgpu-rnn ms (min–max) | GFLOP/s | share of FMA peak | PyTorch CPU ms | PyTorch ÷ webgpu-rnn |',
  '| --- | --- | --- | --- | --- | --- |',
  ...rows,
].join('\n');
console.log(`\n${table}`);
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/node.json', JSON.stringify({ adapter, peak, engine, torch }, null, 2));
process.exit(0);
