/**
 * What each option inside the cell costs, against the plain cell in the same run: layer
 * norm, zoneout, recurrent dropout, heads and all of them at once, for a training step
 * (forward with masks, BPTT, Adam) and inference; and multi-head recurrence at H = 1024
 * with 8 heads against the dense cell. Cases alternate round by round so that drift in the
 * machine's speed falls on all alike; each figure is the median of the rounds' medians.
 *   npx vite-node bench/cell-options.ts [-- --rounds=3]
 */
import { createRuntime, type RecurrentOptions } from '../src/index.js';
import { engineCase } from './engine.js';
import { measure } from './measure.js';
import type { BenchShape } from './shapes.js';

const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice('--rounds='.length) ?? 3);

interface Comparison {
  shape: BenchShape;
  /** The first case is the baseline the others are divided by. */
  cases: [string, Partial<RecurrentOptions>][];
}

const small = { inputSize: 64, hiddenSize: 128, steps: 32, batch: 16 } as const;
const COMPARISONS: Comparison[] = [
  {
    shape: { name: 'lstm H=128', cell: 'lstm', ...small },
    cases: [
      ['plain', {}],
      ['layer norm', { layerNorm: true }],
      ['zoneout 0.1/0.1', { zoneout: { hidden: 0.1, cell: 0.1 } }],
      ['recurrent dropout 0.25', { recurrentDropout: 0.25 }],
      ['4 heads', { heads: 4 }],
      ['all of them', { layerNorm: true, zoneout: { hidden: 0.1, cell: 0.1 }, recurrentDropout: 0.25, heads: 4 }],
    ],
  },
  { shape: { name: 'gru H=128', cell: 'gru', ...small }, cases: [['plain', {}], ['layer norm', { layerNorm: true }], ['zoneout 0.1', { zoneout: 0.1 }]] },
  { shape: { name: 'rnn H=128', cell: 'rnn', ...small }, cases: [['plain', {}], ['layer norm', { layerNorm: true }], ['zoneout 0.1', { zoneout: 0.1 }]] },
  {
    shape: { name: 'lstm H=1024', cell: 'lstm', inputSize: 64, hiddenSize: 1024, steps: 4, batch: 4 },
    cases: [['dense', {}], ['8 heads', { heads: 8 }]],
  },
];

const runtime = await createRuntime();
console.log(`adapter: ${runtime.adapter.description || runtime.adapter.vendor}; ${rounds} rounds, each a median of 3 after a warmup`);
const rows = ['| shape | option | training step ms | ÷ first | inference ms | ÷ first |', '| --- | --- | --- | --- | --- | --- |'];
for (const { shape, cases } of COMPARISONS) {
  const benches = cases.map(([, options]) => engineCase(runtime, shape, {}, options));
  const medians: Record<'trainingStep' | 'inference', number[]> = { trainingStep: [], inference: [] };
  for (const pass of ['trainingStep', 'inference'] as const) {
    const times = benches.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) {
      for (const [i, bench] of benches.entries()) times[i]!.push((await measure(runtime, cases[i]![0], bench[pass], 3)).value);
    }
    medians[pass] = times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!);
  }
  cases.forEach(([name], i) => {
    const [train, infer] = [medians.trainingStep[i]!, medians.inference[i]!];
    rows.push(`| ${shape.name} | ${name} | ${train.toFixed(1)} | ${(train / medians.trainingStep[0]!).toFixed(2)}× | ${infer.toFixed(1)} | ${(infer / medians.inference[0]!).toFixed(2)}× |`);
  });
  for (const bench of benches) bench.dispose();
  console.log(rows.slice(-cases.length).join('\n'));
}
console.log(`\n${rows.join('\n')}`);
runtime.destroy();
