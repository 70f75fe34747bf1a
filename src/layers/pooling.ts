/**
 * Pooling a recurrent network's result into one vector per sequence (many-to-one): the
 * mean of the outputs over each sequence's valid steps, or the last layer's final state.
 * Forward, and backward on a tape.
 */
import { Tensor, checkTensor } from '../tensor.js';
import { ArgumentError, describe } from '../errors.js';
import { poolingKernel } from '../kernels/pooling.js';
import type { Tape } from '../autograd/tape.js';

/**
 * output: [T, N, F] time-major; lengths: each sequence's steps (1..T), all T if absent.
 * Returns [N, F]: the mean over each sequence's steps.
 */
export function meanPool(output: Tensor, lengths?: readonly number[], tape?: Tape): Tensor<'f32'> {
  const runtime = checkTensor('output', output, (output as Tensor)?.runtime, { dtype: 'f32', rank: 3 }).runtime;
  const [T, N, F] = output.shape as [number, number, number];
  const lens = lengths ?? new Array<number>(N).fill(T);
  if (!Array.isArray(lens) || lens.length !== N || lens.some((l) => !Number.isInteger(l) || l < 1 || l > T)) {
    throw new ArgumentError('lengths', `${N} integers in [1, ${T}]`, describe(lengths));
  }
  const lengthsTensor = Tensor.from(runtime, lens, [N], 'u32', 'pool.lengths');
  const pooled = Tensor.empty(runtime, [N, F], 'f32', 'pool.mean');
  const sizes = { steps: T, sequences: N, features: F };
  runtime.launch(poolingKernel, { op: 'mean', ...sizes }, { lengths: lengthsTensor.buffer, out: output.buffer, pooled: pooled.buffer });
  if (!tape) {
    lengthsTensor.dispose();
    return pooled;
  }
  tape.record({
    label: 'mean pool',
    inputs: [output],
    outputs: [pooled],
    backward: ([dPooled]) => {
      const dOut = Tensor.empty(runtime, [T, N, F], 'f32', 'pool.mean.d_out');
      runtime.launch(poolingKernel, { op: 'meanBackward', ...sizes }, { lengths: lengthsTensor.buffer, d_pooled: dPooled!.buffer, d_out: dOut.buffer });
      return [dOut];
    },
    release: () => lengthsTensor.dispose(),
  });
  return pooled;
}

/**
 * h: a network's final state [L·D, N, H]; returns [N, D·H], the last layer's state (both
 * directions side by side).
 */
export function lastStatePool(h: Tensor, directions: number, tape?: Tape): Tensor<'f32'> {
  const runtime = checkTensor('h', h, (h as Tensor)?.runtime, { dtype: 'f32', rank: 3 }).runtime;
  const [blocks, N, H] = h.shape as [number, number, number];
  if (directions !== 1 && directions !== 2) throw new ArgumentError('directions', '1 or 2', describe(directions));
  if (blocks % directions !== 0) throw new ArgumentError('h', `a multiple of ${directions} state blocks`, `shape ${describe(h.shape)}`);
  const F = directions * H;
  const pooled = Tensor.empty(runtime, [N, F], 'f32', 'pool.last');
  const sizes = { sequences: N, hidden: H, blocks, directions };
  runtime.launch(poolingKernel, { op: 'last', ...sizes }, { state: h.buffer, pooled: pooled.buffer });
  tape?.record({
    label: 'last-state pool',
    inputs: [h],
    outputs: [pooled],
    backward: ([dPooled]) => {
      const dState = Tensor.empty(runtime, h.shape, 'f32', 'pool.last.d_state');
      runtime.launch(poolingKernel, { op: 'lastBackward', ...sizes }, { d_pooled: dPooled!.buffer, d_state: dState.buffer });
      return [dState];
    },
  });
  return pooled;
}
