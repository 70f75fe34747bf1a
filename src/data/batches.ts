/**
 * Token streams for truncated BPTT: the stream is cut into `batch` contiguous lanes, and
 * each lane into windows of `steps` tokens, so that window w + 1 of a lane continues
 * window w and the hidden state can be carried between them. Targets are the inputs
 * shifted by one token. Window w of an epoch is a pure function of w: a run resumed at
 * any step sees exactly the batches it would have seen.
 */
import { ArgumentError, checkInteger, describe } from '../errors.js';

export interface TokenWindow {
  /** [steps, batch] time-major ids. */
  input: Int32Array;
  /** Shape [steps, batch]: the next token after each input. */
  target: Int32Array;
  /** Window index within the epoch; 0 starts the lanes over (reset the carried state). */
  index: number;
  steps: number;
  batch: number;
}

export class StreamBatches {
  readonly batch: number;
  readonly steps: number;
  /** Tokens per lane (each lane also needs one more token, the last target). */
  readonly laneLength: number;
  readonly windowsPerEpoch: number;

  constructor(readonly tokens: Int32Array, options: { batch: number; steps: number }) {
    if (!(tokens instanceof Int32Array)) throw new ArgumentError('tokens', 'an Int32Array of token ids', describe(tokens));
    this.batch = checkInteger('batch', options.batch, 1);
    this.steps = checkInteger('steps', options.steps, 1);
    this.laneLength = Math.floor((tokens.length - 1) / this.batch);
    this.windowsPerEpoch = Math.floor(this.laneLength / this.steps);
    if (this.windowsPerEpoch < 1) {
      throw new ArgumentError('tokens', `at least batch · steps + 1 = ${this.batch * this.steps + 1} tokens`, `${tokens.length} tokens`);
    }
  }

  /** Tokens one epoch covers. */
  get tokensPerEpoch(): number {
    return this.windowsPerEpoch * this.steps * this.batch;
  }

  /** The window a run's step `step` trains on (epochs repeat the same windows). */
  window(step: number): TokenWindow {
    const index = checkInteger('step', step, 0) % this.windowsPerEpoch;
    const { batch: B, steps: T } = this;
    const input = new Int32Array(T * B);
    const target = new Int32Array(T * B);
    for (let b = 0; b < B; b++) {
      const start = b * this.laneLength + index * T;
      for (let t = 0; t < T; t++) {
        input[t * B + b] = this.tokens[start + t]!;
        target[t * B + b] = this.tokens[start + t + 1]!;
      }
    }
    return { input, target, index, steps: T, batch: B };
  }
}

/** The last `fraction` of a stream for validation, the rest for training. */
export function splitStream(tokens: Int32Array, validationFraction: number): { train: Int32Array; validation: Int32Array } {
  if (typeof validationFraction !== 'number' || !(validationFraction > 0 && validationFraction < 1)) {
    throw new ArgumentError('validationFraction', 'a number in (0, 1)', describe(validationFraction));
  }
  const cut = Math.round(tokens.length * (1 - validationFraction));
  return { train: tokens.subarray(0, cut), validation: tokens.subarray(cut) };
}

/**
 * Bits per token of a unigram model, fitted on `train` (add-one smoothing) and scored on
 * `test`: the loss of a model that ignores context, the baseline a language model must beat.
 */
export function unigramBitsPerToken(train: ArrayLike<number>, test: ArrayLike<number>, vocabularySize: number): number {
  const counts = new Float64Array(vocabularySize).fill(1);
  for (let i = 0; i < train.length; i++) counts[train[i]!]!++;
  const total = train.length + vocabularySize;
  let bits = 0;
  for (let i = 0; i < test.length; i++) bits -= Math.log2(counts[test[i]!]! / total);
  return bits / test.length;
}
