/**
 * A many-to-one sequence classifier: Embedding → LSTM/GRU (optionally bidirectional) →
 * pooling (the final state, or the mean of the outputs over each sequence's steps) →
 * Linear to class logits, trained with softmax cross-entropy.
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor, checkTensor } from '../tensor.js';
import { ArgumentError, checkBoolean, checkInteger, checkOneOf, describe } from '../errors.js';
import { Embedding } from '../layers/embedding.js';
import { Linear } from '../layers/linear.js';
import { softmaxCrossEntropy } from '../layers/cross-entropy.js';
import { lastStatePool, meanPool } from '../layers/pooling.js';
import { GRU, LSTM } from '../recurrent/modules.js';
import type { RecurrentNetwork } from '../recurrent/network.js';
import { Tape } from '../autograd/tape.js';
import { Module } from '../core/module.js';

export interface SequenceClassifierOptions {
  vocabularySize: number;
  classes: number;
  hiddenSize: number;
  embeddingDim?: number;
  numLayers?: number;
  bidirectional?: boolean;
  cell?: 'lstm' | 'gru';
  /** 'last': the last layer's final state (at each sequence's length); 'mean': mean of the outputs. */
  pooling?: 'last' | 'mean';
  seed?: number;
}

/** State-dict entries `embedding.*`, `rnn.*` (PyTorch's LSTM/GRU names), `head.*`. */
export class SequenceClassifier extends Module {
  readonly name: string = '';
  readonly embedding: Embedding;
  readonly network: RecurrentNetwork;
  readonly head: Linear;
  readonly pooling: 'last' | 'mean';
  readonly classes: number;

  constructor(readonly runtime: Runtime, options: SequenceClassifierOptions) {
    super();
    if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an object', describe(options));
    const V = checkInteger('options.vocabularySize', options.vocabularySize, 1);
    this.classes = checkInteger('options.classes', options.classes, 2);
    const H = checkInteger('options.hiddenSize', options.hiddenSize, 1);
    const E = checkInteger('options.embeddingDim', options.embeddingDim ?? Math.min(32, H), 1);
    const bidirectional = checkBoolean('options.bidirectional', options.bidirectional ?? false);
    this.pooling = checkOneOf('options.pooling', options.pooling ?? 'last', ['last', 'mean'] as const);
    const cell = checkOneOf('options.cell', options.cell ?? 'lstm', ['lstm', 'gru'] as const);
    const seed = checkInteger('options.seed', options.seed ?? 0, 0, 0xffffffff);
    this.embedding = this.registerModule('embedding', new Embedding(runtime, { numEmbeddings: V, embeddingDim: E, seed, name: 'embedding' }));
    const Cell = cell === 'lstm' ? LSTM : GRU;
    this.network = this.registerModule('rnn', new Cell(runtime, { inputSize: E, hiddenSize: H, numLayers: options.numLayers ?? 1, bidirectional, init: { seed: seed + 1 }, name: 'rnn' }));
    this.head = this.registerModule('head', new Linear(runtime, { inFeatures: (bidirectional ? 2 : 1) * H, outFeatures: this.classes, seed: seed + 2, name: 'head' }));
  }

  /** tokens: i32 [T, N] (padding past each length is ignored) → logits [N, classes]. */
  logits(tokens: Tensor, lengths: readonly number[] | undefined, tape?: Tape): Tensor<'f32'> {
    checkTensor('tokens', tokens, this.runtime, { dtype: 'i32', rank: 2 });
    const x = this.embedding.forward(tokens, tape);
    const { output, h, c } = this.network.forward(x, { ...(lengths ? { lengths } : {}), ...(tape ? { tape } : {}) });
    const pooled = this.pooling === 'mean' ? meanPool(output, lengths, tape) : lastStatePool(h, this.network.directions, tape);
    const logits = this.head.forward(pooled, tape);
    if (!tape) for (const t of [x, output, h, c, pooled]) t?.dispose();
    return logits;
  }

  /** Mean cross-entropy of `labels` (i32 [N]); adds its gradients to the parameters'. */
  trainBatch(tokens: Tensor, lengths: readonly number[] | undefined, labels: Tensor): Tensor<'f32'> {
    checkTensor('labels', labels, this.runtime, { dtype: 'i32', rank: 1 });
    if (labels.shape[0] !== tokens.shape[1]) throw new ArgumentError('labels', `shape [${tokens.shape[1]}] (one per sequence)`, `shape ${describe(labels.shape)}`);
    const tape = new Tape(this.runtime);
    const logits = this.logits(tokens, lengths, tape);
    const { loss } = softmaxCrossEntropy(logits, labels, { tape });
    tape.backward(loss);
    tape.keep(loss);
    tape.dispose();
    return loss;
  }

  /** The most likely class of each sequence. */
  async predict(tokens: Tensor, lengths?: readonly number[]): Promise<number[]> {
    const logits = this.logits(tokens, lengths);
    const values = await logits.read();
    logits.dispose();
    return Array.from({ length: values.length / this.classes }, (_, n) => {
      const row = Array.from(values.subarray(n * this.classes, (n + 1) * this.classes));
      return row.indexOf(Math.max(...row));
    });
  }
}
