/**
 * Command-line options of `train` and `sample`, parsed and checked before anything runs:
 * a bad option names itself, what it expects and what it got.
 */
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_BEAM_WIDTH, MAX_BLOCKED_NGRAM } from '../generate/beam-search.js';

export class OptionError extends Error {}

export interface TrainOptions {
  data: string;
  cell: 'lstm' | 'gru';
  layers: number;
  hidden: number;
  embedding: number;
  seqLength: number;
  batch: number;
  lr: number;
  steps: number;
  clip: number;
  /** Dropout between stacked layers. */
  dropout: number;
  /** Dropout on the candidate (g or n) inside the recurrence. */
  recurrentDropout: number;
  /** One recurrent-dropout mask per sequence instead of one per step. */
  recurrentDropoutPerSequence: boolean;
  /** Zoneout rates on h and on an LSTM's c (0 for a GRU). */
  zoneout: ZoneoutRates;
  /** Layer norm inside the recurrent cell. */
  layerNorm: boolean;
  /** Layer norm on the recurrent output, before the output layer. */
  outputNorm: boolean;
  /** Heads of a block-diagonal recurrent matrix (a divisor of hidden). */
  heads: number;
  validation: number;
  evalEvery: number;
  evalWindows: number;
  sampleEvery: number;
  sampleLength: number;
  temperature: number;
  checkpointDir: string;
  checkpointEvery: number;
  /** Keep best.json/best.safetensors: the checkpoint of the lowest validation loss. */
  keepBest: boolean;
  /** Steps whose loss or gradient norm is not finite, in a row, before training stops. */
  maxNonFinite: number;
  /** Steps between in-memory copies of the weights and optimizer state (device-loss recovery). */
  snapshotEvery: number;
  resume: string | null;
  seed: number;
}

export interface ZoneoutRates {
  hidden: number;
  cell: number;
}

export interface SampleOptions {
  checkpoint: string;
  prompt: string | null;
  length: number;
  temperature: number;
  topK: number;
  seed: number;
  samples: number;
  beam: number;
  noRepeatNgram: number;
}

/** A text file's run directory name: its base name without extension, in safe characters ('my-book.txt' → 'my-book'). */
function fileRunName(path: string): string {
  const base = path.split(/[\\/]/).pop()!.replace(/\.[^.]*$/, '');
  const safe = base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  return safe === '' || safe === 'moby-dick' || safe === 'names' ? `text-${safe || 'file'}` : safe;
}

/** Defaults per corpus: Moby Dick learns visibly in minutes on 2 CPU cores; names faster. */
export function trainDefaults(data: string): TrainOptions {
  const names = data === 'names';
  return {
    data,
    cell: 'lstm',
    layers: 1,
    hidden: 128,
    embedding: 32,
    seqLength: names ? 32 : 64,
    batch: 32,
    lr: 0.01,
    steps: names ? 400 : 300,
    clip: 5,
    dropout: 0,
    recurrentDropout: 0,
    recurrentDropoutPerSequence: false,
    zoneout: { hidden: 0, cell: 0 },
    layerNorm: false,
    outputNorm: false,
    heads: 1,
    validation: names ? 0.1 : 0.02,
    evalEvery: names ? 100 : 50,
    evalWindows: 8,
    sampleEvery: names ? 200 : 100,
    sampleLength: names ? 120 : 240,
    temperature: 0.8,
    checkpointDir: `checkpoints/${names || data === 'moby-dick' ? data : fileRunName(data)}`,
    checkpointEvery: names ? 200 : 100,
    keepBest: false,
    maxNonFinite: 5,
    snapshotEvery: 25,
    resume: null,
    seed: 1,
  };
}

