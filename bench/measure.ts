/** Timing helpers for the benchmarks: warmup, then the median and spread of several runs. */
import type { KernelTime, Runtime } from '../src/index.js';

export interface Measurement {
  name: string;
  unit: 'ms';
  value: number;
  range: [number, number];
  runs: number;
  gflops?: number;
  shareOfPeak?: number;
}

/** Runs `once` (which must leave nothing queued) warmup + runs times; wall time after runtime.sync(). */
export async function measure(runtime: Runtime, name: string, once: () => Promise<void> | void, runs = 5, warmup = 1): Promise<Measurement> {
  for (let i = 0; i < warmup; i++) {
    await once();
    await runtime.sync();
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await once();
    await runtime.sync();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { name, unit: 'ms', value: times[Math.floor(times.length / 2)]!, range: [times[0]!, times[times.length - 1]!], runs };
}

/** GPU time by kernel of one run of `once`, after a run that compiles its pipelines. */
export async function profileOnce(runtime: Runtime, once: () => Promise<void> | void): Promise<KernelTime[]> {
  await once();
  await runtime.sync();
  runtime.startProfiling();
  await once();
  return runtime.stopProfiling();
}
