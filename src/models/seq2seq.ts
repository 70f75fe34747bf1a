/**
 * Encoder-decoder: an encoder LSTM/GRU reads the source, and its final state (at each
 * source's length) starts a decoder that emits the target one token at a time. Training
 * uses teacher forcing (the decoder reads BOS + the true target); decoding is greedy or by
 * beam search, both on the GPU.
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor, checkTensor } from '../tensor.js';
import { ArgumentError, checkInteger, checkOneOf, describe } from '../errors.js';
import { Embedding } from '../layers/embedding.js';
import { Linear } from '../layers/linear.js';
import { softmaxCrossEntropy } from '../layers/cross-entropy.js';
import { GRU, LSTM } from '../recurrent/modules.js';
import type { RecurrentNetwork } from '../recurrent/network.js';
import { Tape } from '../autograd/tape.js';
import { Module } from '../core/module.js';
import type { RecurrentState } from '../core/types.js';
import { disposeState, stateInputs } from '../core/state.js';
import { generate } from '../generate/sampling.js';
import { beamSearch } from '../generate/beam-search.js';
import type { TokenModel } from '../generate/token-model.js';

export interface Seq2SeqOptions {
  sourceVocabularySize: number;
  /** Includes `bos` and `eos`. */
  targetVocabularySize: number;
  bos: number;
  eos: number;
  hiddenSize: number;
  embeddingDim?: number;
  numLayers?: number;
  cell?: 'lstm' | 'gru';
  seed?: number;
}

/** Source sequences as a padded [S, N] block with lengths. */
export interface SourceBatch {
  tokens: Int32Array;
  lengths: number[];
  steps: number;
}

export function padSequences(sequences: readonly ArrayLike<number>[], pad = 0, argument = 'sequences'): SourceBatch {
  if (!Array.isArray(sequences) || sequences.length === 0) throw new ArgumentError(argument, 'a non-empty list of token sequences', describe(sequences));
  const lengths = sequences.map((s, n) => {
    if (s.length < 1) throw new ArgumentError(`${argument}[${n}]`, 'at least one token', 'an empty sequence');
    return s.length;
  });
  const steps = Math.max(...lengths);
  const N = sequences.length;
  const tokens = new Int32Array(steps * N).fill(pad);
  sequences.forEach((s, n) => {
    for (let t = 0; t < s.length; t++) tokens[t * N + n] = s[t]!;
  });
  return { tokens, lengths, steps };
}

/** State-dict entries as a PyTorch module with submodules source_embedding, encoder, target_embedding, decoder, head. */
export class Seq2Seq extends Module {
  readonly name: string = '';
  readonly sourceEmbedding: Embedding;
  readonly encoder: RecurrentNetwork;
  readonly targetEmbedding: Embedding;
  readonly decoder: RecurrentNetwork;
  readonly head: Linear;
  readonly bos: number;
  readonly eos: number;
  readonly targetVocabularySize: number;

  constructor(readonly runtime: Runtime, options: Seq2SeqOptions) {
    super();
    if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an object', describe(options));
    const S = checkInteger('options.sourceVocabularySize', options.sourceVocabularySize, 1);
    this.targetVocabularySize = checkInteger('options.targetVocabularySize', options.targetVocabularySize, 2);
    this.bos = checkInteger('options.bos', options.bos, 0, this.targetVocabularySize - 1);
    this.eos = checkInteger('options.eos', options.eos, 0, this.targetVocabularySize - 1);
    const H = checkInteger('options.hiddenSize', options.hiddenSize, 1);
    const E = checkInteger('options.embeddingDim', options.embeddingDim ?? Math.min(32, H), 1);
    const numLayers = checkInteger('options.numLayers', options.numLayers ?? 1, 1);
    const cell = checkOneOf('options.cell', options.cell ?? 'lstm', ['lstm', 'gru'] as const);
    const seed = checkInteger('options.seed', options.seed ?? 0, 0, 0xffffffff);
    const Cell = cell === 'lstm' ? LSTM : GRU;
    this.sourceEmbedding = this.registerModule('source_embedding', new Embedding(runtime, { numEmbeddings: S, embeddingDim: E, seed, name: 'source_embedding' }));
    this.encoder = this.registerModule('encoder', new Cell(runtime, { inputSize: E, hiddenSize: H, numLayers, init: { seed: seed + 1 }, name: 'encoder' }));
    this.targetEmbedding = this.registerModule('target_embedding', new Embedding(runtime, { numEmbeddings: this.targetVocabularySize, embeddingDim: E, seed: seed + 2, name: 'target_embedding' }));
    this.decoder = this.registerModule('decoder', new Cell(runtime, { inputSize: E, hiddenSize: H, numLayers, init: { seed: seed + 3 }, name: 'decoder' }));
    this.head = this.registerModule('head', new Linear(runtime, { inFeatures: H, outFeatures: this.targetVocabularySize, seed: seed + 4, name: 'head' }));
  }

