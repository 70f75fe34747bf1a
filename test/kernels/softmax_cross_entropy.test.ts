import { describe, expect, it } from 'vitest';
import { Tape, Tensor, randomArray, softmaxCrossEntropy } from '../../src/index.js';
import { referenceSoftmaxCrossEntropy } from '../../src/reference/index.js';
import { compareArrays } from '../checks/compare.js';
import { useRuntime } from '../helpers.js';

describe('fused softmax cross-entropy against float64', () => {
  const runtime = useRuntime();

  for (const [rows, classes] of [[37, 5], [9, 300], [1, 1], [130, 97]] as const) {
    for (const mean of [true, false]) {
      it(`rows=${rows} classes=${classes} ${mean ? 'mean' : 'sum'}, some targets ignored, large logits`, async () => {
        const rt = runtime();
        const logits = randomArray(rows * classes, rows + classes, -30, 30);
        const targets = Array.from({ length: rows }, (_, r) => (r % 4 === 3 ? -1 : (r * 7) % classes));
        const result = softmaxCrossEntropy(Tensor.from(rt, logits, [rows, classes]), Tensor.from(rt, targets, [rows], 'i32'), { ignoreIndex: -1, reduction: mean ? 'mean' : 'sum' });
        const expected = referenceSoftmaxCrossEntropy(logits, targets, classes, { ignoreIndex: -1, reduction: mean ? 'mean' : 'sum' });
        const loss = (await result.loss.read())[0]!;
        expect(Math.abs(loss - expected.loss)).toBeLessThanOrEqual(1e-5 * (Math.abs(expected.loss) + 1));
        const comparison = compareArrays(await result.gradient!.read(), expected.dLogits, { rtol: 1e-5, atol: 1e-7 });
        expect(comparison.ok, comparison.message).toBe(true);
      });
    }
  }

  it('on a tape, scales the gradient by the gradient arriving at the loss', async () => {
    const rt = runtime();
    const logits = Tensor.from(rt, randomArray(12, 3), [4, 3]);
    const tape = new Tape(rt);
    const { loss } = softmaxCrossEntropy(logits, Tensor.from(rt, [0, 1, 2, 1], [4], 'i32'), { tape });
    tape.backward(loss, Tensor.from(rt, [2.5], [1]));
    const expected = referenceSoftmaxCrossEntropy(await logits.read(), [0, 1, 2, 1], 3, { ignoreIndex: -100, reduction: 'mean' }).dLogits.map((v) => v * 2.5);
    const comparison = compareArrays(await tape.gradient(logits)!.read(), expected, { rtol: 1e-5, atol: 1e-7 });
    expect(comparison.ok, comparison.message).toBe(true);
  });

  it('rejects mismatched targets before any GPU work', () => {
    const rt = runtime();
    const logits = Tensor.zeros(rt, [4, 3]);
    const wrong = Tensor.zeros(rt, [5], 'i32');
    const floats = Tensor.zeros(rt, [4]);
    rt.submit();
    expect(() => softmaxCrossEntropy(logits, wrong)).toThrow(/targets: expected shape \[4\] \(logits without the class dimension\), got shape \[5\]/);
    expect(() => softmaxCrossEntropy(logits, floats)).toThrow(/targets: expected dtype i32, got dtype f32/);
    expect(rt.hasPendingWork).toBe(false);
  });
});
