/**
 * Parity, many-to-one: is the number of 1s in a bit string odd? A SequenceClassifier (an
 * LSTM whose final state goes to a linear head) reads strings of 1–16 bits and is scored
 * on held-out strings of those lengths and of 17–32 bits, longer than any it trained on.
 */
import { Adam, SequenceClassifier, Tensor, clipGradientNorm, randomGenerator, type Runtime } from '../../src/index.js';
import { accuracy, type Cell, type Evaluation, type TaskModel, type TaskSpec } from './task.js';

const TRAIN_LENGTHS: [number, number] = [1, 16];
const LONG_LENGTHS: [number, number] = [17, 32];
const BATCH = 32;
const HELD_OUT = 256;

interface Strings {
  bits: number[][];
  parity: number[];
}

function bitStrings(random: () => number, count: number, [shortest, longest]: [number, number]): Strings {
  const bits = Array.from({ length: count }, () => Array.from({ length: shortest + Math.floor(random() * (longest - shortest + 1)) }, () => (random() < 0.5 ? 1 : 0)));
  return { bits, parity: bits.map((b) => b.reduce((p: number, bit) => p ^ bit, 0)) };
}

/** Strings as a padded time-major [T, N] block of token ids, with their lengths. */
function block(runtime: Runtime, strings: number[][]): { tokens: Tensor<'i32'>; lengths: number[] } {
  const lengths = strings.map((s) => s.length);
  const T = Math.max(...lengths);
  const N = strings.length;
  const ids = new Int32Array(T * N);
  strings.forEach((s, n) => s.forEach((bit, t) => (ids[t * N + n] = bit)));
  return { tokens: Tensor.from(runtime, ids, [T, N], 'i32', 'parity.tokens'), lengths };
}

class Parity implements TaskModel {
  private readonly model: SequenceClassifier;
  private readonly optimizer: Adam;
  private readonly random = randomGenerator(1);
  // Fixed held-out strings: the curve measures the same inputs at every step.
  private readonly heldOut = bitStrings(randomGenerator(1001), HELD_OUT, TRAIN_LENGTHS);
  private readonly longer = bitStrings(randomGenerator(1002), HELD_OUT, LONG_LENGTHS);

  constructor(private readonly runtime: Runtime) {
    this.model = new SequenceClassifier(runtime, { vocabularySize: 2, classes: 2, hiddenSize: 16, embeddingDim: 2, seed: 1 });
    this.optimizer = new Adam(runtime, this.model.parameters(), { lr: 0.01 });
  }

  async trainStep(): Promise<number> {
    const { bits, parity } = bitStrings(this.random, BATCH, TRAIN_LENGTHS);
    const { tokens, lengths } = block(this.runtime, bits);
    const labels = Tensor.from(this.runtime, parity, [BATCH], 'i32', 'parity.labels');
    this.optimizer.zeroGradients();
    const loss = this.model.trainBatch(tokens, lengths, labels);
    clipGradientNorm(this.runtime, this.optimizer.parameters, 5).dispose();
    this.optimizer.update();
    try {
      return (await loss.read())[0]!;
    } finally {
      for (const t of [tokens, labels, loss]) t.dispose();
    }
  }

  async evaluate(): Promise<Evaluation> {
    // Both held-out sets in one padded block with their lengths: one shape, one set of kernels.
    const { tokens, lengths } = block(this.runtime, [...this.heldOut.bits, ...this.longer.bits]);
    let predicted: number[];
    try {
      predicted = await this.model.predict(tokens, lengths);
    } finally {
      tokens.dispose();
    }
    const [short, long] = [predicted.slice(0, HELD_OUT), predicted.slice(HELD_OUT)];
    const row = (set: Strings, guesses: number[], n: number): Cell[] => [{ text: set.bits[n]!.join('') }, { text: String(set.parity[n]) }, { text: String(guesses[n]), ok: guesses[n] === set.parity[n] }];
    return {
      accuracy: [accuracy(short, this.heldOut.parity), accuracy(long, this.longer.parity)],
      examples: [row(this.heldOut, short, 0), row(this.heldOut, short, 1), row(this.longer, long, 0), row(this.longer, long, 1)],
    };
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}

export const parity: TaskSpec = {
  id: 'parity',
  title: 'Parity of a bit string (many-to-one)',
  description:
    'Is the number of 1s odd? An LSTM (16 units) reads the bits one at a time and a linear head classifies its final state ' +
    '(<code>SequenceClassifier</code>). It trains on strings of 1–16 bits; the curve is its accuracy on held-out strings of ' +
    'those lengths and of 17–32 bits, longer than any it saw. Chance is 50%: it sits there for a while, then jumps.',
  series: [
    { label: '1–16 bits', color: '#0b62d6', points: true },
    { label: '17–32 bits', color: '#8250df', points: true },
  ],
  columns: ['bits', 'parity', 'predicted'],
  defaults: { steps: 400, evalEvery: 10 },
  create: (runtime) => new Parity(runtime),
};
