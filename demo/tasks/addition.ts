/**
 * Binary addition, synced many-to-many: two numbers go in bit by bit, least significant
 * first, and the sum comes out one bit per step, so the network must carry. An LSTM with
 * a linear head at every step; trained on 8-bit numbers, scored on whole sums (every bit
 * right) of held-out 8-bit and 16-bit numbers.
 */
import { Adam, LSTM, Linear, Tape, Tensor, clipGradientNorm, randomGenerator, softmaxCrossEntropy, type Runtime } from '../../src/index.js';
import { accuracy, type Cell, type Evaluation, type TaskModel, type TaskSpec } from './task.js';

const BATCH = 32;
const HELD_OUT = 128;

/** Pairs of `bits`-bit numbers (as bit arrays, least significant first) and their sums' bits (one more). */
interface Sums {
  bits: number;
  a: number[][];
  b: number[][];
  sum: number[][];
}

function sums(random: () => number, count: number, bits: number): Sums {
  const number = () => Array.from({ length: bits }, () => (random() < 0.5 ? 1 : 0));
  const a = Array.from({ length: count }, number);
  const b = Array.from({ length: count }, number);
  const sum = a.map((x, n) => {
    let carry = 0;
    return Array.from({ length: bits + 1 }, (_, t) => {
      const s = (x[t] ?? 0) + (b[n]![t] ?? 0) + carry;
      carry = s >> 1;
      return s & 1;
    });
  });
  return { bits, a, b, sum };
}

/** [T, N, 2] inputs: step t holds bit t of a and of b (zeros on the last step, where the carry comes out). */
function inputs(set: Sums): Float32Array {
  const T = set.bits + 1;
  const N = set.a.length;
  const x = new Float32Array(T * N * 2);
  for (let t = 0; t < set.bits; t++) {
    for (let n = 0; n < N; n++) {
      // Shorter numbers in a padded block read as zeros above their top bit.
      x[(t * N + n) * 2] = set.a[n]![t] ?? 0;
      x[(t * N + n) * 2 + 1] = set.b[n]![t] ?? 0;
    }
  }
  return x;
}

/** Most significant bit first, as numbers are written. */
const written = (bits: number[]) => [...bits].reverse().join('');

class Addition implements TaskModel {
  private readonly network: LSTM;
  private readonly head: Linear;
  private readonly optimizer: Adam;
  private readonly random = randomGenerator(2);
  private readonly heldOut = sums(randomGenerator(2001), HELD_OUT, 8);
  private readonly longer = sums(randomGenerator(2002), HELD_OUT, 16);

  constructor(private readonly runtime: Runtime) {
    this.network = new LSTM(runtime, { inputSize: 2, hiddenSize: 16, init: { seed: 5 } });
    this.head = new Linear(runtime, { inFeatures: 16, outFeatures: 2, seed: 11 });
    this.optimizer = new Adam(runtime, [...this.network.parameters(), ...this.head.parameters()], { lr: 0.01 });
  }

  async trainStep(): Promise<number> {
    const set = sums(this.random, BATCH, 8);
    const T = set.bits + 1;
    this.optimizer.zeroGradients();
    const tape = new Tape(this.runtime);
    const x = Tensor.from(this.runtime, inputs(set), [T, BATCH, 2]);
    const targets = Tensor.from(this.runtime, Int32Array.from({ length: T * BATCH }, (_, i) => set.sum[i % BATCH]![Math.floor(i / BATCH)]!), [T, BATCH], 'i32');
    const { output, h, c } = this.network.forward(x, { tape });
    const logits = this.head.forward(output, tape);
    const { loss } = softmaxCrossEntropy(logits, targets, { tape });
    tape.backward(loss);
    tape.keep(loss);
    clipGradientNorm(this.runtime, this.optimizer.parameters, 5).dispose();
    this.optimizer.update();
    tape.dispose();
    try {
      return (await loss.read())[0]!;
    } finally {
      for (const t of [x, targets, output, h, c, logits, loss]) t?.dispose();
    }
  }

  async evaluate(): Promise<Evaluation> {
    // One block for both sets: the 8-bit pairs padded with zero bits to 16 (their sums' extra
    // bits are zeros, not scored), so one shape compiles one set of kernels.
    const T = this.longer.bits + 1;
    const N = 2 * HELD_OUT;
    const padded: Sums = { bits: this.longer.bits, a: [...this.heldOut.a, ...this.longer.a], b: [...this.heldOut.b, ...this.longer.b], sum: [] };
    const x = Tensor.from(this.runtime, inputs(padded), [T, N, 2]);
    const { output, h, c } = this.network.forward(x);
    const logitsTensor = this.head.forward(output);
    const logits = await logitsTensor.read();
    for (const t of [x, output, h, c, logitsTensor]) t?.dispose();
    const bit = (n: number, t: number) => (logits[(t * N + n) * 2 + 1]! > logits[(t * N + n) * 2]! ? 1 : 0);
    const score = (set: Sums, offset: number) => {
      const predicted = set.sum.map((_, n) => written(Array.from({ length: set.bits + 1 }, (_, t) => bit(offset + n, t))));
      const expected = set.sum.map(written);
      const rows: Cell[][] = [0, 1].map((n) => [{ text: written(set.a[n]!) }, { text: written(set.b[n]!) }, { text: expected[n]! }, { text: predicted[n]!, ok: predicted[n] === expected[n] }]);
      return { accuracy: accuracy(predicted, expected), rows };
    };
    const [short, long] = [score(this.heldOut, 0), score(this.longer, HELD_OUT)];
    return { accuracy: [short.accuracy, long.accuracy], examples: [...short.rows, ...long.rows] };
  }

  dispose(): void {
    this.optimizer.dispose();
    this.network.dispose();
    this.head.dispose();
  }
}

export const addition: TaskSpec = {
  id: 'addition',
  title: 'Binary addition (many-to-many)',
  description:
    'Two numbers go in one bit pair per step, least significant bit first, and an LSTM (16 units) with a linear head ' +
    'emits one bit of the sum per step, so it must learn to carry. It trains on 8-bit numbers; the curve is the share of ' +
    'held-out sums it gets entirely right, for 8-bit numbers and for 16-bit ones, twice as long as any it trained on.',
  series: [
    { label: '8-bit sums', color: '#0b62d6', points: true },
    { label: '16-bit sums', color: '#8250df', points: true },
  ],
  columns: ['a', 'b', 'a + b', 'predicted'],
  defaults: { steps: 300, evalEvery: 10 },
  create: (runtime) => new Addition(runtime),
};
