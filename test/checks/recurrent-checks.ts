/**
 * Recurrent forward checks against the float64 reference, shared by the Node tests and
 * the browser page. Outputs are compared one time step at a time, so a failure names
 * the step where error first exceeds the tolerance, and the worst error per step shows
 * how error grows with T.
 */
import { GRU, LSTM, RNN, Tensor, type RecurrentNetwork, type Runtime, type TunedChoice } from '../../src/index.js';
import type { CellOptions } from '../../src/recurrent/cell-options.js';
import { cellMaskSeed } from '../../src/recurrent/state.js';
import { referenceRecurrent, type CellType, type Nonlinearity } from '../../src/reference/index.js';
import { randomArray } from '../../src/util/random.js';
import { compareArrays } from './compare.js';
import type { CheckResult } from './kernel-checks.js';

/** |gpu − ref| ≤ RTOL · (|ref| + 1): relative for |h| near 1, absolute 1e-5 near 0. */
export const RECURRENT_RTOL = 1e-5;

export interface RecurrentCase {
  cell: CellType;
  resetAfter?: boolean;
  nonlinearity?: Nonlinearity;
  peephole?: boolean;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  steps: number;
  batch: number;
  batchFirst?: boolean;
  withLengths?: boolean;
  withInitialState?: boolean;
  chunkLength?: number;
  bias?: boolean;
  seed?: number;
  /** Scheduler choices to force (as a tuner would), instead of the rules'. */
  schedule?: TunedChoice;
  /** Options inside the cell (heads, layer norm, zoneout, recurrent dropout). */
  inside?: CellOptions;
  /** Forward as the first training forward (masks drawn) rather than for inference. */
  training?: boolean;
}

/** The seed of the networks' masks in these checks. */
const DROPOUT_SEED = 11;

/** The reference's cellOptions for a case: the same rates, and the seeds of the network's first training forward. */
export function referenceCellOptions(c: RecurrentCase, training: boolean) {
  const { zoneout, recurrentDropout, ...inside } = c.inside ?? {};
  return {
    ...inside,
    ...(zoneout === undefined ? {} : { zoneout: typeof zoneout === 'number' ? { hidden: zoneout } : zoneout }),
    ...(recurrentDropout === undefined ? {} : { recurrentDropout: typeof recurrentDropout === 'number' ? { p: recurrentDropout } : recurrentDropout }),
    training,
    maskSeeds: Array.from({ length: c.numLayers }, (_, layer) => cellMaskSeed(DROPOUT_SEED, training ? 1 : 0, layer)),
  };
}

function insideName(c: RecurrentCase): string {
  const inside = c.inside ?? {};
  return [
    inside.heads && inside.heads > 1 ? `heads=${inside.heads}` : '',
    inside.layerNorm ? 'ln' : '',
    inside.zoneout ? `zoneout=${JSON.stringify(inside.zoneout)}` : '',
    inside.recurrentDropout ? `rdrop=${JSON.stringify(inside.recurrentDropout)}` : '',
    c.training ? 'training' : '',
  ].filter(Boolean).join(',');
}

export function caseName(c: RecurrentCase): string {
  const variant = c.cell === 'gru' ? (c.resetAfter === false ? '-cho' : '') : c.cell === 'rnn' ? `-${c.nonlinearity ?? 'tanh'}` : c.peephole ? '-peephole' : '';
  const flags = [c.bidirectional ? 'bi' : '', c.withLengths ? 'lengths' : '', c.batchFirst ? 'batchFirst' : '', c.withInitialState ? 'h0' : '', c.bias === false ? 'nobias' : '', c.chunkLength ? `K=${c.chunkLength}` : '']
    .concat(c.schedule ? [`schedule=${JSON.stringify(c.schedule)}`] : [], [insideName(c)])
    .filter(Boolean)
    .join(',');
  return `${c.cell}${variant} L=${c.numLayers} I=${c.inputSize} H=${c.hiddenSize} T=${c.steps} B=${c.batch}${flags ? ` ${flags}` : ''}`;
}

export function makeNetwork(runtime: Runtime, c: RecurrentCase): RecurrentNetwork {
  const options = {
    inputSize: c.inputSize,
    hiddenSize: c.hiddenSize,
    numLayers: c.numLayers,
    bidirectional: c.bidirectional,
    batchFirst: c.batchFirst ?? false,
    bias: c.bias ?? true,
    init: { seed: c.seed ?? 7 },
    ...(c.inside ?? {}),
    dropoutSeed: DROPOUT_SEED,
    ...(c.chunkLength ? { chunkLength: c.chunkLength } : {}),
  };
  const network =
    c.cell === 'lstm'
      ? new LSTM(runtime, { ...options, peephole: c.peephole ?? false })
      : c.cell === 'gru'
        ? new GRU(runtime, { ...options, resetAfter: c.resetAfter ?? true })
        : new RNN(runtime, { ...options, nonlinearity: c.nonlinearity ?? 'tanh' });
  if (c.schedule) network.scheduleOverrides = c.schedule;
  return network;
}

