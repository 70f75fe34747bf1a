/**
 * Fused softmax + cross-entropy: one kernel computes each row's loss and its gradient
 * (softmax − one-hot), with an ignore index for padding; the mean divides by the rows
 * that count. The gradient is ready after forward; backward only scales it.
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor, checkTensor } from '../tensor.js';
import { ArgumentError, checkOneOf, describe } from '../errors.js';
import { softmaxCrossEntropyKernel } from '../kernels/softmax_cross_entropy.js';
import type { Tape } from '../autograd/tape.js';

export interface CrossEntropyOptions {
  /** Rows whose target equals this contribute nothing (PyTorch's default −100). */
  ignoreIndex?: number;
  reduction?: 'mean' | 'sum';
  tape?: Tape;
}

export interface CrossEntropyResult {
  /** Shape [1]: the mean (or sum) loss in nats. */
  loss: Tensor<'f32'>;
  /**
   * Shape [rows, classes]: dL/d logits for dL/d loss = 1, owned by the caller; null on a tape,
   * which owns it and hands it backward.
   */
  gradient: Tensor<'f32'> | null;
}

/** logits [..., C] (f32) against targets [...] (i32 class indices). */
export function softmaxCrossEntropy(logits: Tensor, targets: Tensor, options: CrossEntropyOptions = {}): CrossEntropyResult {
  const runtime = checkTensor('logits', logits, (logits as Tensor)?.runtime, { dtype: 'f32' }).runtime;
  checkTensor('targets', targets, runtime, { dtype: 'i32' });
  if (logits.rank < 1) throw new ArgumentError('logits', 'shape [..., classes]', `shape ${describe(logits.shape)}`);
  const classes = logits.shape[logits.rank - 1]!;
  const rows = logits.size / classes;
  if (targets.shape.join() !== logits.shape.slice(0, -1).join()) {
    throw new ArgumentError('targets', `shape ${describe(logits.shape.slice(0, -1))} (logits without the class dimension)`, `shape ${describe(targets.shape)}`);
  }
  const reduction = checkOneOf('options.reduction', options.reduction ?? 'mean', ['mean', 'sum'] as const);
  const ignoreIndex = options.ignoreIndex ?? -100;
  if (!Number.isInteger(ignoreIndex)) throw new ArgumentError('options.ignoreIndex', 'an integer', describe(ignoreIndex));

  const gradient = Tensor.empty(runtime, logits.shape, 'f32', 'cross_entropy.d_logits');
  const rowLosses = runtime.pool.acquire(Math.max(rows, 1) * 8, GPUBufferUsage.STORAGE, 'cross_entropy.loss_rows');
  const totals = Tensor.empty(runtime, [2], 'f32', 'cross_entropy.totals');
  const checkSlot = runtime.idChecks.slot(`softmaxCrossEntropy targets (tensor "${targets.label}")`, `class ids in [0, ${classes}) or the ignore index ${ignoreIndex}`);
  const sizes = { rows, classes, ignoreIndex, mean: reduction === 'mean', checkSlot };
  runtime.launch(softmaxCrossEntropyKernel, { op: 'rowLosses', ...sizes }, { logits: logits.buffer, targets: targets.buffer, d_logits: gradient.buffer, loss_rows: rowLosses, id_errors: runtime.idChecks.buffer });
  runtime.launch(softmaxCrossEntropyKernel, { op: 'finish', ...sizes }, { loss_rows: rowLosses, totals: totals.buffer });
  runtime.pool.release(rowLosses);

  // Scale the gradient to the reduction now (upstream gradient 1).
  const one = Tensor.from(runtime, [1], [1], 'f32', 'cross_entropy.unit');
  scaleRows(runtime, gradient, totals, one, sizes);
  one.dispose();

  const loss = Tensor.empty(runtime, [1], 'f32', 'cross_entropy.loss');
  runtime.commandEncoder().copyBufferToBuffer(totals.buffer, 0, loss.buffer, 0, 4);

  const tape = options.tape;
  let handedBack = false;
  tape?.record({
    label: 'softmax_cross_entropy',
    inputs: [logits],
    outputs: [loss],
    backward: ([dLoss]) => {
      // The mean's 1/count is applied already: scale by the upstream gradient only, in place.
      const unitScale = Tensor.from(runtime, [0, 1], [2], 'f32', 'cross_entropy.unit_scale');
      scaleRows(runtime, gradient, unitScale, dLoss!, sizes);
      unitScale.dispose();
      handedBack = true;
      return [gradient];
    },
    release: () => {
      if (!handedBack) gradient.dispose();
    },
  });
  totals.dispose();
  return { loss, gradient: tape ? null : gradient };
}

function scaleRows(runtime: Runtime, gradient: Tensor, totals: Tensor, seed: Tensor, sizes: { rows: number; classes: number; mean: boolean }): void {
  runtime.launch(softmaxCrossEntropyKernel, { op: 'scaleRows', ...sizes }, { d_logits: gradient.buffer, totals: totals.buffer, seed: seed.buffer });
}
