/**
 * A recurrent network's weights on the GPU, and their conversion to and from PyTorch's
 * state_dict. W_hh is held transposed ([H, G·H] per direction) so that neighbouring
 * hidden units read neighbouring addresses in the recurrent kernel; W_ih and the biases
 * keep PyTorch's layout, with the directions of a layer stacked in one tensor.
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor } from '../tensor.js';
import { ArgumentError, describe } from '../errors.js';
import type { StateDict } from '../core/types.js';
import { gatesOf, type CellConfig } from './cells.js';
import { parameterName, parameterShapes, type NetworkDims } from './init.js';

export interface LayerParameters {
  /** [D·G·H, I] */
  wIh: Tensor<'f32'>;
  /** [D, H, G·H] */
  wHhT: Tensor<'f32'>;
  /** [D·G·H]; null without bias */
  bIh: Tensor<'f32'> | null;
  bHh: Tensor<'f32'> | null;
}

export class RecurrentParameters {
  readonly layers: LayerParameters[];
  /** Gradients, laid out like `layers`; created zero on first use. */
  private gradientLayers: LayerParameters[] | null = null;
  /** [D·G·H] zeros, bound as b_hh when the network has no bias. */
  private zeroBias: Tensor | null = null;

  constructor(
    private readonly runtime: Runtime,
    private readonly config: CellConfig,
    private readonly dims: NetworkDims,
    initial: StateDict,
  ) {
    this.layers = this.allocate('');
    if (!dims.bias) this.zeroBias = Tensor.zeros(runtime, [dims.directions * gatesOf(config.cell) * dims.hiddenSize], 'f32', `${config.cell}.no_bias`);
    this.load(initial);
  }

  private allocate(suffix: string, zero = false): LayerParameters[] {
    const G = gatesOf(this.config.cell);
    const { hiddenSize: H, directions: D } = this.dims;
    const make = zero ? Tensor.zeros : Tensor.empty;
    const layers: LayerParameters[] = [];
    for (let layer = 0; layer < this.dims.numLayers; layer++) {
      const inputSize = layer === 0 ? this.dims.inputSize : D * H;
      const prefix = `${this.config.cell}.l${layer}`;
      layers.push({
        wIh: make(this.runtime, [D * G * H, inputSize], 'f32', `${prefix}.weight_ih${suffix}`),
        wHhT: make(this.runtime, [D, H, G * H], 'f32', `${prefix}.weight_hh_t${suffix}`),
        bIh: this.dims.bias ? make(this.runtime, [D * G * H], 'f32', `${prefix}.bias_ih${suffix}`) : null,
        bHh: this.dims.bias ? make(this.runtime, [D * G * H], 'f32', `${prefix}.bias_hh${suffix}`) : null,
      });
    }
    return layers;
  }

  /** Gradient tensors, laid out like the parameters; backward adds into them. */
  get gradients(): LayerParameters[] {
    this.gradientLayers ??= this.allocate('.grad', true);
    return this.gradientLayers;
  }

  /** Sets every gradient to zero. */
  zeroGradients(): void {
    if (!this.gradientLayers) return;
    const encoder = this.runtime.commandEncoder();
    for (const layer of this.gradientLayers) {
      for (const t of [layer.wIh, layer.wHhT, layer.bIh, layer.bHh]) if (t) encoder.clearBuffer(t.buffer, 0, t.byteLength);
    }
  }

  /** The gradients in PyTorch's layout and names (as parameter.grad of the torch module). */
  gradientStateDict(): Promise<StateDict> {
    return this.toStateDict(this.gradients);
  }

  /** b_hh to bind for a layer: its bias, or zeros. */
  recurrentBias(layer: number): Tensor {
    return this.layers[layer]!.bHh ?? this.zeroBias!;
  }