const TRAIN_SPEC = {
  data: { type: 'string' },
  cell: { type: 'string' },
  layers: { type: 'string' },
  hidden: { type: 'string' },
  embedding: { type: 'string' },
  'seq-length': { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  steps: { type: 'string' },
  clip: { type: 'string' },
  dropout: { type: 'string' },
  'recurrent-dropout': { type: 'string' },
  'recurrent-dropout-per-sequence': { type: 'boolean' },
  zoneout: { type: 'string' },
  'layer-norm': { type: 'boolean' },
  'output-norm': { type: 'boolean' },
  heads: { type: 'string' },
  validation: { type: 'string' },
  'eval-every': { type: 'string' },
  'eval-windows': { type: 'string' },
  'sample-every': { type: 'string' },
  'sample-length': { type: 'string' },
  temperature: { type: 'string' },
  'checkpoint-dir': { type: 'string' },
  'checkpoint-every': { type: 'string' },
  'keep-best': { type: 'boolean' },
  'max-non-finite': { type: 'string' },
  'snapshot-every': { type: 'string' },
  resume: { type: 'string' },
  seed: { type: 'string' },
} as const;

const SAMPLE_SPEC = {
  checkpoint: { type: 'string' },
  prompt: { type: 'string' },
  length: { type: 'string' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  seed: { type: 'string' },
  samples: { type: 'string' },
  beam: { type: 'string' },
  'no-repeat-ngram': { type: 'string' },
} as const;

export type ArgSpec = Record<string, { type: 'string' | 'boolean' }>;

/** Every option of each command, in the order help lists them. */
export const TRAIN_OPTION_NAMES = Object.keys(TRAIN_SPEC) as (keyof typeof TRAIN_SPEC)[];
export const SAMPLE_OPTION_NAMES = Object.keys(SAMPLE_SPEC) as (keyof typeof SAMPLE_SPEC)[];

/** sample's defaults, by option name. */
export const SAMPLE_DEFAULTS = { length: 300, temperature: 0.8, 'top-k': 0, seed: 1, samples: 1, beam: 0, 'no-repeat-ngram': 0 } as const;

export function parse(argv: string[], spec: ArgSpec, command: string): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args: argv, options: spec, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify.*$/s, '') : String(error);
    throw new OptionError(`${command}: ${message}`);
  }
}

export function integer(name: string, value: string | boolean | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new OptionError(`--${name}: expected an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}], got ${JSON.stringify(value)}`);
  }
  return n;
}

