/**
 * Float64 reference of shaders/pooling.wgsl: the mean of a [T, N, F] output over each
 * sequence's valid steps, and the last layer's final state of a [L·D, N, H] state with
 * its directions side by side; forward and backward.
 */

/** Shape [N, F]: Σ_{t < lengths[n]} output[t, n, f] / lengths[n]. */
export function referenceMeanPool(output: ArrayLike<number>, steps: number, lengths: readonly number[], features: number): Float64Array {
  const N = lengths.length;
  const F = features;
  const pooled = new Float64Array(N * F);
  for (let n = 0; n < N; n++) for (let f = 0; f < F; f++) for (let t = 0; t < Math.min(lengths[n]!, steps); t++) pooled[n * F + f]! += output[(t * N + n) * F + f]! / lengths[n]!;
  return pooled;
}

/** Shape [T, N, F]: dPooled[n, f] / lengths[n] at each valid step, 0 past the length. */
export function referenceMeanPoolBackward(dPooled: ArrayLike<number>, steps: number, lengths: readonly number[], features: number): Float64Array {
  const N = lengths.length;
  const F = features;
  const dOutput = new Float64Array(steps * N * F);
  for (let t = 0; t < steps; t++) for (let n = 0; n < N; n++) for (let f = 0; f < F; f++) if (t < lengths[n]!) dOutput[(t * N + n) * F + f] = dPooled[n * F + f]! / lengths[n]!;
  return dOutput;
}

/** State sizes: [blocks, sequences, hidden], the last `directions` blocks being the last layer. */
export interface PooledStateSizes {
  blocks: number;
  sequences: number;
  hidden: number;
  directions: number;
}

/** Shape [N, D·H]: the last layer's state blocks side by side. */
export function referenceLastStatePool(state: ArrayLike<number>, sizes: PooledStateSizes): Float64Array {
  const { blocks, sequences: N, hidden: H, directions: D } = sizes;
  const pooled = new Float64Array(N * D * H);
  for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) for (let j = 0; j < H; j++) pooled[n * D * H + d * H + j] = state[((blocks - D + d) * N + n) * H + j]!;
  return pooled;
}

/** Shape [blocks, N, H]: dPooled back in the last layer's blocks, 0 elsewhere. */
export function referenceLastStatePoolBackward(dPooled: ArrayLike<number>, sizes: PooledStateSizes): Float64Array {
  const { blocks, sequences: N, hidden: H, directions: D } = sizes;
  const dState = new Float64Array(blocks * N * H);
  for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) for (let j = 0; j < H; j++) dState[((blocks - D + d) * N + n) * H + j] = dPooled[n * D * H + d * H + j]!;
  return dState;
}
