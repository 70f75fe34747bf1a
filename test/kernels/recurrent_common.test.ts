/**
 * The activations shared by the recurrent kernels (recurrent_common.wgsl) let NaN through,
 * as PyTorch's do: a diverged model must show NaN, not saturate to ±1 or 0.
 */
import { describe, expect, it } from 'vitest';
import { GRU, LSTM, RNN, Tensor } from '../../src/index.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { useRuntime } from '../helpers.js';

const [T, B, I, H] = [3, 2, 2, 4];

const networks: [string, (rt: Runtime) => LSTM | GRU | RNN][] = [
  ['lstm', (rt) => new LSTM(rt, { inputSize: I, hiddenSize: H, init: { seed: 1 } })],
  ['gru', (rt) => new GRU(rt, { inputSize: I, hiddenSize: H, init: { seed: 1 } })],
  ['rnn tanh', (rt) => new RNN(rt, { inputSize: I, hiddenSize: H, init: { seed: 1 } })],
  ['rnn relu', (rt) => new RNN(rt, { inputSize: I, hiddenSize: H, nonlinearity: 'relu', init: { recurrent: 'identity', seed: 1 } })],
];

describe('recurrent activations and NaN', () => {
  const runtime = useRuntime();

  for (const [name, make] of networks) {
    it(`${name}: a NaN input makes its sequence's outputs NaN from that step on; the other sequence stays finite`, async () => {
      const rt = runtime();
      const network = make(rt);
      // [T, B, I]: sequence 0 gets NaN at step 1; huge finite inputs elsewhere still give finite outputs.
      const x = new Float32Array(T * B * I).fill(1e30);
      x[(1 * B + 0) * I] = NaN;
      const input = Tensor.from(rt, x, [T, B, I]);
      const { output, h, c } = network.forward(input);
      const out = await output.read();
      const at = (t: number, b: number) => Array.from(out.subarray((t * B + b) * H, (t * B + b + 1) * H));
      expect(at(0, 0).every(Number.isFinite), `step 0: ${at(0, 0)}`).toBe(true);
      for (const t of [1, 2]) expect(at(t, 0).every(Number.isNaN), `step ${t}: ${at(t, 0)}`).toBe(true);
      for (const t of [0, 1, 2]) expect(at(t, 1).every(Number.isFinite), `sequence 1 step ${t}: ${at(t, 1)}`).toBe(true);
      for (const t of [input, output, h, c]) t?.dispose();
      network.dispose();
    });
  }
});
