/**
 * Parameter names, shapes and initial values, produced as a PyTorch-layout state dict so
 * that initialising and loading share one path. Seeded: the same options give the same weights.
 */
import type { StateDict } from '../core/types.js';
import { normalGenerator, randomGenerator } from '../util/random.js';
import { cellVariant, type CellConfig, type CellVariant } from './cells.js';
import { zeroBetweenHeads } from './heads.js';
import { ArgumentError, checkFinite, checkInteger, checkOneOf, describe } from '../errors.js';

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

/** PyTorch's key of a layer's parameter: `${kind}_l${layer}`, with `_reverse` for direction 1. */
export function parameterName(kind: string, layer: number, direction: number): string {
  return `${kind}_l${layer}${direction === 1 ? '_reverse' : ''}`;
}

/** Input size of a layer: the network's for the first, the directions' outputs after. */
export function layerInputSize(dims: NetworkDims, layer: number): number {
  return layer === 0 ? dims.inputSize : dims.directions * dims.hiddenSize;
}

/** Names and shapes in PyTorch's state_dict order, then the cell's own parameters. */
export function parameterShapes(cell: CellConfig | CellVariant, dims: NetworkDims): [string, number[]][] {
  const variant = variantOf(cell);
  const G = variant.gates.length;
  const H = dims.hiddenSize;
  const shapes: [string, number[]][] = [];
  for (let layer = 0; layer < dims.numLayers; layer++) {
    for (let d = 0; d < dims.directions; d++) {
      shapes.push([parameterName('weight_ih', layer, d), [G * H, layerInputSize(dims, layer)]]);
      shapes.push([parameterName('weight_hh', layer, d), [G * H, H]]);
      if (dims.bias) {
        shapes.push([parameterName('bias_ih', layer, d), [G * H]]);
        shapes.push([parameterName('bias_hh', layer, d), [G * H]]);
      }
      for (const p of variant.cellParameters) shapes.push([parameterName(p.kind, layer, d), [p.size * H]]);
    }
  }
  return shapes;
}

const INIT_KEYS: readonly string[] = ['seed', 'recurrent', 'forgetBias'];

/**
 * Checks init options before any weight is made: an unknown `recurrent` or a misspelt key
 * would otherwise give the default weights without a word, and a forget bias on a cell
 * without a forget gate would be dropped.
 */
function checkInitOptions(variant: CellVariant, options: unknown, argument: string): Required<Omit<InitOptions, 'forgetBias'>> & Pick<InitOptions, 'forgetBias'> {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new ArgumentError(argument, 'an object { seed?, recurrent?, forgetBias? }', describe(options));
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!INIT_KEYS.includes(key)) throw new ArgumentError(`${argument}.${key}`, `an init option (${INIT_KEYS.join(', ')})`, 'an unknown key');
  }
  // Models derive their networks' seeds as seed + k, so any non-negative integer is one.
  const seed = checkInteger(`${argument}.seed`, given.seed ?? 0, 0);
  const recurrent = checkOneOf(`${argument}.recurrent`, given.recurrent ?? 'uniform', ['uniform', 'orthogonal', 'identity'] as const);
  if (given.forgetBias === undefined) return { seed, recurrent };
  if (!variant.gates.includes('f')) throw new ArgumentError(`${argument}.forgetBias`, `nothing: only LSTM has a forget gate, this is ${variant.config.cell.toUpperCase()}`, describe(given.forgetBias));
  return { seed, recurrent, forgetBias: checkFinite(`${argument}.forgetBias`, given.forgetBias) };
}

/** `argument` names the options in errors (a network passes 'options.init'). */
export function initialStateDict(cell: CellConfig | CellVariant, dims: NetworkDims, init: InitOptions = {}, argument = 'init'): StateDict {
  const variant = variantOf(cell);
  const options = checkInitOptions(variant, init, argument);
  const seed = options.seed;
  const uniform = randomGenerator(seed);
  const normal = normalGenerator(seed + 1);
  const H = dims.hiddenSize;
  const bound = 1 / Math.sqrt(H);
  const recurrent = options.recurrent;
  const heads = variant.config.heads;
  const cellParameters = new Map(variant.cellParameters.map((p) => [p.kind, p]));
  const dict: StateDict = {};
  for (const [name, shape] of parameterShapes(variant, dims)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    const kind = name.slice(0, name.lastIndexOf('_l'));
    const isRecurrent = kind === 'weight_hh';
    const isBias = kind.startsWith('bias');
    const own = cellParameters.get(kind);
    if (own) {
      data.fill(own.initialValue);
    } else if (isRecurrent && recurrent === 'orthogonal') {
      // With heads, each head's block is orthogonal (so the block-diagonal whole is too).
      const size = H / heads;
      for (let g = 0; g < shape[0]! / H; g++) {
        for (let n = 0; n < heads; n++) {
          const block = orthogonal(size, normal);
          for (let r = 0; r < size; r++) data.set(block.subarray(r * size, (r + 1) * size), (g * H + n * size + r) * H + n * size);
        }
      }
    } else if (isRecurrent && recurrent === 'identity') {
      for (let g = 0; g < shape[0]! / H; g++) for (let j = 0; j < H; j++) data[g * H * H + j * H + j] = 1;
    } else if (!(isBias && recurrent === 'identity')) {
      for (let i = 0; i < size; i++) data[i] = (2 * uniform() - 1) * bound;
      if (isRecurrent) zeroBetweenHeads(data, H, heads);
    }
    const forgetGate = variant.gates.indexOf('f');
    if (forgetGate >= 0 && options.forgetBias !== undefined && isBias) {
      data.fill(kind === 'bias_ih' ? options.forgetBias : 0, forgetGate * H, (forgetGate + 1) * H);
    }
    dict[name] = { shape, data };
  }
  return dict;
}

function variantOf(cell: CellConfig | CellVariant): CellVariant {
  return 'forward' in cell ? cell : cellVariant(cell);
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