/** A number in [min, max]; `open` leaves out min ('min': (min, max]) or max ('max': [min, max)). */
function real(name: string, value: string | boolean | undefined, fallback: number, min: number, max: number, open: 'min' | 'max' | 'none' = 'none'): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  const low = open === 'min' ? n > min : n >= min;
  const high = open === 'max' ? n < max : n <= max;
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n) || !low || !high) {
    throw new OptionError(`--${name}: expected a number in ${open === 'min' ? '(' : '['}${min}, ${max}${open === 'max' ? ')' : ']'}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/**
 * --zoneout P: rate P on h, and on an LSTM's c too; H,C: rate H on h and C on c (a GRU,
 * which has no c, takes C = 0 only). Each rate in [0, 1).
 */
function zoneoutRates(value: string | boolean | undefined, cell: TrainOptions['cell']): ZoneoutRates {
  if (value === undefined) return { hidden: 0, cell: 0 };
  const parts = typeof value === 'string' ? value.split(',') : [];
  const rates = parts.map((part) => (part.trim() === '' ? NaN : Number(part)));
  if (rates.length < 1 || rates.length > 2 || !rates.every((r) => Number.isFinite(r) && r >= 0 && r < 1)) {
    const expected = cell === 'lstm' ? 'a rate P in [0, 1) for h and c, or H,C: a rate for h and one for c' : 'a rate P in [0, 1) for h';
    throw new OptionError(`--zoneout: expected ${expected}, got ${JSON.stringify(value)}`);
  }
  const [hidden, cellRate] = rates as [number, number | undefined];
  if (cell !== 'lstm' && cellRate !== undefined && cellRate !== 0) {
    throw new OptionError(`--zoneout: expected one rate, for h, with --cell ${cell} (it has no cell state c), got ${JSON.stringify(value)}`);
  }
  return { hidden, cell: cell === 'lstm' ? (cellRate ?? hidden) : 0 };
}

/** --heads: a divisor of the hidden size (each head owns hidden/heads units). */
function headCount(value: string | boolean | undefined, hidden: number): number {
  const heads = integer('heads', value, 1, 1, hidden);
  if (hidden % heads !== 0) {
    const divisors = Array.from({ length: hidden }, (_, i) => i + 1).filter((d) => hidden % d === 0);
    throw new OptionError(`--heads: expected a divisor of --hidden ${hidden} (${divisors.join(', ')}), got ${JSON.stringify(value)}`);
  }
  return heads;
}

/** The directory of a checkpoint given as a directory or as one of its step-<n>.json files. */
function resumeDirectory(resume: string): string {
  return resume.endsWith('.json') ? dirname(resume) : resume.replace(/(.)[\\/]+$/, '$1');
}

export function parseTrainOptions(argv: string[]): TrainOptions {
  const v = parse(argv, TRAIN_SPEC, 'train');
  const data = (v.data as string | undefined) ?? 'moby-dick';
  if (data.trim() === '') throw new OptionError('--data: expected moby-dick, names or a text file path, got an empty string');
  const d = trainDefaults(data);
  const cell = (v.cell as string | undefined) ?? d.cell;
  const resume = (v.resume as string | undefined) ?? null;
  if (resume !== null && resume.trim() === '') throw new OptionError('--resume: expected a checkpoint directory or step-<n>.json file, got an empty string');
  if (cell !== 'lstm' && cell !== 'gru') throw new OptionError(`--cell: expected lstm or gru, got ${JSON.stringify(cell)}`);
  const hidden = integer('hidden', v.hidden, d.hidden, 1, 2048);
  const recurrentDropout = real('recurrent-dropout', v['recurrent-dropout'], d.recurrentDropout, 0, 1, 'max');
  const recurrentDropoutPerSequence = (v['recurrent-dropout-per-sequence'] as boolean | undefined) ?? d.recurrentDropoutPerSequence;
  if (recurrentDropoutPerSequence && recurrentDropout === 0) {
    throw new OptionError('--recurrent-dropout-per-sequence: expected with --recurrent-dropout P (a rate above 0), got no recurrent dropout');
  }
  return {
    data,
    cell,
    layers: integer('layers', v.layers, d.layers, 1, 8),
    hidden,
    embedding: integer('embedding', v.embedding, d.embedding, 1, 2048),
    seqLength: integer('seq-length', v['seq-length'], d.seqLength, 1, 4096),
    batch: integer('batch', v.batch, d.batch, 1, 4096),
    lr: real('lr', v.lr, d.lr, 0, 10, 'min'),
    steps: integer('steps', v.steps, d.steps, 1),
    clip: real('clip', v.clip, d.clip, 0, 1e6, 'min'),
    dropout: real('dropout', v.dropout, d.dropout, 0, 0.99),
    recurrentDropout,
    recurrentDropoutPerSequence,
    zoneout: zoneoutRates(v.zoneout, cell),
    layerNorm: (v['layer-norm'] as boolean | undefined) ?? d.layerNorm,
    outputNorm: (v['output-norm'] as boolean | undefined) ?? d.outputNorm,
    heads: headCount(v.heads, hidden),
    validation: real('validation', v.validation, d.validation, 0, 0.5, 'min'),
    evalEvery: integer('eval-every', v['eval-every'], d.evalEvery, 1),
    evalWindows: integer('eval-windows', v['eval-windows'], d.evalWindows, 1),
    sampleEvery: integer('sample-every', v['sample-every'], d.sampleEvery, 1),
    sampleLength: integer('sample-length', v['sample-length'], d.sampleLength, 1, 100000),
    temperature: real('temperature', v.temperature, d.temperature, 0, 100),
    // A resumed run writes beside its own checkpoints unless told otherwise.
    checkpointDir: (v['checkpoint-dir'] as string | undefined) ?? (resume === null ? d.checkpointDir : resumeDirectory(resume)),
    checkpointEvery: integer('checkpoint-every', v['checkpoint-every'], d.checkpointEvery, 1),
    keepBest: (v['keep-best'] as boolean | undefined) ?? d.keepBest,
    maxNonFinite: integer('max-non-finite', v['max-non-finite'], d.maxNonFinite, 1),
    snapshotEvery: integer('snapshot-every', v['snapshot-every'], d.snapshotEvery, 1),
    resume,
    seed: integer('seed', v.seed, d.seed, 0, 0xffffffff),
  };
}

export function parseSampleOptions(argv: string[]): SampleOptions {
  const v = parse(argv, SAMPLE_SPEC, 'sample');
  const checkpoint = v.checkpoint as string | undefined;
  if (!checkpoint) throw new OptionError('sample: --checkpoint <directory> is required (a directory written by train)');
  return {
    checkpoint,
    prompt: (v.prompt as string | undefined) ?? null,
    length: integer('length', v.length, SAMPLE_DEFAULTS.length, 1, 100000),
    temperature: real('temperature', v.temperature, SAMPLE_DEFAULTS.temperature, 0, 100),
    topK: integer('top-k', v['top-k'], SAMPLE_DEFAULTS['top-k'], 0),
    seed: integer('seed', v.seed, SAMPLE_DEFAULTS.seed, 0, 0xffffffff),
    samples: integer('samples', v.samples, SAMPLE_DEFAULTS.samples, 1, 1024),
    beam: integer('beam', v.beam, SAMPLE_DEFAULTS.beam, 0, MAX_BEAM_WIDTH),
    noRepeatNgram: integer('no-repeat-ngram', v['no-repeat-ngram'], SAMPLE_DEFAULTS['no-repeat-ngram'], 0, MAX_BLOCKED_NGRAM),
  };
}
