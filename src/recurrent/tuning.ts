/**
 * Schedule tuning by measurement: times the recurrent kernels of a network on one input
 * under each candidate schedule (GPU timestamps where the adapter has them, wall time
 * otherwise) and records the fastest in the runtime's tuning table, which every plan on
 * that runtime then consults.
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor, checkTensor } from '../tensor.js';
import { ArgumentError, checkInteger, describe } from '../errors.js';
import type { RecurrentPass, RecurrentShape } from './schedule.js';
import type { RecurrentNetwork } from './network.js';
import { tuningKey, tuningTable, type TunedChoice } from './tuning-table.js';

export { exportTuning, importTuning, tuningKey, type TunedChoice } from './tuning-table.js';

export interface TuningResult {
  pass: RecurrentPass;
  choice: TunedChoice;
  /** Median kernel milliseconds of every candidate tried, fastest first. */
  timings: { choice: TunedChoice; milliseconds: number }[];
  /** What the times are: 'gpu' (timestamps) or 'wall'. */
  clock: 'gpu' | 'wall';
}

export interface TuneOptions {
  /** Which kernels to tune; both by default. */
  passes?: RecurrentPass[];
  /** Timed runs per candidate after one warmup (median kept). */
  runs?: number;
  /** Choices to try instead of the default grid (blocks the kernel takes × 64, 128, 256 invocations). */
  candidates?: TunedChoice[];
}

/** Hidden units per workgroup that the tuner tries for the split strategy. */
const SPLIT_UNIT_SPANS = [64, 128];

/** Candidate choices: work-item blocks the kernels take × workgroup sizes in powers of two, and the split strategy. */
function candidates(network: RecurrentNetwork, pass: RecurrentPass, batch: number): TunedChoice[] {
  const blocks = network.variant.blocks[pass];
  const limits = network.runtime.limits;
  const largest = Math.min(256, limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  const sizes = [64, 128, 256].filter((size) => size <= largest);
  // Blocks of one are only tried where the kernel takes nothing larger.
  const usable = blocks.filter((block) => block > 1 && block <= batch);
  const persistent = (usable.length > 0 ? usable : [blocks[0]!]).flatMap((batchBlock) => sizes.map((workgroupSize): TunedChoice => ({ strategy: 'persistent', batchBlock, workgroupSize })));
  // Split: a slice of hidden units per workgroup, for the largest block that fits; not
  // with layer norm, whose statistics need a whole head in one workgroup.
  if (network.variant.config.layerNorm) return persistent;
  const hidden = network.hiddenSize / network.variant.config.heads;
  const spans = [...new Set(SPLIT_UNIT_SPANS.map((span) => Math.min(span, hidden)))];
  const split = spans.map((unitSpan): TunedChoice => ({ strategy: 'split', unitSpan, batchBlock: usable.at(-1) ?? blocks[0]!, workgroupSize: sizes[0]! }));
  return [...persistent, ...split];
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
  const results: TuningResult[] = [];
  try {
    for (const pass of passes) {
      let choice: TunedChoice = {};
      const once = (): void => {
        if (pass === 'forward') {
          const { output, h, c } = network.forward(input, {}, { forward: choice });
          for (const t of [output, h, c]) t?.dispose();
          return;
        }
        const trained = network.forwardTrain(input, {}, { forward: choice, backward: choice });
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
        return times.filter((t) => t.kernel.startsWith(network.variant[pass].shader.name)).reduce((sum, t) => sum + t.milliseconds, 0);
      };
      const timings: TuningResult['timings'] = [];
      for (const candidate of options.candidates ?? candidates(network, pass, batch)) {
        choice = candidate;
        once(); // compiles the pipeline
        await runtime.sync();
        const times: number[] = [];
        for (let i = 0; i < runs; i++) times.push(await timed());
        times.sort((a, b) => a - b);
        timings.push({ choice: candidate, milliseconds: times[Math.floor(times.length / 2)]! });
      }
      timings.sort((a, b) => a.milliseconds - b.milliseconds);
      const best = timings[0]!.choice;
      tuningTable(runtime).set(tuningKey(network.variant, shape, pass), best);
      results.push({ pass, choice: best, timings, clock });
    }
  } finally {
    network.zeroGradients();
  }
  return results;
}
