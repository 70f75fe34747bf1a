/**
 * Float64 CPU reference for every cell of the cell table (LSTM with or without peepholes,
 * GRU in both reset forms, Elman RNN): forward and backward (BPTT), stacked,
 * bidirectional, with per-sequence lengths in PyTorch's packed-sequence semantics. Weights
 * use PyTorch's state_dict names, shapes and gate orders. Each cell's step is its table
 * record's `reference` (src/reference/<family>.ts); `cellOptions` adds layer norm, heads,
 * zoneout and recurrent dropout (src/reference/cell-options.ts).
 */
import type { CellConfig, CellType, Nonlinearity, StateDict } from '../core/types.js';
import { cellVariant, type CellVariant } from '../recurrent/cells.js';
import type { ReferenceWeightGrads, ReferenceWeights } from './cell.js';
import {
  headBlockDiagonal,
  layerNormParameters,
  resolveCellOptions,
  stepMasks,
  zoneout,
  zoneoutBackward,
  type ReferenceCellOptions,
  type ResolvedCellOptions,
  type StepMasks,
} from './cell-options.js';
import { add } from './steps.js';

export type { CellType, Nonlinearity, StateDict, ReferenceCellOptions };

function variantOf(args: ReferenceRecurrentArgs): CellVariant {
  const config: CellConfig = { cell: args.cell, resetAfter: args.resetAfter ?? true, nonlinearity: args.nonlinearity ?? 'tanh', peephole: args.peephole ?? false };
  return cellVariant(config);
}

function optionsOf(args: ReferenceRecurrentArgs): ResolvedCellOptions {
  const context = { cell: args.cell, peephole: args.peephole ?? false, resetAfter: args.resetAfter ?? true, hiddenSize: args.hiddenSize, numLayers: args.numLayers };
  return resolveCellOptions(args.cellOptions, context);
}

/** PyTorch's key suffix of a layer and direction. */
const suffixOf = (layer: number, dir: number): string => `_l${layer}${dir === 1 ? '_reverse' : ''}`;

/** The cell's own parameters and, with layer norm, the norms': kind and length. */
function extraParameters(args: ReferenceRecurrentArgs, variant: CellVariant, options: ResolvedCellOptions): { kind: string; length: number }[] {
  const norms = options.layerNormEps === null ? [] : layerNormParameters(args.cell, variant.gates.length);
  return [...variant.cellParameters, ...norms].map((p) => ({ kind: p.kind, length: p.size * args.hiddenSize }));
}

function layerWeights(args: ReferenceRecurrentArgs, variant: CellVariant, options: ResolvedCellOptions, layer: number, dir: number, inputSize: number): ReferenceWeights {
  const suffix = suffixOf(layer, dir);
  const tensor = (key: string) => {
    const found = args.weights[key];
    if (!found) throw new Error(`the weights have no '${key}'`);
    return found.data;
  };
  return {
    wIh: tensor(`weight_ih${suffix}`),
    wHh: headBlockDiagonal(tensor(`weight_hh${suffix}`), args.hiddenSize, options.heads),
    bIh: args.weights[`bias_ih${suffix}`]?.data,
    bHh: args.weights[`bias_hh${suffix}`]?.data,
    extra: Object.fromEntries(extraParameters(args, variant, options).map((p) => [p.kind, tensor(`${p.kind}${suffix}`)])),
    inputSize,
    hiddenSize: args.hiddenSize,
  };
}

export interface ReferenceRecurrentArgs {
  cell: CellType;
  /** GRU: true for PyTorch's form (reset gate after the recurrent product, b_hn inside). */
  resetAfter?: boolean;
  nonlinearity?: Nonlinearity;
  /** LSTM: peephole connections (weights `weight_peephole_l{k}`, [3H], order i, f, o). */
  peephole?: boolean;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  weights: StateDict;
  /** [T, B, I], time-major. */
  input: ArrayLike<number>;
  steps: number;
  batch: number;
  /** Per-sequence lengths (each in 1..T); all T when absent. */
  lengths?: readonly number[];
  /** [L·D, B, H] */
  h0?: ArrayLike<number>;
  c0?: ArrayLike<number>;
  /** Layer norm, heads, zoneout, recurrent dropout; absent: PyTorch's cells. */
  cellOptions?: ReferenceCellOptions;
}

