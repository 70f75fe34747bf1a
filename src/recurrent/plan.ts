/**
 * One call of a recurrent network, planned before any GPU work: the shape, the schedule of
 * each pass, the dispatch strategy, and one layer call per layer with its offsets, input
 * size and weights. The forward, backward and recompute modules run a plan.
 */
import type { Runtime } from '../runtime/runtime.js';
import type { Tensor } from '../tensor.js';
import type { CellVariant } from './cells.js';
import type { StepTrace } from './gradient-trace.js';
import { NO_MASKS, type CellMasks, type RecurrentKernelCall } from '../kernels/recurrent_common.js';
import type { NetworkDims } from './init.js';
import { layerInputSize } from './init.js';
import type { LayerParameters, RecurrentParameters } from './parameters.js';
import { chooseSchedule, type RecurrentPass, type RecurrentSchedule, type RecurrentShape, type RecurrentStrategyName, type ScheduleOptions } from './schedule.js';
import { checkTunedChoice, tunedChoice, type TunedChoice } from './tuning-table.js';
import { ArgumentError, describe } from '../errors.js';

/** How the recurrence of a layer is dispatched; strategies plug in at the plan. */
export interface RecurrentStrategy {
  readonly name: string;
  /** The recurrence forward over all steps: pre → out, h/c state, saved activations. */
  encodeForward(runtime: Runtime, plan: RecurrentPlan, layer: LayerPlan, buffers: RecurrentBuffers, save: boolean): void;
  /**
   * BPTT over all steps, in reverse: saved, d_out → d_gates (and the variant's other gradient
   * rows), dh/dc state. With `trace`, the carried dh goes to it after every step (the plan's
   * backward then runs one step per chunk).
   */
  encodeBackward(runtime: Runtime, plan: RecurrentPlan, layer: LayerPlan, buffers: RecurrentBuffers, trace?: StepTrace): void;
}

/** Buffers a recurrent kernel may bind, by binding name; the kernel's declarations pick. */
export type RecurrentBuffers = Readonly<Record<string, GPUBuffer | null>>;

export interface LayerPlan {
  readonly index: number;
  readonly inputSize: number;
  /** Element offset of this layer's [D, B, H] in the [L·D, B, H] state buffers. */
  readonly stateOffset: number;
  readonly weights: LayerParameters;
  /** b_hh, or zeros without bias. */
  readonly recurrentBias: Tensor;
  /** Rates and this layer's seed of the masks inside the cell. */
  readonly masks: CellMasks;
}

export interface RecurrentPlan {
  readonly variant: CellVariant;
  readonly shape: RecurrentShape;
  readonly batchFirst: boolean;
  /** Per-sequence lengths were given. */
  readonly hasLengths: boolean;
  readonly forward: RecurrentSchedule;
  /** Null for inference. */
  readonly backward: RecurrentSchedule | null;
  /** The strategy of each pass, as its schedule names it. */
  readonly strategies: { readonly forward: RecurrentStrategy; readonly backward: RecurrentStrategy | null };
  readonly layers: readonly LayerPlan[];
}

/** What every dispatch of one layer's pass shares: the call's sizes, schedule, layout and masks. */
export function passCall(plan: RecurrentPlan, layer: LayerPlan, pass: RecurrentPass, save: boolean): Omit<RecurrentKernelCall, 'stateOffset' | 'stateWrite' | 'begin'> {
  return {
    masks: layer.masks,
    config: plan.variant.config,
    shape: plan.shape,
    schedule: pass === 'forward' ? plan.forward : plan.backward!,
    save,
    batchFirst: plan.batchFirst,
    hasLengths: plan.hasLengths,
  };
}

/** What a plan is made from: the network's fixed parts. */
export interface PlanSource {
  readonly runtime: Runtime;
  readonly variant: CellVariant;
  readonly dims: NetworkDims;
  readonly weights: RecurrentParameters;
  readonly batchFirst: boolean;
  readonly chunkLength: number | undefined;
  readonly scheduleOverrides: TunedChoice;
}

