/**
 * Column reductions: out[c] = alpha · Σ_r f(x[r, c]) + beta · out[c], f = identity or square.
 * Serves bias gradients (sums over all T·B rows) and squared norms.
 */
import type { Runtime } from '../runtime/runtime.js';
import { columnReduceGroups, reduceColumnsKernel } from '../kernels/reduce_columns.js';
import { Tensor, checkTensor } from '../tensor.js';
import { ArgumentError, checkFinite, describe } from '../errors.js';

export interface ColumnReduceCall {
  rows: number;
  cols: number;
  x: GPUBuffer;
  out: GPUBuffer;
  ld?: number;
  offsetX?: number;
  offsetOut?: number;
  square?: boolean;
  /** Sum x ⊙ y instead: y [rows, cols] with leading dimension ld (default cols) from offset. */
  product?: { y: GPUBuffer; ld?: number; offset?: number };
  alpha?: number;
  beta?: number;
}

/** Records a column reduction on raw buffers; long columns take a second pass. */
export function encodeColumnReduce(runtime: Runtime, call: ColumnReduceCall): void {
  const { rows, cols } = call;
  const product = call.product ? { ld: call.product.ld ?? cols, offset: call.product.offset ?? 0 } : null;
  const sizes = { rows, cols, ld: call.ld ?? cols, offsetX: call.offsetX ?? 0, square: call.square ?? false, product };
  const y = call.product?.y ?? runtime.placeholder();
  const alpha = call.alpha ?? 1;
  const beta = call.beta ?? 0;
  const groups = columnReduceGroups(rows);
  if (groups === 1) {
    runtime.launch(reduceColumnsKernel, { ...sizes, offsetOut: call.offsetOut ?? 0, alpha, beta }, { x: call.x, out: call.out, y });
    return;
  }
  const partial = runtime.pool.acquire(groups * cols * 4, GPUBufferUsage.STORAGE, 'reduce_columns partial sums');
  runtime.launch(reduceColumnsKernel, { ...sizes, offsetOut: 0, alpha: 1, beta: 0 }, { x: call.x, out: partial, y });
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
