/**
 * Ids out of range are errors, as in PyTorch, found by the kernels themselves and reported
 * at the next read-back or sync(), naming the tensor and the first bad position; nothing
 * leaks, and the runtime works on afterwards.
 */
import { describe, expect, it } from 'vitest';
import { Embedding, IdRangeError, Tensor, randomArray, softmaxCrossEntropy } from '../../src/index.js';
import { referenceSoftmaxCrossEntropy } from '../../src/reference/index.js';
import { ID_CHECK_SLOTS } from '../../src/runtime/id-checks.js';
import { useRuntime } from '../helpers.js';

describe('id range checks on the GPU', () => {
  const runtime = useRuntime();

  it('a cross-entropy target outside [0, classes) that is not the ignore index fails the next read-back, naming the tensor and the first bad row', async () => {
    const rt = runtime();
    const inUse = rt.pool.stats().inUseBytes;
    for (const [targets, position] of [[[0, 1, -100, 7, 9, 2], 3], [[2, -1, 0, 0, 0, 0], 1]] as const) {
      const logits = Tensor.from(rt, randomArray(6 * 5, 1), [6, 5]);
      const ids = Tensor.from(rt, targets, [6], 'i32', 'batch.targets');
      const { loss, gradient } = softmaxCrossEntropy(logits, ids);
      const read = loss.read();
      await expect(read).rejects.toThrow(IdRangeError);
      await expect(read).rejects.toThrow(`softmaxCrossEntropy targets (tensor "batch.targets"): expected class ids in [0, 5) or the ignore index -100, got an id outside it at position ${position}`);
      for (const t of [logits, ids, loss, gradient!]) t.dispose();
      // The staging buffer went back to the pool; no tensor of this test is left.
      expect(rt.pool.stats().inUseBytes).toBe(inUse);
    }
    // The flags are cleared: the same kernel with good targets reads back, and matches float64.
    const logits = randomArray(6 * 5, 2);
    const targets = [0, 1, -100, 4, 3, 2];
    const { loss } = softmaxCrossEntropy(Tensor.from(rt, logits, [6, 5]), Tensor.from(rt, targets, [6], 'i32'));
    const expected = referenceSoftmaxCrossEntropy(logits, targets, 5, { ignoreIndex: -100, reduction: 'mean' }).loss;
    expect((await loss.read())[0]).toBeCloseTo(expected, 5);
  });

  it('an embedding token outside [0, V) fails sync(), naming the module, the tensor and the position', async () => {
    const rt = runtime();
    const embedding = new Embedding(rt, { numEmbeddings: 10, embeddingDim: 3, paddingIdx: 0 });
    const tokens = Tensor.from(rt, [1, 0, 9, 10, 4, -3], [2, 3], 'i32', 'prompt');
    const out = embedding.forward(tokens);
    await expect(rt.sync()).rejects.toThrow(/tokens \(tensor "prompt"\): expected token ids in \[0, 10\), got an id outside it at position 3/);
    await rt.sync();
    for (const t of [tokens, out]) t.dispose();
    embedding.dispose();
  });

  it('a reference (float64) refuses what the kernels flag', () => {
    expect(() => referenceSoftmaxCrossEntropy([0, 0], [2], 2, { ignoreIndex: -100, reduction: 'mean' })).toThrow(RangeError);
  });

  it('more checked tensors than flag slots share the last slot, still failing the read-back', async () => {
    const rt = runtime();
    const embedding = new Embedding(rt, { numEmbeddings: 4, embeddingDim: 2 });
    const outputs: Tensor[] = [];
    for (let k = 0; k <= ID_CHECK_SLOTS + 2; k++) {
      const tokens = Tensor.from(rt, [k === ID_CHECK_SLOTS + 1 ? 4 : 0], [1], 'i32', `tokens ${k}`);
      outputs.push(embedding.forward(tokens), tokens);
    }
    await expect(rt.sync()).rejects.toThrow(IdRangeError);
    for (const t of outputs) t.dispose();
    embedding.dispose();
  });
});
