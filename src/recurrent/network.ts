/**
 * The recurrent network behind LSTM, GRU and RNN, with PyTorch's options and semantics:
 * stacked, bidirectional, time-major or batch-first, optional initial state, per-sequence
 * lengths, dropout between layers; forward for inference and for training (BPTT).
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor } from '../tensor.js';
import { ArgumentError, checkBoolean, checkInteger, describe } from '../errors.js';
import type { StateDict } from '../core/types.js';
import type { CellConfig } from './cells.js';
import { initialStateDict, type NetworkDims } from './init.js';
import { RecurrentParameters } from './parameters.js';
import { chooseSchedule, type RecurrentSchedule, type RecurrentShape, type ScheduleOptions } from './schedule.js';
import { tunedChoice } from './tuning.js';
import { encodeLayerForward } from './layer-forward.js';
import { encodeLayerBackward } from './layer-backward.js';
import { savedSlots } from './cells.js';
import type { Parameter } from '../train/parameter.js';
import type { Tape } from '../autograd/tape.js';
import { encodeDropout } from '../ops/elementwise.js';
import { decodeSafetensors, encodeSafetensors, withoutPrefix } from '../io/safetensors.js';
import { RecurrentStream } from './stream.js';
import { checkLengths, checkSequenceInput, checkStateTensor, copyOf, initialState, layerDropoutMasks } from './state.js';
import type { BackwardResult, BackwardSeeds, ForwardResult, ForwardState, RecurrentOptions, TrainingPass } from './types.js';

export type { BackwardResult, BackwardSeeds, ForwardResult, ForwardState, RecurrentOptions, TrainingPass } from './types.js';

export class RecurrentNetwork {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly bidirectional: boolean;
  readonly chunkLength: number | undefined;
  /** Fixes some of the scheduler's choices (batch tile, work-item block, workgroup size), over any tuned choice. */
  scheduleOverrides: Omit<ScheduleOptions, 'pass' | 'chunkLength'> = {};
  /** Prefix of the parameters' names (for optimizers and checkpoints); the cell type by default. */
  readonly name: string;
  readonly dropout: number;
  readonly variationalDropout: boolean;
  private readonly dropoutSeed: number;
  /** Training forwards so far, which seed each one's dropout masks; restore it to resume a run exactly. */
  dropoutCalls = 0;
  /** The weights on the GPU, and their gradients. */
  readonly weights: RecurrentParameters;

  constructor(
    readonly runtime: Runtime,
    readonly config: CellConfig,
    options: RecurrentOptions,
  ) {
    if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an object', describe(options));
    this.inputSize = checkInteger('options.inputSize', options.inputSize, 1);
    this.hiddenSize = checkInteger('options.hiddenSize', options.hiddenSize, 1);
    this.numLayers = checkInteger('options.numLayers', options.numLayers ?? 1, 1);
    this.bias = checkBoolean('options.bias', options.bias ?? true);
    this.batchFirst = checkBoolean('options.batchFirst', options.batchFirst ?? false);
    this.bidirectional = checkBoolean('options.bidirectional', options.bidirectional ?? false);
    this.chunkLength = options.chunkLength === undefined ? undefined : checkInteger('options.chunkLength', options.chunkLength, 1);
    this.name = options.name ?? config.cell;
    if (typeof this.name !== 'string' || this.name === '') throw new ArgumentError('options.name', 'a non-empty string', describe(options.name));
    this.dropout = options.dropout ?? 0;
    if (typeof this.dropout !== 'number' || !(this.dropout >= 0 && this.dropout < 1)) throw new ArgumentError('options.dropout', 'a probability in [0, 1)', describe(options.dropout));
    this.variationalDropout = checkBoolean('options.variationalDropout', options.variationalDropout ?? false);
    this.dropoutSeed = checkInteger('options.dropoutSeed', options.dropoutSeed ?? 0, 0, 0xffffffff);
    // Fails early, naming the limit, when the device cannot hold this hidden size.
    chooseSchedule(config, { steps: 1, batch: 1, hidden: this.hiddenSize, directions: this.directions }, runtime.limits);
    this.weights = new RecurrentParameters(runtime, config, this.dims, initialStateDict(config, this.dims, options.init));
  }

  /** The scheduler's choice for one pass: its rules, under a tuned choice, under overrides. */
  private schedule(shape: RecurrentShape, pass: 'forward' | 'backward'): RecurrentSchedule {
    const options: ScheduleOptions = {
      software: this.runtime.adapter.isSoftware,
      ...tunedChoice(this.runtime, this.config, shape, pass),
      ...this.scheduleOverrides,
      ...(this.chunkLength === undefined ? {} : { chunkLength: this.chunkLength }),
      pass,
    };
    return chooseSchedule(this.config, shape, this.runtime.limits, options);
  }

  get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  get dims(): NetworkDims {
    return { inputSize: this.inputSize, hiddenSize: this.hiddenSize, numLayers: this.numLayers, directions: this.directions, bias: this.bias };
  }

  forward(input: Tensor, state: ForwardState = {}): ForwardResult {
    const tape = state.tape;
    const pass = this.run(input, state, tape !== undefined);
    tape?.record({
      label: this.config.cell,
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
  forwardTrain(input: Tensor, state: ForwardState = {}): TrainingPass {
    return this.run(input, state, true);
  }

  /** Bytes of activations a training forward keeps per layer (recompute keeps none). */
  savedBytesPerLayer(steps: number, batch: number): number {
    return steps * batch * this.directions * savedSlots(this.config.cell) * this.hiddenSize * 4;
  }

  /**
   * Trainable tensors in the engine's layout: per layer, W_ih and biases of both directions
   * stacked, and W_hh transposed. stateDict() gives PyTorch's layout.
   */
  parameters(): Parameter[] {
    const grads = this.weights.gradients;
    return this.weights.layers.flatMap((layer, l) => {
      const g = grads[l]!;
      const list: Parameter[] = [
        { name: `${this.name}.l${l}.weight_ih`, value: layer.wIh, grad: g.wIh },
        { name: `${this.name}.l${l}.weight_hh_t`, value: layer.wHhT, grad: g.wHhT },
      ];
      if (layer.bIh && layer.bHh) {
        list.push({ name: `${this.name}.l${l}.bias_ih`, value: layer.bIh, grad: g.bIh! }, { name: `${this.name}.l${l}.bias_hh`, value: layer.bHh, grad: g.bHh! });
      }
      return list;
    });
  }

  zeroGradients(): void {
    this.weights.zeroGradients();
  }

  /** The gradients in PyTorch's names and layout (as each parameter's .grad). */
  gradientStateDict(): Promise<StateDict> {
    return this.weights.gradientStateDict();
  }

  private run(input: Tensor, state: ForwardState, training: boolean): TrainingPass {
    const { steps: T, batch: B } = checkSequenceInput(this.runtime, input, this.inputSize, this.batchFirst);
    const H = this.hiddenSize;
    const D = this.directions;
    const stateShape = [this.numLayers * D, B, H];
    checkStateTensor(this.runtime, 'state.h0', state.h0, stateShape);
    if (this.config.cell === 'lstm') checkStateTensor(this.runtime, 'state.c0', state.c0, stateShape);
    else if (state.c0 !== undefined) throw new ArgumentError('state.c0', `nothing: only LSTM has a cell state, this is ${this.config.cell.toUpperCase()}`, describe(state.c0));
    const lengths = state.lengths === undefined ? null : checkLengths(state.lengths, B, T);
    const shape = { steps: T, batch: B, hidden: H, directions: D };
    const schedule = this.schedule(shape, 'forward');
    const backwardSchedule = training ? this.schedule(shape, 'backward') : null;

    // All checks done: from here on, GPU work is recorded.
    const rt = this.runtime;
    const h = initialState(rt, state.h0, stateShape, `${this.config.cell}.h`);
    const c = this.config.cell === 'lstm' ? initialState(rt, state.c0, stateShape, `${this.config.cell}.c`) : null;
    const lengthsTensor = lengths ? Tensor.from(rt, lengths, [B], 'u32', `${this.config.cell}.lengths`) : null;
    const outShape = this.batchFirst ? [B, T, D * H] : [T, B, D * H];

    const layerInputs: Tensor[] = [];
    const saved: Tensor[] = [];
    const masks =
      training && this.dropout > 0
        ? layerDropoutMasks({ layers: this.numLayers, p: this.dropout, seed: this.dropoutSeed, call: ++this.dropoutCalls, steps: T, batch: B, features: this.directions * this.hiddenSize, variational: this.variationalDropout, batchFirst: this.batchFirst })
        : null;
    const recompute = training && (state.recompute ?? false);
    // Recompute re-runs each layer from its initial state, which the forward overwrites.
    const initialH = recompute ? copyOf(rt, h, `${this.config.cell}.h0 (kept)`) : null;
    const initialC = recompute && c ? copyOf(rt, c, `${this.config.cell}.c0 (kept)`) : null;
    let layerInput = input as Tensor<'f32'>;
    for (let layer = 0; layer < this.numLayers; layer++) {
      let output = Tensor.empty(rt, outShape, 'f32', `${this.config.cell}.l${layer}.output`);
      const keep = training && !recompute ? this.savedTensor(layer, T, B) : null;
      this.encodeLayer(layer, layerInput, output, schedule, { steps: T, batch: B }, lengthsTensor, h, c, keep);
      layerInputs.push(layerInput);
      if (keep) saved.push(keep);
      else if (!training && layerInput !== input) layerInput.dispose();
      if (masks && layer < this.numLayers - 1) {
        const dropped = Tensor.empty(rt, outShape, 'f32', `${this.config.cell}.l${layer}.dropout`);
        encodeDropout(rt, output.buffer, dropped.buffer, output.size, masks[layer]!);
        output.dispose();
        output = dropped;
      }
      layerInput = output;
    }

    let released = !training;
    const release = (): void => {
      if (released) return;
      released = true;
      for (const t of saved) t.dispose();
      for (const t of layerInputs.slice(1)) t.dispose();
      lengthsTensor?.dispose();
      initialH?.dispose();
      initialC?.dispose();
    };
    if (!training) lengthsTensor?.dispose();

    const backward = (seeds: BackwardSeeds): BackwardResult => {
      if (released) throw new ArgumentError('backward', 'one call per training pass', 'a second call, or a call after release()');
      if (seeds.output !== undefined) checkStateTensor(this.runtime, 'seeds.output', seeds.output, outShape, this.batchFirst ? '[B, T, D·H]' : '[T, B, D·H]');
      checkStateTensor(this.runtime, 'seeds.h', seeds.h, stateShape);
      if (seeds.c !== undefined) checkStateTensor(this.runtime, 'seeds.c', seeds.c, stateShape);
      const dh = initialState(rt, seeds.h, stateShape, `${this.config.cell}.dh`);
      const dc = this.config.cell === 'lstm' ? initialState(rt, seeds.c, stateShape, `${this.config.cell}.dc`) : null;
      let dOutput: Tensor = seeds.output ?? Tensor.zeros(rt, outShape, 'f32', `${this.config.cell}.d_output`);
      const gradients = this.weights.gradients;
      for (let layer = this.numLayers - 1; layer >= 0; layer--) {
        const layerInput = layerInputs[layer]!;
        const dInput = Tensor.empty(rt, layerInput.shape, 'f32', `${this.config.cell}.l${layer}.d_input`);
        const params = this.weights.layers[layer]!;
        const grads = gradients[layer]!;
        let layerSaved = saved[layer];
        if (recompute) {
          // Re-run this layer's forward from its kept initial state, saving activations.
          layerSaved = this.savedTensor(layer, T, B);
          const scratchOutput = Tensor.empty(rt, outShape, 'f32', `${this.config.cell}.l${layer}.output (recomputed)`);
          const h = copyOf(rt, initialH!, `${this.config.cell}.h (recomputed)`);
          const c = initialC ? copyOf(rt, initialC, `${this.config.cell}.c (recomputed)`) : null;
          this.encodeLayer(layer, layerInput, scratchOutput, schedule, { steps: T, batch: B }, lengthsTensor, h, c, layerSaved);
          for (const t of [scratchOutput, h, c]) t?.dispose();
        }
        encodeLayerBackward(rt, {
          config: this.config,
          shape,
          schedule: backwardSchedule!,
          batchFirst: this.batchFirst,
          input: layerInput.buffer,
          inputSize: layer === 0 ? this.inputSize : D * H,
          wIh: params.wIh.buffer,
          wHhT: params.wHhT.buffer,
          lengths: lengthsTensor?.buffer ?? null,
          saved: layerSaved!.buffer,
          dOutput: dOutput.buffer,
          dhState: dh.buffer,
          dcState: dc?.buffer ?? null,
          stateOffset: layer * D * B * H,
          grads: { wIh: grads.wIh.buffer, wHhT: grads.wHhT.buffer, bIh: grads.bIh?.buffer ?? null, bHh: grads.bHh?.buffer ?? null },
          dInput: dInput.buffer,
        });
        if (recompute) {
          layerSaved!.dispose();
          // Submit so that the next layer's recompute can reuse this layer's buffers.
          rt.submit();
        }
        if (dOutput !== seeds.output) dOutput.dispose();
        dOutput = dInput;
        if (masks && layer > 0) {
          // The layer below fed this one through dropout: the same mask applies to its gradient.
          const undropped = Tensor.empty(rt, dInput.shape, 'f32', `${this.config.cell}.l${layer - 1}.d_output`);
          encodeDropout(rt, dInput.buffer, undropped.buffer, dInput.size, masks[layer - 1]!);
          dInput.dispose();
          dOutput = undropped;
        }
      }
      release();
      return { input: dOutput as Tensor<'f32'>, h0: dh, c0: dc };
    };
    return { output: layerInput, h, c, backward, release };
  }

  /** A stateful stream: each call continues from where the previous one ended. */
  stream(state: Omit<ForwardState, 'lengths'> = {}): RecurrentStream {
    if (this.bidirectional) {
      throw new ArgumentError('stream', 'a unidirectional network (the reverse direction needs the whole sequence)', 'bidirectional: true');
    }
    return new RecurrentStream(this, state);
  }

  stateDict(): Promise<StateDict> {
    return this.weights.stateDict();
  }

  loadStateDict(dict: StateDict): void {
    this.weights.load(dict);
  }

  /** The weights as a safetensors file, readable by safetensors.torch.load_file. */
  async saveSafetensors(metadata: Record<string, string> = {}): Promise<Uint8Array> {
    return encodeSafetensors(await this.stateDict(), metadata);
  }

  /**
   * Loads weights from a safetensors file written from a torch.nn.LSTM / GRU / RNN
   * state_dict. `prefix` selects a submodule's entries, e.g. 'encoder.'.
   */
  loadSafetensors(bytes: Uint8Array, prefix = ''): void {
    this.weights.load(withoutPrefix(decodeSafetensors(bytes).tensors, prefix));
  }

  dispose(): void {
    this.weights.dispose();
  }

  private savedTensor(layer: number, steps: number, batch: number): Tensor<'f32'> {
    return Tensor.empty(this.runtime, [this.savedBytesPerLayer(steps, batch) / 4], 'f32', `${this.config.cell}.l${layer}.saved`);
  }

  private encodeLayer(
    layer: number,
    input: Tensor,
    output: Tensor,
    schedule: RecurrentSchedule,
    size: { steps: number; batch: number },
    lengths: Tensor | null,
    h: Tensor,
    c: Tensor | null,
    saved: Tensor | null,
  ): void {
    const params = this.weights.layers[layer]!;
    const D = this.directions;
    encodeLayerForward(this.runtime, {
      config: this.config,
      shape: { ...size, hidden: this.hiddenSize, directions: D },
      schedule,
      batchFirst: this.batchFirst,
      input: input.buffer,
      inputSize: layer === 0 ? this.inputSize : D * this.hiddenSize,
      wIh: params.wIh.buffer,
      bIh: params.bIh?.buffer ?? null,
      wHhT: params.wHhT.buffer,
      bHh: this.weights.recurrentBias(layer).buffer,
      lengths: lengths?.buffer ?? null,
      hState: h.buffer,
      cState: c?.buffer ?? null,
      stateOffset: layer * D * size.batch * this.hiddenSize,
      output: output.buffer,
      saved: saved?.buffer ?? null,
    });
  }
}
