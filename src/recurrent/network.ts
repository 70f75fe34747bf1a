/**
 * The recurrent network behind LSTM, GRU and RNN, with PyTorch's options and semantics:
 * stacked, bidirectional, time-major or batch-first, optional initial state, per-sequence
 * lengths, dropout between layers; forward for inference and for training (BPTT).
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor } from '../tensor.js';
import { ArgumentError, checkBoolean, checkInteger, describe } from '../errors.js';
import type { StateDict } from '../core/types.js';
import { cellVariant, type CellConfig, type CellVariant } from './cells.js';
import { initialStateDict, type NetworkDims } from './init.js';
import { RecurrentParameters, layerTensors } from './parameters.js';
import { chooseSchedule, type RecurrentShape } from './schedule.js';
import { planCall, type PlanSource, type ScheduleChoices } from './plan.js';
import { persistentChunks } from './persistent.js';
import { splitHidden } from './split.js';
import type { TunedChoice } from './tuning-table.js';
import { encodeNetworkForward, type ForwardRecord, type NetworkCall } from './forward.js';
import { savedBytes } from './saved.js';
import { encodeNetworkBackward } from './backward.js';
import { GradientTrace } from './gradient-trace.js';
import { readActivations, type RecurrentActivations } from './activations.js';
import { Module, type OwnParameter } from '../core/module.js';
import { RecurrentStream } from './stream.js';
import { cellMaskSeed, checkLengths, checkSequenceInput, checkStateTensor, initialState, layerDropoutMasks } from './state.js';
import { parseCellOptions, type CellRates } from './cell-options.js';
import type { BackwardResult, BackwardSeeds, ForwardResult, ForwardState, RecurrentOptions, TrainingPass } from './types.js';

export type { BackwardResult, BackwardSeeds, ForwardResult, ForwardState, RecurrentOptions, TrainingPass } from './types.js';

export class RecurrentNetwork extends Module implements PlanSource {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly bidirectional: boolean;
  readonly chunkLength: number | undefined;
  /** Fixes some of the scheduler's choices (batch tile, work-item block, workgroup size), over any tuned choice. */
  scheduleOverrides: TunedChoice = {};
  /** The cell table's record of this network's cell. */
  readonly variant: CellVariant;
  /** Prefix of the parameters' names while a root module (a parent's key replaces it); the cell type by default. */
  readonly name: string;
  readonly dropout: number;
  readonly variationalDropout: boolean;
  private readonly dropoutSeed: number;
  /** Training forwards so far, which seed each one's dropout, zoneout and recurrent-dropout masks; restore it to resume a run exactly. */
  dropoutCalls = 0;
  /** Rates of the masks inside the cell (zoneout, recurrent dropout). */
  readonly cellRates: CellRates;
  /** ε of the layer norms inside the cell. */
  readonly layerNormEps: number;
  /** The weights on the GPU, and their gradients. */
  readonly weights: RecurrentParameters;

  constructor(
    readonly runtime: Runtime,
    readonly config: CellConfig,
    options: RecurrentOptions,
  ) {
    super();
    if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an object', describe(options));
    this.inputSize = checkInteger('options.inputSize', options.inputSize, 1);
    this.hiddenSize = checkInteger('options.hiddenSize', options.hiddenSize, 1);
    this.numLayers = checkInteger('options.numLayers', options.numLayers ?? 1, 1);
    this.bias = checkBoolean('options.bias', options.bias ?? true);
    this.batchFirst = checkBoolean('options.batchFirst', options.batchFirst ?? false);
    this.bidirectional = checkBoolean('options.bidirectional', options.bidirectional ?? false);
    this.chunkLength = options.chunkLength === undefined ? undefined : checkInteger('options.chunkLength', options.chunkLength, 1);
    const inside = parseCellOptions(options, config.cell, this.hiddenSize);
    this.variant = cellVariant({ ...config, ...inside.flags });
    this.cellRates = inside.rates;
    this.layerNormEps = inside.layerNormEps;
    this.name = options.name ?? config.cell;
    if (typeof this.name !== 'string' || this.name === '') throw new ArgumentError('options.name', 'a non-empty string', describe(options.name));
    this.dropout = options.dropout ?? 0;
    if (typeof this.dropout !== 'number' || !(this.dropout >= 0 && this.dropout < 1)) throw new ArgumentError('options.dropout', 'a probability in [0, 1)', describe(options.dropout));
    this.variationalDropout = checkBoolean('options.variationalDropout', options.variationalDropout ?? false);
    this.dropoutSeed = checkInteger('options.dropoutSeed', options.dropoutSeed ?? 0, 0, 0xffffffff);
    // Fails early, naming the limit, when the device cannot hold this hidden size.
    chooseSchedule(this.variant, { steps: 1, batch: 1, hidden: this.hiddenSize, directions: this.directions }, runtime.limits);
    this.weights = new RecurrentParameters(runtime, this.variant, this.dims, initialStateDict(this.variant, this.dims, options.init, 'options.init'));
  }

  /** Training forwards draw masks: dropout between layers, zoneout or recurrent dropout. */
  get drawsMasks(): boolean {
    const rates = this.cellRates;
    return this.dropout > 0 || rates.zoneoutHidden > 0 || rates.zoneoutCell > 0 || rates.recurrentDropout > 0;
  }

  get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  get dims(): NetworkDims {
    return { inputSize: this.inputSize, hiddenSize: this.hiddenSize, numLayers: this.numLayers, directions: this.directions, bias: this.bias };
  }

  /**
   * Runs the network on input [T, B, I] (or [B, T, I] batch-first). With `state.tape` the
   * call is recorded for backward. `schedules` fixes scheduler choices for this call only
   * (the tuner's candidates).
   */
  forward(input: Tensor, state: ForwardState = {}, schedules: ScheduleChoices = {}): ForwardResult {
    const tape = state.tape;
    const { pass } = this.run(input, state, tape !== undefined ? 'training' : 'inference', schedules);
    tape?.record({
      label: this.variant.name,
      inputs: [input, state.h0, state.c0],
      outputs: [pass.output, pass.h, pass.c],
      backward: ([output, h, c]) => {
        const grads = pass.backward({ ...(output ? { output } : {}), ...(h ? { h } : {}), ...(c ? { c } : {}) });
        return [grads.input, grads.h0, grads.c0];
      },
      release: pass.release,
    });
    return { output: pass.output, h: pass.h, c: pass.c };
  }

  /** Forward that keeps activations for one backward (BPTT over the whole input). */
  forwardTrain(input: Tensor, state: ForwardState = {}, schedules: ScheduleChoices = {}): TrainingPass {
    return this.run(input, state, 'training', schedules).pass;
  }

  /**
   * Per-step activations of every layer from an evaluation forward (no dropout; zoneout's
   * expectation): h, the gates and (LSTM) c. On the GPU, then one read-back.
   */
  async activations(input: Tensor, state: Pick<ForwardState, 'h0' | 'c0' | 'lengths'> = {}): Promise<RecurrentActivations> {
    const { pass, record, shape, lengths } = this.run(input, { ...(state.h0 ? { h0: state.h0 } : {}), ...(state.c0 ? { c0: state.c0 } : {}), ...(state.lengths ? { lengths: state.lengths } : {}) }, 'inspection', {});
    try {
      return await readActivations(this.runtime, this.variant, { shape, batchFirst: this.batchFirst, lengths }, [...record.layerInputs.slice(1), pass.output], record.saved);
    } finally {
      pass.release();
      for (const t of [pass.output, pass.h, pass.c]) t?.dispose();
    }
  }

  /** Shape of h0 and h (and an LSTM's c0 and c) for `batch` sequences: [L·D, B, H]. */
  stateShape(batch: number): number[] {
    return [this.numLayers * this.directions, batch, this.hiddenSize];
  }

  /** Bytes of activations a training forward keeps per layer (recompute keeps none). */
  savedBytesPerLayer(steps: number, batch: number): number {
    return savedBytes(this.variant, { steps, batch, hidden: this.hiddenSize, directions: this.directions });
  }

  /**
   * Trainable tensors in the engine's layout (`l0.weight_ih`, `l0.weight_hh_t`, …): per
   * layer, both directions stacked and W_hh transposed. The state dict is PyTorch's layout.
   */
  protected override ownParameters(): OwnParameter[] {
    const grads = this.weights.gradients;
    return this.weights.layers.flatMap((layer, l) => {
      const gradients = new Map(layerTensors(grads[l]!));
      return layerTensors(layer).map(([kind, value]) => ({ key: `l${l}.${kind}`, value, grad: gradients.get(kind)! }));
    });
  }

  protected override ownShapes(): [string, readonly number[]][] {
    return this.weights.shapes();
  }

  protected override readOwnState(): Promise<StateDict> {
    return this.weights.stateDict();
  }

  protected override readOwnGradients(): Promise<StateDict> {
    return this.weights.gradientStateDict();
  }

  protected override writeOwnState(dict: StateDict): void {
    this.weights.load(dict);
  }

  protected override zeroOwnGradients(): void {
    this.weights.zeroGradients();
  }

  protected override disposeOwn(): void {
    this.weights.dispose();
  }

  /**
   * 'training' keeps activations and draws masks; 'inference' keeps nothing; 'inspection'
   * keeps activations of the evaluation forward (masks not drawn, no dropout).
   */
  private run(input: Tensor, state: ForwardState, mode: 'training' | 'inference' | 'inspection', choices: ScheduleChoices): { pass: TrainingPass; record: ForwardRecord; shape: RecurrentShape; lengths: readonly number[] | null } {
    const training = mode === 'training';
    const { steps: T, batch: B } = checkSequenceInput(this.runtime, input, this.inputSize, this.batchFirst);
    const H = this.hiddenSize;
    const D = this.directions;
    const stateShape = this.stateShape(B);
    const hasCell = this.variant.hasCellState;
    checkStateTensor(this.runtime, 'state.h0', state.h0, stateShape);
    if (hasCell) checkStateTensor(this.runtime, 'state.c0', state.c0, stateShape);
    else if (state.c0 !== undefined) throw new ArgumentError('state.c0', `nothing: only LSTM has a cell state, this is ${this.config.cell.toUpperCase()}`, describe(state.c0));
    const lengths = state.lengths === undefined ? null : checkLengths(state.lengths, B, T);
    const trace = state.gradientTrace;
    if (trace !== undefined && !(trace instanceof GradientTrace && training)) {
      throw new ArgumentError('state.gradientTrace', 'a GradientTrace, on a training forward (forwardTrain, or forward with a tape)', training ? describe(trace) : 'a forward without a tape');
    }
    // A training forward with masks draws new ones: the draw's number seeds them.
    const draw = training && this.drawsMasks ? this.dropoutCalls + 1 : 0;
    const masks = { ...this.cellRates, layerNormEps: this.layerNormEps, sample: training, seeds: Array.from({ length: this.numLayers }, (_, layer) => cellMaskSeed(this.dropoutSeed, draw, layer)) };
    const plan = planCall(this, { steps: T, batch: B }, { training, stepwiseBackward: trace !== undefined, hasLengths: lengths !== null, choices, strategies: { persistent: persistentChunks, split: splitHidden }, masks });
    if (draw > 0) this.dropoutCalls = draw;

    // All checks done: from here on, GPU work is recorded.
    const rt = this.runtime;
    const label = this.variant.name;
    const h = initialState(rt, state.h0, stateShape, `${label}.h`);
    const c = hasCell ? initialState(rt, state.c0, stateShape, `${label}.c`) : null;
    const outputShape = this.batchFirst ? [B, T, D * H] : [T, B, D * H];
    const call: NetworkCall = {
      runtime: rt,
      plan,
      label,
      input,
      lengths: lengths ? Tensor.from(rt, lengths, [B], 'u32', `${label}.lengths`) : null,
      outputShape,
      masks: training && this.dropout > 0
        ? layerDropoutMasks({ layers: this.numLayers, p: this.dropout, seed: this.dropoutSeed, call: draw, steps: T, batch: B, features: D * H, variational: this.variationalDropout, batchFirst: this.batchFirst })
        : null,
    };
    const keep = mode === 'inference' ? 'none' : state.recompute && training ? 'inputs' : 'activations';
    const { output, record } = encodeNetworkForward(call, h, c, keep);

    let released = mode === 'inference';
    const release = (): void => {
      if (released) return;
      released = true;
      for (const t of record.saved) t.dispose();
      for (const t of record.layerInputs.slice(1)) t.dispose();
      call.lengths?.dispose();
      record.initial?.h.dispose();
      record.initial?.c?.dispose();
    };
    if (mode === 'inference') call.lengths?.dispose();

    const backward = (seeds: BackwardSeeds): BackwardResult => {
      if (released || !training) throw new ArgumentError('backward', 'one call per training pass', training ? 'a second call, or a call after release()' : 'a call on an inspection forward');
      if (seeds.output !== undefined) checkStateTensor(this.runtime, 'seeds.output', seeds.output, outputShape, this.batchFirst ? '[B, T, D·H]' : '[T, B, D·H]');
      checkStateTensor(this.runtime, 'seeds.h', seeds.h, stateShape);
      if (seeds.c !== undefined) checkStateTensor(this.runtime, 'seeds.c', seeds.c, stateShape);
      trace?.begin(rt, { shape: plan.shape, layers: this.numLayers, batchFirst: this.batchFirst, lengths });
      const dh = initialState(rt, seeds.h, stateShape, `${label}.dh`);
      const dc = hasCell ? initialState(rt, seeds.c, stateShape, `${label}.dc`) : null;
      const dInput = encodeNetworkBackward(call, record, { output: seeds.output, dh, dc }, this.weights.gradients, trace);
      release();
      return { input: dInput, h0: dh, c0: dc };
    };
    return { pass: { output, h, c, backward, release }, record, shape: plan.shape, lengths };
  }

  /** A stateful stream: each call continues from where the previous one ended. */
  stream(state: Omit<ForwardState, 'lengths'> = {}): RecurrentStream {
    if (this.bidirectional) {
      throw new ArgumentError('stream', 'a unidirectional network (the reverse direction needs the whole sequence)', 'bidirectional: true');
    }
    return new RecurrentStream(this, state);
  }

  // stateDict(), loadStateDict(), saveSafetensors(), loadSafetensors(bytes, prefix),
  // parameters(), zeroGradients(), gradientStateDict() and dispose() come from Module.
}