export interface ReferenceRecurrentResult {
  /** [T, B, D·H]; zero past each sequence's length. */
  output: Float64Array;
  /** [L·D, B, H], the state at each sequence's last step. */
  h: Float64Array;
  c: Float64Array | null;
}

/** Gradients arriving at the outputs: dL/d output, dL/d h_n, dL/d c_n (absent means 0). */
export interface ReferenceSeeds {
  output?: ArrayLike<number>;
  h?: ArrayLike<number>;
  c?: ArrayLike<number>;
}

export interface ReferenceGradients {
  /** [T, B, I] */
  input: Float64Array;
  /** [L·D, B, H] */
  h0: Float64Array;
  c0: Float64Array | null;
  /** By state_dict name. */
  weights: Record<string, Float64Array>;
}

/** a + b, or a itself where there is no b. */
const plus = (a: Float64Array, b: Float64Array | null): Float64Array => (b ? a.map((v, j) => v + b[j]!) : a);

interface StepRecord {
  cache: unknown;
  masks: StepMasks;
}

interface Trace {
  output: Float64Array;
  h: Float64Array;
  c: Float64Array | null;
  /** [layer][dir][b][s]: each step's cache and masks, in processing order. */
  caches: StepRecord[][][][];
  layerInputs: ArrayLike<number>[];
}

function run(args: ReferenceRecurrentArgs, variant: CellVariant, options: ResolvedCellOptions): Trace {
  const { hiddenSize: H, numLayers, steps: T, batch: B } = args;
  const D = args.bidirectional ? 2 : 1;
  const lengths = args.lengths ?? new Array<number>(B).fill(T);
  const hN = new Float64Array(numLayers * D * B * H);
  const cN = variant.hasCellState ? new Float64Array(numLayers * D * B * H) : null;
  const caches: StepRecord[][][][] = [];
  const layerInputs: ArrayLike<number>[] = [];
  let layerInput: ArrayLike<number> = args.input;
  let inputSize = args.inputSize;
  let output = new Float64Array(0);
  for (let layer = 0; layer < numLayers; layer++) {
    layerInputs.push(layerInput);
    output = new Float64Array(T * B * D * H);
    const layerCaches: StepRecord[][][] = [];
    for (let dir = 0; dir < D; dir++) {
      const w = layerWeights(args, variant, options, layer, dir, inputSize);
      const stateIndex = layer * D + dir;
      const dirCaches: StepRecord[][] = [];
      for (let b = 0; b < B; b++) {
        let h: Float64Array = Float64Array.from({ length: H }, (_, j) => (args.h0 ? args.h0[(stateIndex * B + b) * H + j]! : 0));
        let c: Float64Array = Float64Array.from({ length: H }, (_, j) => (args.c0 ? args.c0[(stateIndex * B + b) * H + j]! : 0));
        const seqCaches: StepRecord[] = [];
        const len = lengths[b]!;
        for (let s = 0; s < len; s++) {
          const t = dir === 1 ? len - 1 - s : s;
          const x = Float64Array.from({ length: inputSize }, (_, i) => layerInput[(t * B + b) * inputSize + i]!);
          const masks = stepMasks(options, { layer, t, d: dir, b, batch: B, hidden: H });
          const step = variant.reference.forward(w, x, h, c, masks.step);
          seqCaches.push({ cache: step.cache, masks });
          // The step's output and carried state are the zoned ones.
          h = zoneout(h, step.h, masks.zoneHidden);
          c = zoneout(c, step.c, masks.zoneCell);
          for (let j = 0; j < H; j++) output[(t * B + b) * D * H + dir * H + j] = h[j]!;
        }
        dirCaches.push(seqCaches);
        hN.set(h, (stateIndex * B + b) * H);
        cN?.set(c, (stateIndex * B + b) * H);
      }
      layerCaches.push(dirCaches);
    }
    caches.push(layerCaches);
    layerInput = output;
    inputSize = D * H;
  }
  return { output, h: hN, c: cN, caches, layerInputs };
}

