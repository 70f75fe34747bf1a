import { describe, expect, it } from 'vitest';
import { Tape, Tensor, randomArray, softmaxCrossEntropy } from '../src/index.js';
import { compareArrays } from './checks/compare.js';
import { useRuntime } from './helpers.js';

/** Float64 softmax cross-entropy: loss (mean or sum over counted rows) and dL/dlogits. */
function reference(logits: ArrayLike<number>, targets: number[], classes: number, ignore: number, mean: boolean) {
  const d = new Float64Array(logits.length);
  let loss = 0;
  const count = targets.filter((t) => t !== ignore).length;
  const scale = mean ? 1 / Math.max(count, 1) : 1;
  targets.forEach((t, r) => {
    if (t === ignore) return;
    const row = Array.from({ length: classes }, (_, c) => logits[r * classes + c]!);
    const max = Math.max(...row);
    const sum = row.reduce((a, v) => a + Math.exp(v - max), 0);
    loss += Math.log(sum) + max - row[t]!;
    row.forEach((v, c) => (d[r * classes + c] = (Math.exp(v - max) / sum - (c === t ? 1 : 0)) * scale));
  });
  return { loss: loss * scale, d };
}

describe('fused softmax cross-entropy against float64', () => {
  const runtime = useRuntime();

  for (const [rows, classes] of [[37, 5], [9, 300], [1, 1], [130, 97]] as const) {
    for (const mean of [true, false]) {
      it(`rows=${rows} classes=${classes} ${mean ? 'mean' : 'sum'}, some targets ignored, large logits`, async () => {
        const rt = runtime();
        const logits = randomArray(rows * classes, rows + classes, -30, 30);
        const targets = Array.from({ length: rows }, (_, r) => (r % 4 === 3 ? -1 : (r * 7) % classes));
        const result = softmaxCrossEntropy(Tensor.from(rt, logits, [rows, classes]), Tensor.from(rt, targets, [rows], 'i32'), { ignoreIndex: -1, reduction: mean ? 'mean' : 'sum' });
        const expected = reference(logits, targets, classes, -1, mean);
        const loss = (await result.loss.read())[0]!;
        expect(Math.abs(loss - expected.loss)).toBeLessThanOrEqual(1e-5 * (Math.abs(expected.loss) + 1));
        const comparison = compareArrays(await result.gradient!.read(), expected.d, { rtol: 1e-5, atol: 1e-7 });
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
    const expected = reference(await logits.read(), [0, 1, 2, 1], 3, -100, true).d.map((v) => v * 2.5);
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