  /** Checks every entry against PyTorch's names and shapes, then writes them all. */
  load(dict: StateDict): void {
    if (dict === null || typeof dict !== 'object') throw new ArgumentError('stateDict', 'an object of { shape, data } entries', describe(dict));
    const expected = parameterShapes(this.config, this.dims);
    const names = new Set(expected.map(([name]) => name));
    const unexpected = Object.keys(dict).filter((name) => !names.has(name));
    if (unexpected.length > 0) {
      throw new ArgumentError('stateDict', `only the keys ${[...names].join(', ')}`, `unexpected keys ${unexpected.join(', ')}`);
    }
    for (const [name, shape] of expected) {
      const entry = dict[name];
      if (!entry) throw new ArgumentError('stateDict', `key ${name}`, 'no such key');
      if (!Array.isArray(entry.shape) || entry.shape.join() !== shape.join()) {
        throw new ArgumentError(`stateDict.${name}`, `shape ${describe(shape)}`, `shape ${describe(entry.shape)}`);
      }
      const size = shape.reduce((a, b) => a * b, 1);
      if (!entry.data || entry.data.length !== size) {
        throw new ArgumentError(`stateDict.${name}.data`, `${size} values`, `${entry.data?.length ?? 'no'} values`);
      }
    }

    const G = gatesOf(this.config.cell);
    const { hiddenSize: H, directions: D } = this.dims;
    this.layers.forEach((params, layer) => {
      const wIh = new Float32Array(params.wIh.size);
      const wHhT = new Float32Array(params.wHhT.size);
      const bIh = new Float32Array(D * G * H);
      const bHh = new Float32Array(D * G * H);
      for (let d = 0; d < D; d++) {
        wIh.set(dict[parameterName('weight_ih', layer, d)]!.data, d * wIh.length / D);
        const wHh = dict[parameterName('weight_hh', layer, d)]!.data;
        for (let r = 0; r < G * H; r++) for (let k = 0; k < H; k++) wHhT[d * H * G * H + k * G * H + r] = wHh[r * H + k]!;
        if (this.dims.bias) {
          bIh.set(dict[parameterName('bias_ih', layer, d)]!.data, d * G * H);
          bHh.set(dict[parameterName('bias_hh', layer, d)]!.data, d * G * H);
        }
      }
      params.wIh.write(wIh);
      params.wHhT.write(wHhT);
      params.bIh?.write(bIh);
      params.bHh?.write(bHh);
    });
  }

  /** PyTorch's state_dict: names, shapes and gate orders as torch.nn.LSTM / GRU / RNN. */
  stateDict(): Promise<StateDict> {
    return this.toStateDict(this.layers);
  }

  private async toStateDict(layers: LayerParameters[]): Promise<StateDict> {
    const G = gatesOf(this.config.cell);
    const { hiddenSize: H, directions: D } = this.dims;
    const dict: StateDict = {};
    const shapes = new Map(parameterShapes(this.config, this.dims));
    for (const [layer, params] of layers.entries()) {
      const wIh = await params.wIh.read();
      const wHhT = await params.wHhT.read();
      const bIh = params.bIh ? await params.bIh.read() : null;
      const bHh = params.bHh ? await params.bHh.read() : null;
      for (let d = 0; d < D; d++) {
        const entry = (kind: 'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh', data: Float32Array): void => {
          const name = parameterName(kind, layer, d);
          dict[name] = { shape: shapes.get(name)!, data };
        };
        const rows = wIh.length / D;
        entry('weight_ih', wIh.slice(d * rows, (d + 1) * rows));
        const wHh = new Float32Array(G * H * H);
        for (let r = 0; r < G * H; r++) for (let k = 0; k < H; k++) wHh[r * H + k] = wHhT[d * H * G * H + k * G * H + r]!;
        entry('weight_hh', wHh);
        if (bIh && bHh) {
          entry('bias_ih', bIh.slice(d * G * H, (d + 1) * G * H));
          entry('bias_hh', bHh.slice(d * G * H, (d + 1) * G * H));
        }
      }
    }
    // Keep PyTorch's key order.
    return Object.fromEntries([...shapes.keys()].map((name) => [name, dict[name]!]));
  }

  dispose(): void {
    for (const params of [...this.layers, ...(this.gradientLayers ?? [])]) {
      for (const t of [params.wIh, params.wHhT, params.bIh, params.bHh]) t?.dispose();
    }
    this.zeroBias?.dispose();
  }
}
