/**
 * Schedule tuning by measurement: times the recurrent kernels of a network on one input
 * under each candidate schedule (GPU timestamps where the adapter has them, wall time
 * otherwise) and keeps the fastest per runtime, cell and shape. Every network on that
 * runtime then uses the tuned choice for that shape; the table can be exported and loaded
 * again, so a page or a job tunes once per adapter.
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor, checkTensor } from '../tensor.js';
import { ArgumentError, checkInteger, describe } from '../errors.js';
import type { CellConfig } from './cells.js';
import type { RecurrentShape, ScheduleOptions } from './schedule.js';
import type { RecurrentNetwork } from './network.js';

/** The scheduler choices a tuner may fix. */
export type TunedChoice = Pick<ScheduleOptions, 'batchTile' | 'batchBlock' | 'workgroupSize'>;

export interface TuningResult {
  pass: 'forward' | 'backward';
  choice: TunedChoice;
  /** Median kernel milliseconds of every candidate tried, fastest first. */
  timings: { choice: TunedChoice; milliseconds: number }[];
  /** What the times are: 'gpu' (timestamps) or 'wall'. */
  clock: 'gpu' | 'wall';
}

const tables = new WeakMap<Runtime, Map<string, TunedChoice>>();

function tableOf(runtime: Runtime): Map<string, TunedChoice> {
  let table = tables.get(runtime);
  if (!table) tables.set(runtime, (table = new Map()));
  return table;
}

/** Per-step cost depends on the cell, hidden size, batch and directions, not on T. */
export function tuningKey(config: CellConfig, shape: RecurrentShape, pass: 'forward' | 'backward'): string {
  const variant = config.cell === 'gru' ? (config.resetAfter ? '-after' : '-before') : config.cell === 'rnn' ? `-${config.nonlinearity}` : '';
  return `${config.cell}${variant} H=${shape.hidden} B=${shape.batch} D=${shape.directions} ${pass}`;
}

export function tunedChoice(runtime: Runtime, config: CellConfig, shape: RecurrentShape, pass: 'forward' | 'backward'): TunedChoice | undefined {
  return tables.get(runtime)?.get(tuningKey(config, shape, pass));
}

/** The runtime's tuned choices, as plain JSON. */
export function exportTuning(runtime: Runtime): Record<string, TunedChoice> {
  return Object.fromEntries(tables.get(runtime) ?? []);
}

/** Loads choices from exportTuning (from the same adapter); checks them first. */
export function importTuning(runtime: Runtime, table: Record<string, TunedChoice>): void {
  if (table === null || typeof table !== 'object') throw new ArgumentError('table', 'an object from exportTuning', describe(table));
  const checked: [string, TunedChoice][] = Object.entries(table).map(([key, choice]) => {
    if (choice === null || typeof choice !== 'object') throw new ArgumentError(`table["${key}"]`, 'an object of schedule choices', describe(choice));
    const entry: TunedChoice = {};
    for (const name of ['batchTile', 'batchBlock', 'workgroupSize'] as const) {
      if (choice[name] !== undefined) entry[name] = checkInteger(`table["${key}"].${name}`, choice[name], 1);
    }
    return [key, entry];
  });
  const target = tableOf(runtime);
  for (const [key, entry] of checked) target.set(key, entry);
}

export interface TuneOptions {
  /** Which kernels to tune; both by default. */
  passes?: ('forward' | 'backward')[];
  /** Timed runs per candidate after one warmup (median kept). */
  runs?: number;
  /** Choices to try instead of the default grid (blocks the kernel takes × 64, 128, 256 invocations). */
  candidates?: TunedChoice[];
}

/** Candidate choices: work-item blocks the kernels take, and workgroup sizes in powers of two. */
function candidates(network: RecurrentNetwork, pass: 'forward' | 'backward', batch: number): TunedChoice[] {
  const cell = network.config.cell;
  // The Elman kernels have no work-item block to choose.
  const blocks = cell === 'rnn' ? [4] : cell === 'lstm' && pass === 'forward' ? [2, 4, 8] : [2, 4];
  const limits = network.runtime.limits;
  const largest = Math.min(256, limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  const sizes = [64, 128, 256].filter((size) => size <= largest);
  const usable = blocks.filter((block) => block <= batch);
  return (usable.length > 0 ? usable : [1]).flatMap((batchBlock) => sizes.map((workgroupSize) => ({ batchBlock, workgroupSize })));
}

/**
 * Tunes `network`'s recurrent kernels for `input`'s shape and records the fastest choice
 * for this runtime. Runs the network several times per candidate; gradients it leaves are
 * zeroed again.
 */
export async function tuneRecurrent(network: RecurrentNetwork, input: Tensor, options: TuneOptions = {}): Promise<TuningResult[]> {
  const runtime = network.runtime;
  checkTensor('input', input, runtime, { dtype: 'f32', rank: 3 });
  const runs = checkInteger('options.runs', options.runs ?? 3, 1);
  const passes = options.passes ?? ['forward', 'backward'];
  for (const pass of passes) if (pass !== 'forward' && pass !== 'backward') throw new ArgumentError('options.passes', "'forward' and/or 'backward'", describe(pass));
  const batch = input.shape[network.batchFirst ? 0 : 1]!;
  const shape: RecurrentShape = { steps: input.shape[network.batchFirst ? 1 : 0]!, batch, hidden: network.hiddenSize, directions: network.directions };
  const clock = runtime.canProfile ? 'gpu' : 'wall';
  const kernelPrefix = `${network.config.cell}_`;
  const saved = network.scheduleOverrides;
  const results: TuningResult[] = [];
  try {
    for (const pass of passes) {
      const once = (): void => {
        if (pass === 'forward') {
          const { output, h, c } = network.forward(input);
          for (const t of [output, h, c]) t?.dispose();
          return;
        }
        const trained = network.forwardTrain(input);
        const seed = Tensor.zeros(runtime, trained.output.shape);
        const grads = trained.backward({ output: seed });
        for (const t of [trained.output, trained.h, trained.c, seed, grads.input, grads.h0, grads.c0]) t?.dispose();
      };
      const timed = async (): Promise<number> => {
        if (clock === 'wall') {
          const start = performance.now();
          once();
          await runtime.sync();
          return performance.now() - start;
        }
        runtime.startProfiling();
        once();
        const times = await runtime.stopProfiling();
        return times.filter((t) => t.kernel.startsWith(`${kernelPrefix}${pass}`)).reduce((sum, t) => sum + t.milliseconds, 0);
      };
      const timings: TuningResult['timings'] = [];
      for (const choice of options.candidates ?? candidates(network, pass, batch)) {
        network.scheduleOverrides = { ...saved, ...choice };
        once(); // compiles the pipeline
        await runtime.sync();
        const times: number[] = [];
        for (let i = 0; i < runs; i++) times.push(await timed());
        times.sort((a, b) => a - b);
        timings.push({ choice, milliseconds: times[Math.floor(times.length / 2)]! });
      }
      timings.sort((a, b) => a.milliseconds - b.milliseconds);
      const best = timings[0]!.choice;
      tableOf(runtime).set(tuningKey(network.config, shape, pass), best);
      results.push({ pass, choice: best, timings, clock });
    }
  } finally {
    network.scheduleOverrides = saved;
    network.zeroGradients();
  }
  return results;
}
