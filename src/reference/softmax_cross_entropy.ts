/** Float64 reference of shaders/softmax_cross_entropy.wgsl: the loss over counted rows and dL/dlogits. */

export interface ReferenceCrossEntropyOptions {
  /** Rows with this target count for nothing. */
  ignoreIndex: number;
  /** 'mean' over counted rows, or 'sum'. */
  reduction: 'mean' | 'sum';
}

export interface ReferenceCrossEntropyResult {
  loss: number;
  /** dL/dlogits, [rows, classes]. */
  dLogits: Float64Array;
}

export function referenceSoftmaxCrossEntropy(logits: ArrayLike<number>, targets: readonly number[], classes: number, options: ReferenceCrossEntropyOptions): ReferenceCrossEntropyResult {
  // As PyTorch: a target that is neither a class nor the ignore index is an error.
  const bad = targets.findIndex((t) => t !== options.ignoreIndex && !(Number.isInteger(t) && t >= 0 && t < classes));
  if (bad >= 0) throw new RangeError(`targets[${bad}] = ${targets[bad]} is outside [0, ${classes}) and not the ignore index`);
  const dLogits = new Float64Array(logits.length);
  let loss = 0;
  const count = targets.filter((t) => t !== options.ignoreIndex).length;
  const scale = options.reduction === 'mean' ? 1 / Math.max(count, 1) : 1;
  targets.forEach((t, r) => {
    if (t === options.ignoreIndex) return;
    const row = Array.from({ length: classes }, (_, c) => logits[r * classes + c]!);
    const max = Math.max(...row);
    const sum = row.reduce((a, v) => a + Math.exp(v - max), 0);
    loss += Math.log(sum) + max - row[t]!;
    row.forEach((v, c) => (dLogits[r * classes + c] = (Math.exp(v - max) / sum - (c === t ? 1 : 0)) * scale));
  });
  return { loss: loss * scale, dLogits };
}
