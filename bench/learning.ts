/**
 * The learning comparison of the options inside the cell, through the command line with
 * the same budget of steps and the same seeds for every run:
 *  1. Moby Dick at the main job's defaults: the plain LSTM against in-cell layer norm
 *     (validation bits per character at equal steps).
 *  2. A short text (the first 24 kB of Moby Dick, so 300 steps of 32 × 64 characters are
 *     about 30 epochs), where the plain model overfits: plain against zoneout and against
 *     recurrent dropout (the gap between training and validation bits per character).
 * Runs one CLI process at a time (build first: npm run build), reading each run's metrics.jsonl.
 *   npx vite-node bench/learning.ts [-- --steps=300 --seeds=1,2 --only=norm|overfit]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mobyDick } from '../src/cli/corpora.js';

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const steps = Number(arg('steps') ?? 300);
const seeds = (arg('seeds') ?? '1').split(',').map(Number);
const only = arg('only');
const scratch = mkdtempSync(join(tmpdir(), 'webgpu-rnn-learning-'));
const shortText = join(scratch, 'short.txt');
writeFileSync(shortText, mobyDick().text.slice(0, 24_000));

interface Line {
  step: number;
  kind: 'train' | 'validation';
  bits_per_char: number;
}

interface Outcome {
  validation: number;
  /** Mean training bits per character over the last tenth of the steps. */
  train: number;
  seconds: number;
}

function run(name: string, options: string[], seed: number): Outcome {
  const dir = join(scratch, `${name.replace(/\W+/g, '-')}-${seed}`);
  const args = ['dist/cli.js', 'train', ...options, '--steps', String(steps), '--seed', String(seed), '--checkpoint-dir', dir, '--sample-every', String(steps * 10)];
  const start = performance.now();
  execFileSync('node', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
  const validation = lines.filter((l) => l.kind === 'validation').at(-1)!.bits_per_char;
  const late = lines.filter((l) => l.kind === 'train' && l.step > steps * 0.9);
  const train = late.reduce((sum, l) => sum + l.bits_per_char, 0) / late.length;
  return { validation, train, seconds: (performance.now() - start) / 1000 };
}

const EXPERIMENTS: { title: string; key: string; data: string[]; cases: [string, string[]][] }[] = [
  { title: 'Moby Dick, main-job defaults', key: 'norm', data: [], cases: [['plain LSTM', []], ['layer norm', ['--layer-norm']]] },
  {
    title: 'short text (24 kB of Moby Dick, 10% held out)',
    key: 'overfit',
    data: ['--data', shortText, '--validation', '0.1', '--eval-windows', '4'],
    cases: [['plain LSTM', []], ['zoneout 0.1 (h), 0.5 (c)', ['--zoneout', '0.1,0.5']], ['recurrent dropout 0.3', ['--recurrent-dropout', '0.3']]],
  },
];

const rows = ['| corpus | model | seed | validation bits/char | training bits/char (last 10%) | gap | seconds |', '| --- | --- | --- | --- | --- | --- | --- |'];
for (const experiment of EXPERIMENTS.filter((e) => !only || e.key === only)) {
  for (const seed of seeds) {
    for (const [name, options] of experiment.cases) {
      const o = run(`${experiment.key}-${name}`, [...experiment.data, ...options], seed);
      rows.push(`| ${experiment.title} | ${name} | ${seed} | ${o.validation.toFixed(3)} | ${o.train.toFixed(3)} | ${(o.validation - o.train).toFixed(3)} | ${o.seconds.toFixed(0)} |`);
      console.log(rows.at(-1));
    }
  }
}
console.log(`\n${steps} steps per run.\n\n${rows.join('\n')}`);
