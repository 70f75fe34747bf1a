/**
 * The reference's backward with cell options (layer norm, heads, zoneout, recurrent dropout)
 * against central finite differences of L = Σ output·S_o + Σ h_n·S_h (+ Σ c_n·S_c), with
 * the masks fixed by their seeds. Every gradient the reference returns is checked, on a
 * sample of each tensor's entries (all of the small ones).
 */
import { describe, expect, it } from 'vitest';
import { referenceRecurrentGradients, type ReferenceCellOptions, type ReferenceRecurrentArgs } from '../../src/reference/index.js';
import { randomGenerator } from '../../src/util/random.js';
import { compareArrays } from '../checks/compare.js';
import { numericalGradient, seededLoss } from '../checks/finite-differences.js';
import { recurrentArgs, uniform, type CellSpec } from './cell-options-fixtures.js';

const MASK_SEEDS = [0x9e3779b9, 12345];
const SAMPLES_PER_TENSOR = 10;

interface Seeds {
  output: Float64Array;
  h: Float64Array;
  c: Float64Array;
}


/** All indices of a small tensor, a reproducible sample of a big one. */
function sample(length: number, seed: number): number[] {
  if (length <= SAMPLES_PER_TENSOR) return Array.from({ length }, (_, i) => i);
  const next = randomGenerator(seed);
  const chosen = new Set<number>();
  while (chosen.size < SAMPLES_PER_TENSOR) chosen.add(Math.floor(next() * length));
  return [...chosen];
}

const CELLS: (CellSpec & { name: string })[] = [
  { name: 'lstm', cell: 'lstm' },
  { name: 'gru', cell: 'gru' },
  { name: 'rnn-tanh', cell: 'rnn', nonlinearity: 'tanh' },
  { name: 'rnn-relu', cell: 'rnn', nonlinearity: 'relu' },
];

const training = { training: true, maskSeeds: MASK_SEEDS };
const zoneout = { zoneout: { hidden: 0.35, cell: 0.5 } };
const everything = { layerNorm: true, heads: 2, ...zoneout, recurrentDropout: { p: 0.3 } };

const OPTION_SETS: { name: string; hidden: number; options: ReferenceCellOptions }[] = [
  { name: 'layer norm', hidden: 3, options: { layerNorm: true } },
  { name: 'layer norm, H 1', hidden: 1, options: { layerNorm: true } },
  { name: 'heads 2', hidden: 4, options: { heads: 2 } },
  { name: 'zoneout, training', hidden: 3, options: { ...zoneout, ...training } },
  { name: 'zoneout, evaluation', hidden: 3, options: zoneout },
  { name: 'recurrent dropout per step', hidden: 3, options: { recurrentDropout: { p: 0.4 }, ...training } },
  { name: 'recurrent dropout per sequence', hidden: 3, options: { recurrentDropout: { p: 0.4, perSequence: true }, ...training } },
  { name: 'everything, training', hidden: 4, options: { ...everything, ...training } },
  { name: 'everything, evaluation', hidden: 4, options: everything },
  { name: 'everything, H 1', hidden: 1, options: { ...everything, heads: 1, ...training } },
];

/** The options a cell has: zoneout of c for the LSTM only, recurrent dropout not for the Elman RNN. */
function forCell(spec: CellSpec, options: ReferenceCellOptions): ReferenceCellOptions {
  const fitted: ReferenceCellOptions = { ...options };
  if (spec.cell !== 'lstm' && typeof options.zoneout === 'object') fitted.zoneout = { hidden: options.zoneout.hidden ?? 0 };
  if (spec.cell === 'rnn') delete fitted.recurrentDropout;
  if (spec.peephole || spec.resetAfter === false) delete fitted.layerNorm;
  return fitted;
}

function checkGradients(spec: CellSpec, hidden: number, options: ReferenceCellOptions, seed: number): void {
  const sizes = { inputSize: 2, hiddenSize: hidden, numLayers: 2, bidirectional: true };
  const [T, B] = [3, 2];
  const args = recurrentArgs(spec, sizes, { steps: T, batch: B, lengths: [3, 1], seed, cellOptions: forCell(spec, options) });
  const states = 2 * 2 * B * hidden;
  const seeds = { output: uniform(T * B * 2 * hidden, seed + 10), h: uniform(states, seed + 11), c: uniform(states, seed + 12) };
  const analytic = referenceRecurrentGradients(args, seeds);
  expect(Object.keys(analytic.weights).sort()).toEqual(Object.keys(args.weights).sort());

  const targets: [string, Float64Array, Float64Array][] = [
    ['input', args.input as Float64Array, analytic.input],
    ['h0', args.h0 as Float64Array, analytic.h0],
    ...Object.entries(args.weights).map(([k, v]) => [k, v.data as Float64Array, analytic.weights[k]!] as [string, Float64Array, Float64Array]),
  ];
  if (spec.cell === 'lstm') targets.push(['c0', args.c0 as Float64Array, analytic.c0!]);
  const evaluate = () => seededLoss(args, seeds);
  targets.forEach(([what, values, gradient], n) => {
    expect(gradient.length, what).toBe(values.length);
    const indices = sample(values.length, seed * 100 + n);
    const numerical = indices.map((i) => numericalGradient(values, i, evaluate));
    const comparison = compareArrays(indices.map((i) => gradient[i]!), numerical, { rtol: 1e-6, atol: 1e-8 });
    expect(comparison.ok, `d loss / d ${what} at ${indices.join(', ')}: ${comparison.message}`).toBe(true);
  });
}

describe('the reference backward with cell options passes finite-difference checks (2 layers, bidirectional, lengths [3, 1])', () => {
  CELLS.forEach((spec, c) => {
    OPTION_SETS.forEach(({ name, hidden, options }, o) => {
      if (name.startsWith('recurrent dropout') && spec.cell === 'rnn') return;
      it(`${spec.name}: ${name}`, () => checkGradients(spec, hidden, options, 40 + 16 * c + o));
    });
  });

  // The variants without layer norm take the other options.
  const others: (CellSpec & { name: string })[] = [
    { name: 'lstm-peephole', cell: 'lstm', peephole: true },
    { name: 'gru-reset-before', cell: 'gru', resetAfter: false },
  ];
  others.forEach((spec, c) => {
    it(`${spec.name}: heads 2, zoneout and recurrent dropout, training`, () => checkGradients(spec, 4, { ...everything, ...training }, 500 + c));
    it(`${spec.name}: heads 2, zoneout, evaluation`, () => checkGradients(spec, 4, everything, 510 + c));
  });
});
