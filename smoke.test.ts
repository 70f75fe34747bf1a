import { it } from 'vitest';
import { createRuntime, LSTM, Linear, Adam, Tape, Tensor, softmaxCrossEntropy } from './src/index.js';
it('timing', async () => {
  const rt = await createRuntime();
  const net = new LSTM(rt, { inputSize: 2, hiddenSize: 16 });
  const head = new Linear(rt, { inFeatures: 16, outFeatures: 2 });
  const opt = new Adam(rt, [...net.parameters(), ...head.parameters()]);
  const x = new Float32Array(9 * 32 * 2); const tg = new Array(9 * 32).fill(1);
  const line: string[] = [];
  for (let i = 0; i < 12; i++) {
    const t0 = performance.now();
    opt.zeroGradients();
    const tape = new Tape(rt);
    const xt = Tensor.from(rt, x, [9, 32, 2]);
    const { output } = net.forward(xt, { tape });
    const logits = head.forward(output, tape);
    const { loss } = softmaxCrossEntropy(logits, Tensor.from(rt, tg, [9, 32], 'i32'), { tape });
    await rt.sync(); const t1 = performance.now();
    tape.backward(loss); opt.update(); tape.dispose();
    await rt.sync();
    line.push(`${(t1 - t0).toFixed(0)}+${(performance.now() - t1).toFixed(0)}`);
  }
  console.log(line.join(' '), rt.kernels.counts(), rt.pool.stats().buffers);
  rt.destroy();
});
