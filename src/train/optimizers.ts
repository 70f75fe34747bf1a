/**
 * Optimizers as GPU kernels, with PyTorch's update rules: SGD (momentum, dampening,
 * Nesterov), Adam, AdamW and Adagrad, with weight decay and a learning-rate schedule hook.
 * Their state saves and loads as state-dict entries beside the weights.
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor } from '../tensor.js';
import { ArgumentError, checkFinite, describe } from '../errors.js';
import type { StateDict } from '../core/types.js';
import { checkStateEntry, checkStateKeys } from '../core/state-dict.js';
import type { Parameter } from './parameter.js';
import { optimizerKernel, type OptimizerMethod } from '../kernels/optimizer.js';

/** Learning rate for a step (1, 2, …), given the base rate. */
export type LearningRateSchedule = (step: number, baseLr: number) => number;

export interface OptimizerSettings {
  method: OptimizerMethod;
  lr: number;
  weightDecay: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  beta1: number;
  beta2: number;
  eps: number;
  decoupled: boolean;
  states: number;
}

export abstract class Optimizer {
  /** Steps taken so far. */
  step = 0;
  private readonly state = new Map<string, Tensor<'f32'>[]>();
  schedule: LearningRateSchedule | undefined;

  protected constructor(
    readonly runtime: Runtime,
    readonly parameters: readonly Parameter[],
    private readonly settings: OptimizerSettings,
    schedule: LearningRateSchedule | undefined,
  ) {
    if (!Array.isArray(parameters) || parameters.length === 0) throw new ArgumentError('parameters', 'a non-empty list of parameters', describe(parameters));
    const names = new Set<string>();
    for (const [i, p] of parameters.entries()) {
      if (names.has(p.name)) throw new ArgumentError('parameters', 'distinct parameter names', `${p.name} twice`);
      names.add(p.name);
      if (p.value?.runtime !== runtime || p.grad?.runtime !== runtime) throw new ArgumentError(`parameters[${i}]`, "a parameter on this optimizer's runtime", `${p.name} on another runtime`);
    }
    // PyTorch's checks.
    atLeast('options.lr', settings.lr, 0);
    atLeast('options.weightDecay', settings.weightDecay, 0);
    atLeast('options.momentum', settings.momentum, 0);
    if (settings.method !== 'sgd') atLeast('options.eps', settings.eps, 0, true);
    if (schedule !== undefined && typeof schedule !== 'function') throw new ArgumentError('options.schedule', 'a function (step, baseLr) => lr', describe(schedule));
    this.schedule = schedule;
  }

  /** The learning rate the next step will use. */
  get learningRate(): number {
    return this.schedule ? this.schedule(this.step + 1, this.settings.lr) : this.settings.lr;
  }

  set baseLearningRate(lr: number) {
    this.settings.lr = atLeast('lr', lr, 0);
  }

  /** Applies one update to every parameter from its gradient, and submits the step's work. */
  update(): void {
    const s = this.settings;
    const lr = this.schedule ? atLeast(`options.schedule(${this.step + 1}, ${s.lr})`, this.schedule(this.step + 1, s.lr), 0) : s.lr;
    this.step++;
    for (const p of this.parameters) {
      const [state1, state2] = this.stateOf(p);
      this.runtime.launch(
        optimizerKernel,
        {
          method: s.method,
          nesterov: s.nesterov,
          decoupled: s.decoupled,
          count: p.value.size,
          firstStep: this.step === 1,
          lr,
          weightDecay: s.weightDecay,
          momentum: s.momentum,
          dampening: s.dampening,
          beta1: s.beta1,
          beta2: s.beta2,
          eps: s.eps,
          biasCorrection1: 1 - s.beta1 ** this.step,
          biasCorrection2: 1 - s.beta2 ** this.step,
        },
        { param: p.value.buffer, grad: p.grad.buffer, state1: state1!.buffer, state2: state2?.buffer ?? this.runtime.placeholder('write') },
      );
    }
    // A step is a natural boundary: submitting lets the pool reuse this step's buffers.
    this.runtime.submit();
  }

  /** Sets every gradient to zero. */
  zeroGradients(): void {
    const encoder = this.runtime.commandEncoder();
    for (const p of this.parameters) encoder.clearBuffer(p.grad.buffer, 0, p.grad.byteLength);
  }

  /** State entries named `<parameter>.state<k>`, plus `step` as a one-element entry. */
  async stateDict(): Promise<StateDict> {
    const dict: StateDict = { step: { shape: [1], data: new Float32Array([this.step]) } };
    for (const p of this.parameters) {
      const states = this.state.get(p.name);
      if (!states) continue;
      for (const [k, t] of states.entries()) dict[`${p.name}.state${k}`] = { shape: t.shape, data: await t.read() };
    }
    return dict;
  }

