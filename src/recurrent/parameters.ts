/**
 * A recurrent network's weights on the GPU, and their conversion to and from PyTorch's
 * state_dict. W_hh is held transposed ([H, G·H] per direction) so that neighbouring
 * hidden units read neighbouring addresses in the recurrent kernel; W_ih, the biases and
 * the cell's own parameters keep PyTorch's layout, with the directions of a layer stacked.
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor } from '../tensor.js';
import { ArgumentError, describe } from '../errors.js';
import type { StateDict } from '../core/types.js';
import type { CellVariant } from './cells.js';
import { entryBetweenHeads } from './heads.js';
import { layerInputSize, parameterName, parameterShapes, type NetworkDims } from './init.js';

export interface LayerParameters {
  /** [D·G·H, I] */
  wIh: Tensor<'f32'>;
  /** [D, H, G·H] */
  wHhT: Tensor<'f32'>;
  /** [D·G·H]; null without bias */
  bIh: Tensor<'f32'> | null;
  bHh: Tensor<'f32'> | null;
  /** The cell's own parameters by kind: [D·size·H] each. */
  cell: Readonly<Record<string, Tensor<'f32'>>>;
}

/** The tensors of a layer, in one order: parameters and gradients pair up by it. */
export function layerTensors(layer: LayerParameters): [string, Tensor<'f32'>][] {
  const list: [string, Tensor<'f32'>][] = [['weight_ih', layer.wIh], ['weight_hh_t', layer.wHhT]];
  if (layer.bIh && layer.bHh) list.push(['bias_ih', layer.bIh], ['bias_hh', layer.bHh]);
  for (const [kind, tensor] of Object.entries(layer.cell)) list.push([kind, tensor]);
  return list;
}

export class RecurrentParameters {
  readonly layers: LayerParameters[];
  /** Gradients, laid out like `layers`; created zero on first use. */
  private gradientLayers: LayerParameters[] | null = null;
  /** [D·G·H] zeros, bound as b_hh when the network has no bias. */
  private zeroBias: Tensor | null = null;

  constructor(
    private readonly runtime: Runtime,
    private readonly variant: CellVariant,
    private readonly dims: NetworkDims,
    initial: StateDict,
  ) {
    this.layers = this.allocate('');
    if (!dims.bias) this.zeroBias = Tensor.zeros(runtime, [dims.directions * variant.gates.length * dims.hiddenSize], 'f32', `${variant.name}.no_bias`);
    this.load(initial);
  }

  private allocate(suffix: string, zero = false): LayerParameters[] {
    const G = this.variant.gates.length;
    const { hiddenSize: H, directions: D } = this.dims;
    const make = (shape: number[], name: string) => (zero ? Tensor.zeros : Tensor.empty)(this.runtime, shape, 'f32', `${this.variant.name}.${name}${suffix}`);
    return Array.from({ length: this.dims.numLayers }, (_, layer) => ({
      wIh: make([D * G * H, layerInputSize(this.dims, layer)], `l${layer}.weight_ih`),
      wHhT: make([D, H, G * H], `l${layer}.weight_hh_t`),
      bIh: this.dims.bias ? make([D * G * H], `l${layer}.bias_ih`) : null,
      bHh: this.dims.bias ? make([D * G * H], `l${layer}.bias_hh`) : null,
      cell: Object.fromEntries(this.variant.cellParameters.map((p) => [p.kind, make([D * p.size * H], `l${layer}.${p.kind}`)])),
    }));
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
    for (const layer of this.gradientLayers) for (const [, t] of layerTensors(layer)) encoder.clearBuffer(t.buffer, 0, t.byteLength);
  }

  /** The gradients in PyTorch's layout and names (as parameter.grad of the torch module). */
  gradientStateDict(): Promise<StateDict> {
    return this.toStateDict(this.gradients);
  }

  /** b_hh to bind for a layer: its bias, or zeros. */
  recurrentBias(layer: number): Tensor {
    return this.layers[layer]!.bHh ?? this.zeroBias!;
  }

  /** PyTorch's names and shapes, in state_dict order. */
  shapes(): [string, number[]][] {
    return parameterShapes(this.variant, this.dims);
  }

  /** Checks every entry against PyTorch's names and shapes, then writes them all. */
  load(dict: StateDict): void {
    if (dict === null || typeof dict !== 'object') throw new ArgumentError('stateDict', 'an object of { shape, data } entries', describe(dict));
    const expected = this.shapes();
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
      const between = name.startsWith('weight_hh_') ? entryBetweenHeads(entry.data, this.dims.hiddenSize, this.variant.config.heads) : null;
      if (between) {
        throw new ArgumentError(`stateDict.${name}`, `zeros between the ${this.variant.config.heads} heads' blocks (a block-diagonal multi-head W_hh)`, `${between.value} at row ${between.row}, column ${between.column}`);
      }
    }
    const G = this.variant.gates.length;
    const { hiddenSize: H, directions: D } = this.dims;
    this.layers.forEach((params, layer) => {
      const entry = (kind: string, d: number) => dict[parameterName(kind, layer, d)]!.data;
      const stacked = (kind: string, tensor: Tensor<'f32'>) => {
        const data = new Float32Array(tensor.size);
        for (let d = 0; d < D; d++) data.set(entry(kind, d), (d * data.length) / D);
        tensor.write(data);
      };
      stacked('weight_ih', params.wIh);
      if (params.bIh && params.bHh) {
        stacked('bias_ih', params.bIh);
        stacked('bias_hh', params.bHh);
      }
      for (const [kind, tensor] of Object.entries(params.cell)) stacked(kind, tensor);
      const wHhT = new Float32Array(params.wHhT.size);
      for (let d = 0; d < D; d++) {
        const wHh = entry('weight_hh', d);
        for (let r = 0; r < G * H; r++) for (let k = 0; k < H; k++) wHhT[d * H * G * H + k * G * H + r] = wHh[r * H + k]!;
      }
      params.wHhT.write(wHhT);
    });
  }

  /** PyTorch's state_dict: names, shapes and gate orders as torch.nn.LSTM / GRU / RNN. */
  stateDict(): Promise<StateDict> {
    return this.toStateDict(this.layers);
  }

  private async toStateDict(layers: LayerParameters[]): Promise<StateDict> {
    const G = this.variant.gates.length;
    const { hiddenSize: H, directions: D } = this.dims;
    const dict: StateDict = {};
    const shapes = new Map(this.shapes());
    for (const [layer, params] of layers.entries()) {
      const put = (kind: string, d: number, data: Float32Array): void => {
        const name = parameterName(kind, layer, d);
        dict[name] = { shape: shapes.get(name)!, data };
      };
      for (const [kind, tensor] of layerTensors(params)) {
        const data = await tensor.read();
        const part = data.length / D;
        for (let d = 0; d < D; d++) {
          if (kind !== 'weight_hh_t') {
            put(kind, d, data.slice(d * part, (d + 1) * part));
            continue;
          }
          const wHh = new Float32Array(G * H * H);
          for (let r = 0; r < G * H; r++) for (let k = 0; k < H; k++) wHh[r * H + k] = data[d * H * G * H + k * G * H + r]!;
          put('weight_hh', d, wHh);
        }
      }
    }
    // Keep PyTorch's key order.
    return Object.fromEntries([...shapes.keys()].map((name) => [name, dict[name]!]));
  }

  dispose(): void {
    for (const params of [...this.layers, ...(this.gradientLayers ?? [])]) for (const [, t] of layerTensors(params)) t.dispose();
    this.zeroBias?.dispose();
  }
}
