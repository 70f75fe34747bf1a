/**
 * Reliability figures at full size (the suite runs each at a small count):
 *   npx vite-node bench/reliability.ts -- [--cycles 500] [--steps 10000] [--fuzz 10000] [--seed 1]
 * - runtime create/destroy cycles, each compiling and running an LSTM: RSS after each block
 * - truncated-BPTT training steps: the buffer pool's peak bytes, which must not grow
 * - mutated checkpoints loaded into a live model: raw exceptions, partial and wrong loads
 * Run with `node --expose-gc` (through vite-node) for steadier RSS; exits 1 on any failure.
 */
import { Adam, CharLanguageModel, LSTM, Tensor, createRuntime } from '../src/index.js';
import type { RecurrentState } from '../src/core/types.js';
import { disposeState } from '../src/core/state.js';
import { runCheckpointFuzz } from '../test/train/checkpoint-mutations.js';

const option = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name}: expected a non-negative integer, got ${process.argv[i + 1]}`);
  return value;
};
const cycles = option('cycles', 500);
const steps = option('steps', 10_000);
const fuzz = option('fuzz', 10_000);
const seed = option('seed', 1);
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
let failed = false;

// 1. Runtimes created and destroyed.
if (cycles > 0) {
  const rss: number[] = [];
  const start = performance.now();
  for (let i = 1; i <= cycles; i++) {
    const runtime = await createRuntime();
    const lstm = new LSTM(runtime, { inputSize: 3, hiddenSize: 8, numLayers: 2 });
    const x = Tensor.from(runtime, new Float32Array(4 * 2 * 3).fill(0.5), [4, 2, 3]);
    await lstm.forward(x).output.read();
    runtime.destroy();
    if (i % Math.max(1, Math.floor(cycles / 10)) === 0) {
      gc();
      rss.push(process.memoryUsage().rss);
    }
  }
  // The first block holds the one-time costs (Dawn, SwiftShader, the module graph).
  const growth = rss.at(-1)! - rss[0]!;
  const bound = 16 * 2 ** 20;
  console.log(`runtime cycles: ${cycles} in ${((performance.now() - start) / 1000).toFixed(0)} s; RSS MB ${rss.map(mb).join(' ')}; growth after the first block ${mb(growth)} MB (bound ${mb(bound)} MB)`);
  if (growth > bound) failed = true;
}

// 2. A long truncated-BPTT run: the pool's peak must stay where the first steps put it.
if (steps > 0) {
  const runtime = await createRuntime();
  const model = new CharLanguageModel(runtime, { vocabularySize: 30, embeddingDim: 8, hiddenSize: 32, seed });
  const optimizer = new Adam(runtime, model.parameters(), { lr: 0.01 });
  const [T, B] = [16, 8];
  let carried: RecurrentState | null = null;
  const peaks: [number, number][] = [];
  const start = performance.now();
  for (let step = 0; step < steps; step++) {
    const input = Int32Array.from({ length: T * B }, (_, i) => (i * 7 + step) % 30);
    const target = Int32Array.from({ length: T * B }, (_, i) => (i * 7 + step + 1) % 30);
    const result = await model.trainStep({ index: step % 50, steps: T, batch: B, input, target }, carried, optimizer, 1);
    carried = result.state;
    const done = step + 1;
    if (done === 100 || done % Math.max(100, Math.floor(steps / 10)) === 0) peaks.push([done, runtime.pool.stats().peakAllocatedBytes]);
  }
  disposeState(carried);
  const seconds = (performance.now() - start) / 1000;
  const first = peaks[0]![1];
  const last = peaks.at(-1)![1];
  console.log(`TBPTT: ${steps} steps in ${seconds.toFixed(0)} s; pool peak bytes ${peaks.map(([s, p]) => `${s}:${p}`).join(' ')}; ${last === first ? 'flat' : `grew by ${last - first}`}`);
  if (last !== first) failed = true;
  optimizer.dispose();
  model.dispose();
  runtime.destroy();
}

// 3. Mutated checkpoints.
if (fuzz > 0) {
  const runtime = await createRuntime();
  const start = performance.now();
  const tally = await runCheckpointFuzz(runtime, seed, fuzz);
  console.log(`checkpoint fuzz: ${tally.files} files in ${((performance.now() - start) / 1000).toFixed(0)} s; loaded ${tally.loaded}, rejected ${tally.rejected}, raw exceptions ${tally.raw}, partial loads ${tally.partial}, wrong loads ${tally.wrong}`);
  for (const problem of tally.problems) console.log(`  ! ${problem}`);
  if (tally.raw + tally.partial + tally.wrong > 0) failed = true;
  runtime.destroy();
}

process.exit(failed ? 1 : 0);