  /** Checks a state dict without loading it (a checkpoint checks every part before loading any). */
  checkStateDict(dict: StateDict): void {
    const stateKeys = (p: Parameter) => Array.from({ length: this.settings.states }, (_, k) => `${p.name}.state${k}`);
    checkStateKeys('stateDict', dict, ['step', ...this.parameters.flatMap(stateKeys)]);
    checkStateEntry('stateDict', dict, 'step', [1]);
    const step = dict.step!.data[0]!;
    if (!Number.isInteger(step) || step < 0) throw new ArgumentError('stateDict.step', 'a non-negative integer step', describe(step));
    for (const p of this.parameters) {
      for (const key of stateKeys(p)) {
        // A step-0 dict may omit state (it is zeros then).
        if (step > 0 || Object.hasOwn(dict, key)) checkStateEntry('stateDict', dict, key, p.value.shape);
      }
    }
  }

  loadStateDict(dict: StateDict): void {
    this.checkStateDict(dict);
    this.step = dict.step!.data[0]!;
    for (const p of this.parameters) {
      const states = this.stateOf(p);
      states.forEach((t, k) => {
        // A step-0 dict may omit state: that state is zeros, whatever this optimizer held.
        const entry = dict[`${p.name}.state${k}`];
        t.write(entry ? entry.data : new Float32Array(t.size));
      });
    }
  }

  dispose(): void {
    for (const states of this.state.values()) for (const t of states) t.dispose();
    this.state.clear();
  }

  private stateOf(p: Parameter): Tensor<'f32'>[] {
    let states = this.state.get(p.name);
    if (!states) {
      states = Array.from({ length: this.settings.states }, (_, k) => Tensor.zeros(this.runtime, p.value.shape, 'f32', `${p.name}.state${k}`));
      this.state.set(p.name, states);
    }
    return states;
  }
}

/** A finite number ≥ min (> min when `exclusive`). */
function atLeast(argument: string, value: unknown, min: number, exclusive = false): number {
  const n = checkFinite(argument, value);
  if (exclusive ? n <= min : n < min) throw new ArgumentError(argument, `a number ${exclusive ? '>' : '≥'} ${min}`, describe(value));
  return n;
}

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
  schedule?: LearningRateSchedule;
}

export class SGD extends Optimizer {
  constructor(runtime: Runtime, parameters: readonly Parameter[], options: SGDOptions) {
    const momentum = checkFinite('options.momentum', options.momentum ?? 0);
    const dampening = checkFinite('options.dampening', options.dampening ?? 0);
    if (options.nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new ArgumentError('options.nesterov', 'momentum > 0 and dampening 0 (as PyTorch requires)', `momentum ${momentum}, dampening ${dampening}`);
    }
    super(runtime, parameters, {
      method: 'sgd', lr: options.lr, weightDecay: checkFinite('options.weightDecay', options.weightDecay ?? 0), momentum, dampening,
      nesterov: options.nesterov ?? false, beta1: 0, beta2: 0, eps: 0, decoupled: false, states: 1,
    }, options.schedule);
  }
}

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  schedule?: LearningRateSchedule;
}

export class Adam extends Optimizer {
  constructor(runtime: Runtime, parameters: readonly Parameter[], options: AdamOptions = {}, decoupled = false) {
    const [beta1, beta2] = options.betas ?? [0.9, 0.999];
    for (const [name, beta] of [['options.betas[0]', beta1], ['options.betas[1]', beta2]] as const) {
      if (!(beta >= 0 && beta < 1)) throw new ArgumentError(name, 'a number in [0, 1)', describe(beta));
    }
    super(runtime, parameters, {
      method: 'adam', lr: options.lr ?? 1e-3, weightDecay: checkFinite('options.weightDecay', options.weightDecay ?? (decoupled ? 1e-2 : 0)),
      momentum: 0, dampening: 0, nesterov: false, beta1, beta2, eps: checkFinite('options.eps', options.eps ?? 1e-8), decoupled, states: 2,
    }, options.schedule);
  }
}

/** Adam with decoupled weight decay (Loshchilov & Hutter); PyTorch's default decay 0.01. */
export class AdamW extends Adam {
  constructor(runtime: Runtime, parameters: readonly Parameter[], options: AdamOptions = {}) {
    super(runtime, parameters, options, true);
  }
}

export interface AdagradOptions {
  lr?: number;
  eps?: number;
  weightDecay?: number;
  schedule?: LearningRateSchedule;
}

export class Adagrad extends Optimizer {
  constructor(runtime: Runtime, parameters: readonly Parameter[], options: AdagradOptions = {}) {
    super(runtime, parameters, {
      method: 'adagrad', lr: options.lr ?? 1e-2, weightDecay: checkFinite('options.weightDecay', options.weightDecay ?? 0),
      momentum: 0, dampening: 0, nesterov: false, beta1: 0, beta2: 0, eps: checkFinite('options.eps', options.eps ?? 1e-10), decoupled: false, states: 1,
    }, options.schedule);
  }
}
