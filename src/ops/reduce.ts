/**
 * Column reductions: out[c] = alpha · Σ_r f(x[r, c]) + beta · out[c], f = identity or square.
 * Serves bias gradients (sums over all T·B rows) and squared norms.
 */
import reduceSource from '../../shaders/reduce_columns.wgsl?raw';
import type { Runtime } from '../runtime/runtime.js';
import { Tensor, checkTensor } from '../tensor.js';
import { ArgumentError, checkFinite, describe } from '../errors.js';

export const REDUCE_COLUMNS_SHADER = { name: 'reduce_columns', code: reduceSource } as const;

const WG_COLS = 64;
const WG_ROWS = 4;
/** Rows one workgroup sums before the host adds a second pass over partial sums. */
const ROWS_PER_GROUP = 1024;

export interface ColumnReduceCall {
  rows: number;
  cols: number;
  x: GPUBuffer;
  out: GPUBuffer;
  ld?: number;
  offsetX?: number;
  offsetOut?: number;
  square?: boolean;
  alpha?: number;
  beta?: number;
}

/** Records a column reduction on raw buffers; long columns take a second pass. */
export function encodeColumnReduce(runtime: Runtime, call: ColumnReduceCall): void {
  const { rows, cols } = call;
  const groups = Math.ceil(rows / ROWS_PER_GROUP);
  const dispatchPass = (x: GPUBuffer, out: GPUBuffer, passRows: number, ld: number, offsetX: number, offsetOut: number, square: boolean, alpha: number, beta: number, rowsPerGroup: number): void => {
    runtime.dispatch(
      { shader: REDUCE_COLUMNS_SHADER, constants: { SQUARE: square, WG_COLS, WG_ROWS } },
      {
        buffers: { x, out },
        uniforms: { rows: passRows, cols, ld, offset_x: offsetX, offset_out: offsetOut, rows_per_group: rowsPerGroup, alpha, beta },
        workgroups: [Math.ceil(cols / WG_COLS), Math.max(1, Math.ceil(passRows / rowsPerGroup))],
      },
    );
  };
  const ld = call.ld ?? cols;
  const alpha = call.alpha ?? 1;
  const beta = call.beta ?? 0;
  if (groups <= 1) {
    dispatchPass(call.x, call.out, rows, ld, call.offsetX ?? 0, call.offsetOut ?? 0, call.square ?? false, alpha, beta, Math.max(rows, 1));
    return;
  }
  const partialBytes = groups * cols * 4;
  const partial = runtime.pool.acquire(partialBytes, GPUBufferUsage.STORAGE, 'reduce_columns partial sums');
  dispatchPass(call.x, partial, rows, ld, call.offsetX ?? 0, 0, call.square ?? false, 1, 0, ROWS_PER_GROUP);
  encodeColumnReduce(runtime, { rows: groups, cols, x: partial, out: call.out, offsetOut: call.offsetOut ?? 0, alpha, beta });
  runtime.pool.release(partial);
}

export interface SumColumnsOptions {
  /** Sum squares instead of values. */
  square?: boolean;
  alpha?: number;
  /** Scales the existing contents of `out`; needs `out`. */
  beta?: number;
  /** Write (or accumulate, with beta) into this [cols] tensor. */
  out?: Tensor;
}

/** Sums a [rows, cols] tensor over its rows, giving [cols]. */
export function sumColumns(x: Tensor, options: SumColumnsOptions = {}): Tensor {
  const runtime = checkTensor('x', x, (x as Tensor)?.runtime, { dtype: 'f32', rank: 2 }).runtime;
  const [rows, cols] = x.shape as [number, number];
  const alpha = checkFinite('options.alpha', options.alpha ?? 1);
  const beta = checkFinite('options.beta', options.beta ?? 0);
  if (options.out !== undefined) {
    checkTensor('options.out', options.out, runtime, { dtype: 'f32', rank: 1 });
    if (options.out.shape[0] !== cols) throw new ArgumentError('options.out', `shape [${cols}]`, `shape ${describe(options.out.shape)}`);
    if (options.out === x) throw new ArgumentError('options.out', 'a tensor other than x', 'x itself');
  } else if (beta !== 0) {
    throw new ArgumentError('options.beta', '0 when no options.out is given (beta scales out)', String(beta));
  }
  const out = options.out ?? Tensor.empty(runtime, [cols], 'f32', 'sumColumns.out');
  encodeColumnReduce(runtime, { rows, cols, x: x.buffer, out: out.buffer, square: options.square ?? false, alpha, beta });
  return out;
}
