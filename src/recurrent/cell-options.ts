/**
 * The options inside the recurrence (multi-head W_hh, layer normalisation, zoneout,
 * recurrent dropout) as a network takes them: their checks, and the cell-table flags and
 * rates they come to (cellVariant specialises the record by the flags).
 */
import { ArgumentError, checkBoolean, describe } from '../errors.js';
import type { CellConfig } from '../core/types.js';

/** The rates of the masks inside the cell. */
export interface CellRates {
  zoneoutHidden: number;
  zoneoutCell: number;
  recurrentDropout: number;
  /** One recurrent-dropout mask per sequence instead of one per step. */
  perSequence: boolean;
}

/** What a network's options say about the inside of its cell. */
export interface ParsedCellOptions {
  /** The cell-table flags (compile-time options of the kernels). */
  flags: Pick<CellConfig, 'heads' | 'layerNorm' | 'zoneout' | 'recurrentDropout'>;
  rates: CellRates;
  layerNormEps: number;
}

/** The options of RecurrentOptions that act inside the cell. */
export interface CellOptions {
  /** Heads of a block-diagonal W_hh (multi-head recurrence, as FlashRNN and xLSTM's sLSTM); hiddenSize must be divisible by it. */
  heads?: number;
  /** Layer normalisation inside the cell (Ba et al. 2016); adds the `ln_*` parameters. */
  layerNorm?: boolean;
  /** ε inside the square root of the layer norms (PyTorch's LayerNorm default). */
  layerNormEps?: number;
  /** Zoneout (Krueger et al. 2017): the rate on h, or the rates on h and an LSTM's c. */
  zoneout?: number | { hidden?: number; cell?: number };
  /** Dropout on the candidate inside the recurrence (Semeniuta et al. 2016), LSTM and GRU: the rate, or the rate and one mask per sequence. */
  recurrentDropout?: number | { p: number; perSequence?: boolean };
}

function rate(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) throw new ArgumentError(argument, 'a probability in [0, 1)', describe(value));
  return value;
}

/** Checks the options of the cell's inside for a network of this cell family and hidden size. */
export function parseCellOptions(options: CellOptions, cell: CellConfig['cell'], hiddenSize: number): ParsedCellOptions {
  const heads = options.heads ?? 1;
  if (!Number.isInteger(heads) || heads < 1 || hiddenSize % heads !== 0) {
    throw new ArgumentError('options.heads', `a positive divisor of hiddenSize ${hiddenSize}`, describe(options.heads));
  }
  const layerNorm = checkBoolean('options.layerNorm', options.layerNorm ?? false);
  const layerNormEps = options.layerNormEps ?? 1e-5;
  if (typeof layerNormEps !== 'number' || !(layerNormEps > 0 && Number.isFinite(layerNormEps))) throw new ArgumentError('options.layerNormEps', 'a positive number', describe(layerNormEps));

  const zoneout = options.zoneout ?? 0;
  const zoneoutObject = typeof zoneout === 'object' && zoneout !== null;
  const zoneoutHidden = rate(zoneoutObject ? 'options.zoneout.hidden' : 'options.zoneout', zoneoutObject ? (zoneout.hidden ?? 0) : zoneout);
  const zoneoutCell = zoneoutObject ? rate('options.zoneout.cell', zoneout.cell ?? 0) : 0;
  if (zoneoutCell > 0 && cell !== 'lstm') throw new ArgumentError('options.zoneout.cell', `0: only LSTM has a cell state, this is ${cell.toUpperCase()}`, describe(zoneoutCell));

  const dropout = options.recurrentDropout ?? 0;
  const dropoutObject = typeof dropout === 'object' && dropout !== null;
  const recurrentDropout = rate(dropoutObject ? 'options.recurrentDropout.p' : 'options.recurrentDropout', dropoutObject ? dropout.p : dropout);
  const perSequence = checkBoolean('options.recurrentDropout.perSequence', dropoutObject ? (dropout.perSequence ?? false) : false);
  return {
    flags: { heads, layerNorm, zoneout: zoneoutHidden > 0 || zoneoutCell > 0, recurrentDropout: recurrentDropout > 0 },
    rates: { zoneoutHidden, zoneoutCell, recurrentDropout, perSequence },
    layerNormEps,
  };
}
