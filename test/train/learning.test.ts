import { describe, expect, it } from 'vitest';
import { Adam, LSTM, Linear, RNN, Tape, Tensor, clipGradientNorm, randomGenerator, softmaxCrossEntropy, type RecurrentNetwork, type Runtime } from '../../src/index.js';
import { useRuntime } from '../helpers.js';

/** A recurrent network with a linear head over its output at every step. */
interface Model {
  network: RecurrentNetwork;
  head: Linear;
}

/** One step: forward on a tape, mean cross-entropy over all steps, backward, clip, Adam. */
function trainStep(runtime: Runtime, model: Model, optimizer: Adam, input: Float32Array, targets: number[], T: number, B: number, features: number): void {
  optimizer.zeroGradients();
  const tape = new Tape(runtime);
  const x = Tensor.from(runtime, input, [T, B, features]);
  const y = Tensor.from(runtime, targets, [T, B], 'i32');
  const { output, h, c } = model.network.forward(x, { tape });
  const logits = model.head.forward(output, tape);
  const { loss } = softmaxCrossEntropy(logits, y, { tape });
  tape.backward(loss);
  clipGradientNorm(runtime, optimizer.parameters, 5).dispose();
  optimizer.update();
  tape.dispose();
  for (const t of [x, y, output, h, c, logits, loss]) t?.dispose();
}

/** Class with the highest logit at every (t, b). */
async function predict(runtime: Runtime, model: Model, input: Float32Array, T: number, B: number, features: number): Promise<number[]> {
  const x = Tensor.from(runtime, input, [T, B, features]);
  const { output, h, c } = model.network.forward(x);
  const logitsTensor = model.head.forward(output);
  const logits = await logitsTensor.read();
  for (const t of [x, output, h, c, logitsTensor]) t?.dispose();
  const classes = model.head.outFeatures;
  return Array.from({ length: T * B }, (_, r) => {
    const row = logits.subarray(r * classes, (r + 1) * classes);
    return row.indexOf(Math.max(...row));
  });
}

function makeModel(runtime: Runtime, network: RecurrentNetwork, classes: number): { model: Model; optimizer: Adam } {
  const head = new Linear(runtime, { inFeatures: network.hiddenSize, outFeatures: classes, seed: 11 });
  const model = { network, head };
  return { model, optimizer: new Adam(runtime, [...network.parameters(), ...head.parameters()], { lr: 0.01 }) };
}

describe('learning (the seeds\' tasks)', () => {
  const runtime = useRuntime();

  it('an LSTM learns "hello": after "hell" it predicts "ello"', async () => {
    const rt = runtime();
    const vocabulary = ['h', 'e', 'l', 'o'];
    const oneHot = (text: string) => Float32Array.from([...text].flatMap((ch) => vocabulary.map((v) => (v === ch ? 1 : 0))));
    const { model, optimizer } = makeModel(rt, new LSTM(rt, { inputSize: 4, hiddenSize: 16, init: { seed: 1 } }), 4);
    optimizer.baseLearningRate = 0.05;
    for (let step = 0; step < 120; step++) trainStep(rt, model, optimizer, oneHot('hell'), [1, 2, 2, 3], 4, 1, 4);
    const predicted = (await predict(rt, model, oneHot('hell'), 4, 1, 4)).map((k) => vocabulary[k]).join('');
    expect(predicted).toBe('ello');
  });

  it('an Elman RNN learns running parity on 10-bit strings and gets 100% on 50-bit strings', async () => {
    const rt = runtime();
    const random = randomGenerator(3);
    const batch = (T: number, B: number) => {
      const bits = Array.from({ length: T * B }, () => (random() < 0.5 ? 1 : 0));
      const input = Float32Array.from(bits.flatMap((bit) => [bit, 1 - bit]));
      const targets = new Array<number>(T * B);
      for (let b = 0; b < B; b++) {
        let parity = 0;
        for (let t = 0; t < T; t++) targets[t * B + b] = parity ^= bits[t * B + b]!;
      }
      return { input, targets };
    };
    const { model, optimizer } = makeModel(rt, new RNN(rt, { inputSize: 2, hiddenSize: 24, init: { seed: 2 } }), 2);
    for (let step = 0; step < 300; step++) {
      const { input, targets } = batch(10, 32);
      trainStep(rt, model, optimizer, input, targets, 10, 32, 2);
    }
    const test = batch(50, 64);
    const predicted = await predict(rt, model, test.input, 50, 64, 2);
    const correct = predicted.filter((p, i) => p === test.targets[i]).length;
    expect(correct / predicted.length).toBe(1);
  });

  it('an LSTM learns binary addition on 8-bit numbers and gets 100% on 30-bit numbers', async () => {
    const rt = runtime();
    const random = randomGenerator(4);
    // Least significant bit first; one extra step for the final carry.
    const batch = (bits: number, B: number) => {
      const T = bits + 1;
      const input = new Float32Array(T * B * 2);
      const targets = new Array<number>(T * B);
      for (let b = 0; b < B; b++) {
        let carry = 0;
        for (let t = 0; t < T; t++) {
          const x = t < bits && random() < 0.5 ? 1 : 0;
          const y = t < bits && random() < 0.5 ? 1 : 0;
          input[(t * B + b) * 2] = x;
          input[(t * B + b) * 2 + 1] = y;
          const sum = x + y + carry;
          targets[t * B + b] = sum & 1;
          carry = sum >> 1;
        }
      }
      return { input, targets, T };
    };
    const { model, optimizer } = makeModel(rt, new LSTM(rt, { inputSize: 2, hiddenSize: 16, init: { seed: 5 } }), 2);
    for (let step = 0; step < 250; step++) {
      const { input, targets, T } = batch(8, 32);
      trainStep(rt, model, optimizer, input, targets, T, 32, 2);
    }
    const test = batch(30, 64);
    const predicted = await predict(rt, model, test.input, test.T, 64, 2);
    const correct = predicted.filter((p, i) => p === test.targets[i]).length;
    expect(correct / predicted.length).toBe(1);
  });
});