export function referenceRecurrent(args: ReferenceRecurrentArgs): ReferenceRecurrentResult {
  const { output, h, c } = run(args, variantOf(args), optionsOf(args));
  return { output, h, c };
}

/** Gradients of Σ output·seeds.output + Σ h_n·seeds.h + Σ c_n·seeds.c, by BPTT. */
export function referenceRecurrentGradients(args: ReferenceRecurrentArgs, seeds: ReferenceSeeds): ReferenceGradients {
  const { hiddenSize: H, numLayers, steps: T, batch: B } = args;
  const D = args.bidirectional ? 2 : 1;
  const variant = variantOf(args);
  const options = optionsOf(args);
  const G = variant.gates.length;
  const lengths = args.lengths ?? new Array<number>(B).fill(T);
  const trace = run(args, variant, options);
  const weights: Record<string, Float64Array> = {};
  const dh0 = new Float64Array(numLayers * D * B * H);
  const dc0 = variant.hasCellState ? new Float64Array(numLayers * D * B * H) : null;
  let dOut: Float64Array = Float64Array.from({ length: T * B * D * H }, (_, i) => (seeds.output ? seeds.output[i]! : 0));
  let dInput: Float64Array = new Float64Array(0);

  for (let layer = numLayers - 1; layer >= 0; layer--) {
    const inputSize = layer === 0 ? args.inputSize : D * H;
    dInput = new Float64Array(T * B * inputSize);
    for (let dir = 0; dir < D; dir++) {
      const suffix = suffixOf(layer, dir);
      const w = layerWeights(args, variant, options, layer, dir, inputSize);
      const grads: ReferenceWeightGrads = {
        wIh: new Float64Array(G * H * inputSize),
        wHh: new Float64Array(G * H * H),
        bIh: new Float64Array(G * H),
        bHh: new Float64Array(G * H),
        extra: Object.fromEntries(extraParameters(args, variant, options).map((p) => [p.kind, new Float64Array(p.length)])),
      };
      const stateIndex = layer * D + dir;
      for (let b = 0; b < B; b++) {
        let dh: Float64Array = Float64Array.from({ length: H }, (_, j) => (seeds.h ? seeds.h[(stateIndex * B + b) * H + j]! : 0));
        let dc: Float64Array = Float64Array.from({ length: H }, (_, j) => (seeds.c ? seeds.c[(stateIndex * B + b) * H + j]! : 0));
        const len = lengths[b]!;
        for (let s = len - 1; s >= 0; s--) {
          const t = dir === 1 ? len - 1 - s : s;
          const total = Float64Array.from(dh, (v, j) => v + dOut[(t * B + b) * D * H + dir * H + j]!);
          const { cache, masks } = trace.caches[layer]![dir]![b]![s]!;
          const zonedH = zoneoutBackward(total, masks.zoneHidden);
          const zonedC = zoneoutBackward(dc, masks.zoneCell);
          const back = variant.reference.backward(w, cache as never, zonedH.candidate, zonedC.candidate, grads, masks.step);
          for (let i = 0; i < inputSize; i++) add(dInput, (t * B + b) * inputSize + i, back.dx[i]!);
          dh = plus(back.dhPrev, zonedH.previous);
          dc = plus(back.dcPrev, zonedC.previous);
        }
        dh0.set(dh, (stateIndex * B + b) * H);
        dc0?.set(dc, (stateIndex * B + b) * H);
      }
      weights[`weight_ih${suffix}`] = grads.wIh;
      // Off the heads' blocks W_hh takes no part: its gradient there is 0.
      weights[`weight_hh${suffix}`] = headBlockDiagonal(grads.wHh, H, options.heads);
      if (args.weights[`bias_ih${suffix}`]) {
        weights[`bias_ih${suffix}`] = grads.bIh;
        weights[`bias_hh${suffix}`] = grads.bHh;
      }
      for (const [kind, grad] of Object.entries(grads.extra)) weights[`${kind}${suffix}`] = grad;
    }
    dOut = dInput;
  }
  return { input: dInput, h0: dh0, c0: dc0, weights };
}
