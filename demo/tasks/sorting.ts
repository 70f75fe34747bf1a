/**
 * Sorting, encoder-decoder: an encoder LSTM reads a string of digits, its final state starts
 * a decoder LSTM that writes them in ascending order (Seq2Seq, trained with teacher forcing).
 * Held-out strings are decoded greedily and by beam search (width 3), side by side.
 */
import { Adam, Seq2Seq, clipGradientNorm, randomGenerator, type Runtime } from '../../src/index.js';
import { accuracy, type Cell, type Evaluation, type TaskModel, type TaskSpec } from './task.js';

const [BOS, EOS] = [10, 11];
const [SHORTEST, LONGEST] = [2, 8];
const BATCH = 32;
const HELD_OUT = 64;
const BEAM = 3;
/** Decoding stops after this many tokens: the longest output and its end token. */
const MAX_LENGTH = LONGEST + 1;

function digitStrings(random: () => number, count: number): number[][] {
  return Array.from({ length: count }, () => Array.from({ length: SHORTEST + Math.floor(random() * (LONGEST - SHORTEST + 1)) }, () => Math.floor(random() * 10)));
}

const sorted = (digits: number[]) => [...digits].sort((a, b) => a - b);
const text = (digits: number[]) => digits.join('');

class Sorting implements TaskModel {
  private readonly model: Seq2Seq;
  private readonly optimizer: Adam;
  private readonly random = randomGenerator(3);
  private readonly heldOut = digitStrings(randomGenerator(3001), HELD_OUT);
  /** Why beam search cannot run on this device, once a try has shown it cannot. */
  private beamFailure: string | null = null;

  constructor(private readonly runtime: Runtime) {
    this.model = new Seq2Seq(runtime, { sourceVocabularySize: 10, targetVocabularySize: 12, bos: BOS, eos: EOS, hiddenSize: 16, embeddingDim: 2, seed: 1 });
    this.optimizer = new Adam(runtime, this.model.parameters(), { lr: 0.02 });
  }

  async trainStep(): Promise<number> {
    const sources = digitStrings(this.random, BATCH);
    this.optimizer.zeroGradients();
    const loss = this.model.trainBatch(sources, sources.map(sorted));
    clipGradientNorm(this.runtime, this.optimizer.parameters, 5).dispose();
    this.optimizer.update();
    try {
      return (await loss.read())[0]!;
    } finally {
      loss.dispose();
    }
  }

  /**
   * Beam search outputs, or null where this device cannot run it. A kernel the device
   * rejects (one that binds more storage buffers than the device allows, say) shows up as a
   * WebGPU validation error: caught in an error scope, it is shown as it came, and the page
   * goes on with greedy decoding instead of failing every later call.
   */
  private async beam(sources: number[][]): Promise<string[] | null> {
    if (this.beamFailure !== null) return null;
    const device = this.runtime.device;
    device.pushErrorScope('validation');
    let outputs: number[][] | null = null;
    let thrown: unknown = null;
    try {
      outputs = await this.model.beam(sources, { width: BEAM, maxLength: MAX_LENGTH });
    } catch (error) {
      thrown = error;
    }
    const rejected = await device.popErrorScope();
    if (rejected || thrown) {
      // The validation message's first line says what; the rest is the call stack inside WebGPU.
      this.beamFailure = (rejected?.message ?? (thrown instanceof Error ? thrown.message : String(thrown))).split('\n')[0]!;
      return null;
    }
    return outputs!.map(text);
  }

  /** Why beam search is off, for the page. */
  get note(): string | null {
    return this.beamFailure === null ? null : `beam search cannot run on this device: ${this.beamFailure}`;
  }

  async evaluate(): Promise<Evaluation> {
    const greedy = (await this.model.greedy(this.heldOut, MAX_LENGTH)).map(text);
    const beam = await this.beam(this.heldOut);
    const expected = this.heldOut.map((s) => text(sorted(s)));
    const examples = this.heldOut.slice(0, 5).map((source, n): Cell[] => [
      { text: text(source) },
      { text: expected[n]! },
      { text: greedy[n] || '(empty)', ok: greedy[n] === expected[n] },
      beam ? { text: beam[n] || '(empty)', ok: beam[n] === expected[n] } : { text: 'unavailable', ok: false },
    ]);
    return { accuracy: [accuracy(greedy, expected), beam ? accuracy(beam, expected) : null], examples };
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}

export const sorting: TaskSpec = {
  id: 'sorting',
  title: 'Sorting digits (encoder-decoder)',
  description:
    'An encoder LSTM (16 units) reads 2–8 digits; its final state starts a decoder LSTM that writes them in ascending ' +
    'order, one digit per step, until it emits its end token (<code>Seq2Seq</code>, trained with teacher forcing). ' +
    `Held-out strings are decoded two ways: greedily, and by beam search keeping the ${BEAM} best partial outputs ` +
    '(<code>beamSearch</code> on the GPU); the curve is the share each gets exactly right.',
  series: [
    { label: 'greedy', color: '#0b62d6', points: true },
    { label: `beam (width ${BEAM})`, color: '#d1242f', points: true },
  ],
  columns: ['digits', 'sorted', 'greedy', `beam (width ${BEAM})`],
  defaults: { steps: 600, evalEvery: 10 },
  create: (runtime) => new Sorting(runtime),
};