  /** The encoder's final state for each source (at its length). */
  encode(source: SourceBatch): RecurrentState {
    const tokens = this.sourceTensor(source);
    const state = this.encodeTokens(tokens, source.lengths);
    tokens.dispose();
    return state;
  }

  private sourceTensor(source: SourceBatch): Tensor<'i32'> {
    return Tensor.from(this.runtime, source.tokens, [source.steps, source.lengths.length], 'i32', 'seq2seq.source');
  }

  /** tokens stay alive until the tape's backward has run (the embedding reads them there). */
  private encodeTokens(tokens: Tensor<'i32'>, lengths: number[], tape?: Tape): RecurrentState {
    const x = this.sourceEmbedding.forward(tokens, tape);
    const { output, h, c } = this.encoder.forward(x, { lengths, ...(tape ? { tape } : {}) });
    if (!tape) for (const t of [x, output]) t.dispose();
    return { h, c };
  }

  /** The decoder as a token model: logits for target ids from a state. */
  decoderModel(): TokenModel {
    return {
      vocabularySize: this.targetVocabularySize,
      step: (tokens, state) => this.decode(tokens, state),
      stateShape: (sequences) => ({ h: this.decoder.stateShape(sequences), cell: this.decoder.variant.hasCellState }),
    };
  }

  private decode(tokens: Tensor, state: RecurrentState | null, tape?: Tape): { logits: Tensor<'f32'>; state: RecurrentState } {
    checkTensor('tokens', tokens, this.runtime, { dtype: 'i32', rank: 2 });
    const y = this.targetEmbedding.forward(tokens, tape);
    const { output, h, c } = this.decoder.forward(y, { ...stateInputs(state), ...(tape ? { tape } : {}) });
    const logits = this.head.forward(output, tape);
    if (!tape) for (const t of [y, output]) t.dispose();
    return { logits, state: { h, c } };
  }

  /**
   * Teacher forcing: the decoder reads BOS + target and predicts target + EOS; the mean
   * cross-entropy over real tokens (padding ignored) is returned and its gradients added.
   */
  trainBatch(sources: readonly ArrayLike<number>[], targets: readonly ArrayLike<number>[]): Tensor<'f32'> {
    if (!Array.isArray(targets) || targets.length !== sources.length) throw new ArgumentError('targets', `${sources.length} sequences, one per source`, describe(targets));
    const source = padSequences(sources, 0, 'sources');
    const N = sources.length;
    const U = Math.max(...targets.map((t) => t.length)) + 1;
    const input = new Int32Array(U * N).fill(this.eos);
    const expected = new Int32Array(U * N).fill(-100);
    targets.forEach((target, n) => {
      input[n] = this.bos;
      for (let u = 0; u < target.length; u++) {
        input[(u + 1) * N + n] = target[u]!;
        expected[u * N + n] = target[u]!;
      }
      expected[target.length * N + n] = this.eos;
    });
    const tape = new Tape(this.runtime);
    const sourceTokens = this.sourceTensor(source);
    const state = this.encodeTokens(sourceTokens, source.lengths, tape);
    const inputTensor = Tensor.from(this.runtime, input, [U, N], 'i32', 'seq2seq.decoder_input');
    const targetTensor = Tensor.from(this.runtime, expected, [U, N], 'i32', 'seq2seq.targets');
    const { logits } = this.decode(inputTensor, state, tape);
    const { loss } = softmaxCrossEntropy(logits, targetTensor, { tape, ignoreIndex: -100 });
    tape.backward(loss);
    tape.keep(loss);
    tape.dispose();
    for (const t of [sourceTokens, inputTensor, targetTensor]) t.dispose();
    return loss;
  }

  /** Greedy decoding (up to maxLength tokens, cut at EOS). */
  async greedy(sources: readonly ArrayLike<number>[], maxLength: number): Promise<number[][]> {
    const state = this.encode(padSequences(sources, 0, 'sources'));
    try {
      const out = await generate(this.runtime, this.decoderModel(), { prompt: new Array<number>(sources.length).fill(0).map(() => [this.bos]), length: maxLength, temperature: 0, state });
      return out.map((tokens) => {
        const end = Array.from(tokens).indexOf(this.eos);
        return Array.from(end < 0 ? tokens : tokens.subarray(0, end));
      });
    } finally {
      disposeState(state);
    }
  }

  /** Beam search decoding: the best hypothesis per source by length-normalised score. */
  async beam(sources: readonly ArrayLike<number>[], options: { width: number; maxLength: number; alpha?: number }): Promise<number[][]> {
    const state = this.encode(padSequences(sources, 0, 'sources'));
    try {
      const best = await beamSearch(this.runtime, this.decoderModel(), { start: this.bos, width: options.width, maxLength: options.maxLength, eos: this.eos, alpha: options.alpha ?? 1, state });
      return best.map((b) => Array.from(b.tokens));
    } finally {
      disposeState(state);
    }
  }
}
