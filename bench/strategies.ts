/**
 * The two recurrent strategies side by side in one run: each canonical shape (and `stream`
 * at batch 2 and 4) with the persistent chunk kernel forced, then the split-hidden kernel
 * at two unit spans, inference and a training step, alternating so that drift in the
 * machine's speed falls on both alike.
 *   npm run bench:strategies [-- --shapes=stream]
 */
import { createRuntime, type TunedChoice } from '../src/index.js';
import { engineCase } from './engine.js';
import { measure } from './measure.js';
import { CANONICAL_SHAPES, type BenchShape } from './shapes.js';

const selected = process.argv.find((a) => a.startsWith('--shapes='))?.slice('--shapes='.length).split(',');
const stream = CANONICAL_SHAPES.find((s) => s.name === 'stream')!;
const shapes: BenchShape[] = [
  ...CANONICAL_SHAPES,
  { ...stream, name: 'stream B=2', batch: 2 },
  { ...stream, name: 'stream B=4', batch: 4 },
].filter((s) => !selected || selected.some((name) => s.name.startsWith(name)));

const STRATEGIES: [string, TunedChoice][] = [
  ['persistent', { strategy: 'persistent' }],
  ['split, 128 units', { strategy: 'split', unitSpan: 128 }],
  ['split, 64 units', { strategy: 'split', unitSpan: 64 }],
];

const runtime = await createRuntime();
console.log(`adapter: ${runtime.adapter.description || runtime.adapter.vendor}`);
const rows: string[] = ['| shape | pass | ' + STRATEGIES.map(([name]) => `${name} ms`).join(' | ') + ' | persistent ÷ best split |', `| --- | --- |${' --- |'.repeat(STRATEGIES.length + 1)}`];
for (const shape of shapes) {
  const cases = STRATEGIES.map(([, schedule]) => engineCase(runtime, shape, schedule));
  for (const pass of ['inference', 'trainingStep'] as const) {
    const times = new Array<number[]>(cases.length).fill([]).map(() => [] as number[]);
    // Alternate strategies, three rounds, each a median of 3 after a warmup.
    for (let round = 0; round < 3; round++) {
      for (const [i, bench] of cases.entries()) times[i]!.push((await measure(runtime, shape.name, bench[pass], 3)).value);
    }
    const medians = times.map((t) => t.sort((a, b) => a - b)[1]!);
    const best = Math.min(...medians.slice(1));
    rows.push(`| ${shape.name} | ${pass === 'inference' ? 'inference' : 'training step'} | ${medians.map((m) => m.toFixed(1)).join(' | ')} | ${(medians[0]! / best).toFixed(2)}× |`);
    console.log(rows.at(-1));
  }
  for (const bench of cases) bench.dispose();
}
console.log(`\n${rows.join('\n')}`);
runtime.destroy();
process.exit(0);
