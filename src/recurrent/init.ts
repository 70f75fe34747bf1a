/**
 * Initial weights, produced as a PyTorch-layout state dict so that initialising and
 * loading share one path. Seeded: the same options give the same weights.
 */
import type { StateDict } from '../core/types.js';
import { normalGenerator, randomGenerator } from '../util/random.js';
import { gatesOf, type CellConfig } from './cells.js';

export interface InitOptions {
  seed?: number;
  /**
   * Recurrent weights: 'uniform' is PyTorch's default U(−1/√H, 1/√H); 'orthogonal' makes
   * each gate's H×H block orthogonal; 'identity' makes each block the identity (IRNN),
   * with zero biases.
   */
  recurrent?: 'uniform' | 'orthogonal' | 'identity';
  /** LSTM: bias of the forget gate (all in bias_ih; bias_hh's forget part is 0). */
  forgetBias?: number;
}

export interface NetworkDims {
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  directions: number;
  bias: boolean;
}

export function parameterName(kind: 'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh', layer: number, direction: number): string {
  return `${kind}_l${layer}${direction === 1 ? '_reverse' : ''}`;
}

/** Names and shapes in PyTorch's state_dict order. */
export function parameterShapes(config: CellConfig, dims: NetworkDims): [string, number[]][] {
  const G = gatesOf(config.cell);
  const H = dims.hiddenSize;
  const shapes: [string, number[]][] = [];
  for (let layer = 0; layer < dims.numLayers; layer++) {
    const inputSize = layer === 0 ? dims.inputSize : dims.directions * H;
    for (let d = 0; d < dims.directions; d++) {
      shapes.push([parameterName('weight_ih', layer, d), [G * H, inputSize]]);
      shapes.push([parameterName('weight_hh', layer, d), [G * H, H]]);
      if (dims.bias) {
        shapes.push([parameterName('bias_ih', layer, d), [G * H]]);
        shapes.push([parameterName('bias_hh', layer, d), [G * H]]);
      }
    }
  }
  return shapes;
}

export function initialStateDict(config: CellConfig, dims: NetworkDims, options: InitOptions = {}): StateDict {
  const seed = options.seed ?? 0;
  const uniform = randomGenerator(seed);
  const normal = normalGenerator(seed + 1);
  const H = dims.hiddenSize;
  const bound = 1 / Math.sqrt(H);
  const recurrent = options.recurrent ?? 'uniform';
  const dict: StateDict = {};
  for (const [name, shape] of parameterShapes(config, dims)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    const isRecurrent = name.startsWith('weight_hh');
    const isBias = name.startsWith('bias');
    if (isRecurrent && recurrent === 'orthogonal') {
      for (let g = 0; g < shape[0]! / H; g++) data.set(orthogonal(H, normal), g * H * H);
    } else if (isRecurrent && recurrent === 'identity') {
      for (let g = 0; g < shape[0]! / H; g++) for (let j = 0; j < H; j++) data[g * H * H + j * H + j] = 1;
    } else if (!(isBias && recurrent === 'identity')) {
      for (let i = 0; i < size; i++) data[i] = (2 * uniform() - 1) * bound;
    }
    if (config.cell === 'lstm' && options.forgetBias !== undefined && isBias) {
      data.fill(name.startsWith('bias_ih') ? options.forgetBias : 0, H, 2 * H);
    }
    dict[name] = { shape, data };
  }
  return dict;
}

/** An n×n orthogonal matrix: Gram–Schmidt (twice, for stability) on a Gaussian matrix. */
function orthogonal(n: number, normal: () => number): Float32Array {
  const rows: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const v = Float64Array.from({ length: n }, normal);
    for (let pass = 0; pass < 2; pass++) {
      for (const u of rows) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += u[k]! * v[k]!;
        for (let k = 0; k < n; k++) v[k] = v[k]! - dot * u[k]!;
      }
    }
    let norm = 0;
    for (let k = 0; k < n; k++) norm += v[k]! * v[k]!;
    norm = Math.sqrt(norm);
    for (let k = 0; k < n; k++) v[k] = v[k]! / norm;
    rows.push(v);
  }
  const out = new Float32Array(n * n);
  rows.forEach((row, i) => out.set(row, i * n));
  return out;
}