/** The network of a case, with random values for the cell's own parameters (peepholes start at zero). */
export async function caseNetwork(runtime: Runtime, c: RecurrentCase): Promise<RecurrentNetwork> {
  const network = makeNetwork(runtime, c);
  const kinds = network.variant.cellParameters.map((p) => p.kind);
  if (kinds.length === 0) return network;
  const dict = await network.stateDict();
  for (const [key, entry] of Object.entries(dict)) {
    if (kinds.some((kind) => key.startsWith(`${kind}_l`))) dict[key] = { shape: entry.shape, data: randomArray(entry.data.length, (c.seed ?? 7) + 9, -0.5, 0.5) };
  }
  network.loadStateDict(dict);
  return network;
}

/** Lengths from T down to 1, spread over the batch, so that every kind of end occurs. */
export function spreadLengths(batch: number, steps: number): number[] {
  return Array.from({ length: batch }, (_, b) => Math.max(1, steps - Math.floor((b * steps) / Math.max(batch, 2))));
}

function toBatchFirst(x: ArrayLike<number>, T: number, B: number, F: number): Float32Array {
  const out = new Float32Array(T * B * F);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) out[(b * T + t) * F + f] = x[(t * B + b) * F + f]!;
  return out;
}

export async function checkRecurrentCase(runtime: Runtime, c: RecurrentCase): Promise<CheckResult[]> {
  const name = caseName(c);
  const { steps: T, batch: B, inputSize: I, hiddenSize: H } = c;
  const D = c.bidirectional ? 2 : 1;
  const seed = c.seed ?? 7;
  const network = await caseNetwork(runtime, c);
  const weights = await network.stateDict();
  const x = randomArray(T * B * I, seed + 1);
  const h0 = c.withInitialState ? randomArray(c.numLayers * D * B * H, seed + 2, -0.5, 0.5) : undefined;
  const c0 = c.withInitialState && c.cell === 'lstm' ? randomArray(c.numLayers * D * B * H, seed + 3, -0.5, 0.5) : undefined;
  const lengths = c.withLengths ? spreadLengths(B, T) : undefined;

  const input = Tensor.from(runtime, c.batchFirst ? toBatchFirst(x, T, B, I) : x, c.batchFirst ? [B, T, I] : [T, B, I]);
  const stateShape = [c.numLayers * D, B, H];
  const h0Tensor = h0 ? Tensor.from(runtime, h0, stateShape) : undefined;
  const c0Tensor = c0 ? Tensor.from(runtime, c0, stateShape) : undefined;
  const state = { ...(h0Tensor ? { h0: h0Tensor } : {}), ...(c0Tensor ? { c0: c0Tensor } : {}), ...(lengths ? { lengths } : {}) };
  const pass = c.training ? network.forwardTrain(input, state) : null;
  const result = pass ?? network.forward(input, state);
  let output: ArrayLike<number> = await result.output.read();
  const h = await result.h.read();
  const cell = result.c ? await result.c.read() : null;
  pass?.release();
  for (const t of [input, h0Tensor, c0Tensor, result.output, result.h, result.c]) t?.dispose();
  network.dispose();

  const reference = referenceRecurrent({
    cell: c.cell,
    resetAfter: c.resetAfter ?? true,
    nonlinearity: c.nonlinearity ?? 'tanh',
    peephole: c.peephole ?? false,
    inputSize: I,
    hiddenSize: H,
    numLayers: c.numLayers,
    bidirectional: c.bidirectional,
    weights,
    input: x,
    steps: T,
    batch: B,
    ...(lengths ? { lengths } : {}),
    ...(h0 ? { h0 } : {}),
    ...(c0 ? { c0 } : {}),
    cellOptions: referenceCellOptions(c, c.training ?? false),
  });

  if (c.batchFirst) {
    // Back to time-major, to compare step by step.
    const tm = new Float32Array(output.length);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) tm.set((output as Float32Array).subarray((b * T + t) * D * H, (b * T + t + 1) * D * H), (t * B + b) * D * H);
    output = tm;
  }
  return [
    compareSteps(`${name}: output`, output, reference.output, T, B * D * H),
    { name: `${name}: h_n`, ...compareState(h, reference.h) },
    ...(cell && reference.c ? [{ name: `${name}: c_n`, ...compareState(cell, reference.c) }] : []),
  ];
}

function compareState(actual: ArrayLike<number>, expected: ArrayLike<number>) {
  return compareArrays(actual, expected, { rtol: RECURRENT_RTOL, atol: RECURRENT_RTOL });
}

/** Compares [T, rest] arrays one step at a time; reports the first failing step. */
function compareSteps(name: string, actual: ArrayLike<number>, expected: ArrayLike<number>, steps: number, rowSize: number): CheckResult {
  let maxError = 0;
  for (let t = 0; t < steps; t++) {
    const a = Array.prototype.slice.call(actual, t * rowSize, (t + 1) * rowSize) as number[];
    const e = (expected as Float64Array).subarray(t * rowSize, (t + 1) * rowSize);
    const step = compareState(a, e);
    maxError = Math.max(maxError, step.maxError);
    if (!step.ok) return { name, ...step, message: `time step ${t}: ${step.message}` };
  }
  return { name, ok: true, mismatches: 0, maxError, message: `ok (max abs error ${maxError.toExponential(2)})` };
}