/** Schedule choices for one call, over tuned choices and the network's overrides (a tuner's candidates). */
export type ScheduleChoices = Partial<Record<RecurrentPass, TunedChoice>>;

export interface CallOptions {
  training: boolean;
  hasLengths: boolean;
  /** The strategies a schedule may name. */
  strategies: Readonly<Record<RecurrentStrategyName, RecurrentStrategy>>;
  choices?: ScheduleChoices;
  /** Backward one step per dispatch, so that a gradient trace sees every step. */
  stepwiseBackward?: boolean;
  /** The masks inside the cell: rates, and one seed per layer. */
  masks?: Omit<CellMasks, 'seed'> & { seeds: readonly number[] };
}

/**
 * The network's overrides and a call's choices, checked before any GPU work: a bad strategy
 * would fail only when encoding, and a bad size would reach the pipeline's constants.
 */
function checkChoices(source: PlanSource, given: ScheduleChoices | undefined): { overrides: TunedChoice; choices: ScheduleChoices } {
  const limits = source.runtime.limits;
  const largest = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  const overrides = checkTunedChoice('scheduleOverrides', source.scheduleOverrides, largest);
  const choices: ScheduleChoices = {};
  if (given === undefined) return { overrides, choices };
  if (given === null || typeof given !== 'object') throw new ArgumentError('schedules', 'an object { forward?, backward? } of schedule choices', describe(given));
  for (const [pass, choice] of Object.entries(given)) {
    if (pass !== 'forward' && pass !== 'backward') throw new ArgumentError(`schedules.${pass}`, 'a pass: forward or backward', 'an unknown key');
    if (choice !== undefined) choices[pass] = checkTunedChoice(`schedules.${pass}`, choice, largest);
  }
  return { overrides, choices };
}

export function planCall(source: PlanSource, size: { steps: number; batch: number }, call: CallOptions): RecurrentPlan {
  const { overrides, choices } = checkChoices(source, call.choices);
  const { dims } = source;
  const shape: RecurrentShape = { ...size, hidden: dims.hiddenSize, directions: dims.directions };
  const schedule = (pass: RecurrentPass): RecurrentSchedule => {
    const options: ScheduleOptions = {
      software: source.runtime.adapter.isSoftware,
      ...tunedChoice(source.runtime, source.variant, shape, pass),
      ...overrides,
      ...choices[pass],
      ...(source.chunkLength === undefined ? {} : { chunkLength: source.chunkLength }),
      ...(pass === 'backward' && call.stepwiseBackward ? { chunkLength: 1 } : {}),
      pass,
    };
    if (options.strategy === 'split' && source.variant.config.layerNorm) {
      throw new ArgumentError(`schedules.${pass}.strategy`, "'persistent' for a cell with layer norm (its statistics need a whole head in one workgroup)", "'split'");
    }
    return chooseSchedule(source.variant, shape, source.runtime.limits, options);
  };
  const layerState = dims.directions * size.batch * dims.hiddenSize;
  const forward = schedule('forward');
  const backward = call.training ? schedule('backward') : null;
  // Before any GPU work: each pass's kernel must fit the device's storage-buffer limit.
  const cell = source.variant.config.cell.toUpperCase();
  source.runtime.checkStorageBuffers(source.variant.forward.shader, forward.strategy === 'split' ? 'split_step' : 'main', `${cell} forward`);
  if (backward) source.runtime.checkStorageBuffers(source.variant.backward.shader, backward.strategy === 'split' ? 'split_step' : 'main', `${cell} backward`);
  return {
    variant: source.variant,
    shape,
    batchFirst: source.batchFirst,
    hasLengths: call.hasLengths,
    forward,
    backward,
    strategies: { forward: call.strategies[forward.strategy], backward: backward ? call.strategies[backward.strategy] : null },
    layers: source.weights.layers.map((weights, index) => ({
      index,
      inputSize: layerInputSize(dims, index),
      stateOffset: index * layerState,
      weights,
      recurrentBias: source.weights.recurrentBias(index),
      masks: call.masks ? { ...call.masks, seed: call.masks.seeds[index]! } : NO_MASKS,
    })),
  };
}
