/**
 * A character-level language model: Embedding → stacked LSTM (or GRU) → optional layer
 * norm → Linear to vocabulary logits, trained with the fused softmax cross-entropy and
 * truncated BPTT (the state carried from one window to the next).
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor, checkTensor } from '../tensor.js';
import { ArgumentError, checkBoolean, checkInteger, checkOneOf, describe } from '../errors.js';
import { Embedding } from '../layers/embedding.js';
import { Linear } from '../layers/linear.js';
import { LayerNorm } from '../layers/layer-norm.js';
import { softmaxCrossEntropy } from '../layers/cross-entropy.js';
import { GRU, LSTM } from '../recurrent/modules.js';
import type { RecurrentNetwork } from '../recurrent/network.js';
import { parameterShapes } from '../recurrent/init.js';
import { Tape } from '../autograd/tape.js';
import type { Parameter } from '../train/parameter.js';
import type { StateDict } from '../core/types.js';
import type { Checkpointable } from '../train/checkpoint.js';
import { disposeState, type RecurrentState, type TokenModel } from '../generate/token-model.js';
import type { TokenWindow } from '../data/batches.js';
import type { Optimizer } from '../train/optimizers.js';
import { clipGradientNorm } from '../train/gradients.js';

export interface CharLanguageModelConfig {
  vocabularySize: number;
  embeddingDim: number;
  hiddenSize: number;
  numLayers: number;
  cell: 'lstm' | 'gru';
  dropout: number;
  layerNorm: boolean;
  seed: number;
}

export type CharLanguageModelOptions = Pick<CharLanguageModelConfig, 'vocabularySize' | 'hiddenSize'> & Partial<CharLanguageModelConfig>;

export class CharLanguageModel implements TokenModel, Checkpointable {
  readonly config: CharLanguageModelConfig;
  readonly embedding: Embedding;
  readonly network: RecurrentNetwork;
  readonly norm: LayerNorm | null;
  readonly head: Linear;

  constructor(readonly runtime: Runtime, options: CharLanguageModelOptions) {
    if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an object', describe(options));
    const hiddenSize = checkInteger('options.hiddenSize', options.hiddenSize, 1);
    this.config = {
      vocabularySize: checkInteger('options.vocabularySize', options.vocabularySize, 1),
      embeddingDim: checkInteger('options.embeddingDim', options.embeddingDim ?? Math.min(64, hiddenSize), 1),
      hiddenSize,
      numLayers: checkInteger('options.numLayers', options.numLayers ?? 1, 1),
      cell: checkOneOf('options.cell', options.cell ?? 'lstm', ['lstm', 'gru'] as const),
      dropout: options.dropout ?? 0,
      layerNorm: checkBoolean('options.layerNorm', options.layerNorm ?? false),
      seed: checkInteger('options.seed', options.seed ?? 0, 0, 0xffffffff),
    };
    const { vocabularySize: V, embeddingDim: E, numLayers, dropout, seed } = this.config;
    this.embedding = new Embedding(runtime, { numEmbeddings: V, embeddingDim: E, seed, name: 'embedding' });
    const Cell = this.config.cell === 'lstm' ? LSTM : GRU;
    this.network = new Cell(runtime, { inputSize: E, hiddenSize, numLayers, dropout, dropoutSeed: seed, init: { seed: seed + 1 } });
    this.norm = this.config.layerNorm ? new LayerNorm(runtime, { features: hiddenSize, name: 'norm' }) : null;
    this.head = new Linear(runtime, { inFeatures: hiddenSize, outFeatures: V, seed: seed + 2, name: 'head' });
  }

  get vocabularySize(): number {
    return this.config.vocabularySize;
  }

  parameters(): Parameter[] {
    return [...this.embedding.parameters(), ...this.network.parameters(), ...(this.norm?.parameters() ?? []), ...this.head.parameters()];
  }

  /** Logits [T, N, V] for ids [T, N]; optionally on a tape. */
  logits(tokens: Tensor, state: RecurrentState | null, tape?: Tape): { logits: Tensor<'f32'>; state: RecurrentState } {
    checkTensor('tokens', tokens, this.runtime, { dtype: 'i32', rank: 2 });
    const x = this.embedding.forward(tokens, tape);
    const { output, h, c } = this.network.forward(x, { ...(state ? { h0: state.h, ...(state.c ? { c0: state.c } : {}) } : {}), ...(tape ? { tape } : {}) });
    const normed = this.norm ? this.norm.forward(output, tape) : output;
    const logits = this.head.forward(normed, tape);
    if (!tape) for (const t of new Set([x, output, normed])) t.dispose();
    return { logits, state: { h, c } };
  }

  step(tokens: Tensor<'i32'>, state: RecurrentState | null): { logits: Tensor<'f32'>; state: RecurrentState } {
    return this.logits(tokens, state, undefined);
  }

  /**
   * One truncated-BPTT window: mean cross-entropy of predicting `targets` [T, B] from
   * `tokens` [T, B], and its gradients added to the parameters' (call zeroGradients and an
   * optimizer around it). Returns the loss and the state to carry into the next window.
   */
  trainWindow(tokens: Tensor, targets: Tensor, state: RecurrentState | null): { loss: Tensor<'f32'>; state: RecurrentState } {
    checkTensor('targets', targets, this.runtime, { dtype: 'i32', rank: 2 });
    if (targets.shape.join() !== tokens.shape.join()) throw new ArgumentError('targets', `shape ${describe(tokens.shape)} like tokens`, `shape ${describe(targets.shape)}`);
    const tape = new Tape(this.runtime);
    const { logits, state: after } = this.logits(tokens, state, tape);
    const { loss } = softmaxCrossEntropy(logits, targets, { tape });
    tape.backward(loss);
    tape.keep(loss);
    tape.keep(after.h);
    if (after.c) tape.keep(after.c);
    tape.dispose();
    return { loss, state: after };
  }

  /**
   * One optimizer step of truncated BPTT on a stream window: the carried state (given up
   * here) restarts at the epoch's first window; gradients are zeroed, clipped to norm
   * `clip` and applied. Returns the loss in nats and the state to carry to the next window.
   */
  async trainStep(window: TokenWindow, carried: RecurrentState | null, optimizer: Optimizer, clip: number): Promise<{ loss: number; state: RecurrentState }> {
    const start = window.index === 0 ? null : carried;
    if (start === null) disposeState(carried);
    const shape = [window.steps, window.batch];
    const tokens = Tensor.from(this.runtime, window.input, shape, 'i32', 'window.input');
    const targets = Tensor.from(this.runtime, window.target, shape, 'i32', 'window.target');
    optimizer.zeroGradients();
    const { loss, state } = this.trainWindow(tokens, targets, start);
    clipGradientNorm(this.runtime, optimizer.parameters, clip).dispose();
    optimizer.update();
    disposeState(start);
    const value = (await loss.read())[0]!;
    for (const t of [tokens, targets, loss]) t.dispose();
    return { loss: value, state };
  }

  /** Mean cross-entropy (nats) of `targets` given `tokens`, without gradients. */
  evaluateWindow(tokens: Tensor, targets: Tensor, state: RecurrentState | null): { loss: Tensor<'f32'>; state: RecurrentState } {
    const { logits, state: after } = this.logits(tokens, state);
    const { loss, gradient } = softmaxCrossEntropy(logits, targets);
    gradient?.dispose();
    logits.dispose();
    return { loss, state: after };
  }

  /** Entries `embedding.*`, `rnn.*` (PyTorch's LSTM/GRU names), `norm.*`, `head.*`. */
  async stateDict(): Promise<StateDict> {
    const parts: [string, Checkpointable][] = [['embedding', this.embedding], ['rnn', this.network], ...(this.norm ? [['norm', this.norm] as [string, Checkpointable]] : []), ['head', this.head]];
    const dict: StateDict = {};
    for (const [prefix, part] of parts) for (const [key, value] of Object.entries(await part.stateDict())) dict[`${prefix}.${key}`] = value;
    return dict;
  }

  /** Every entry stateDict() gives, with its shape. */
  expectedShapes(): [string, number[]][] {
    const { vocabularySize: V, embeddingDim: E, hiddenSize: H } = this.config;
    return [
      ['embedding.weight', [V, E]],
      ...parameterShapes(this.network.config, this.network.dims).map(([key, shape]): [string, number[]] => [`rnn.${key}`, shape]),
      ...(this.norm ? ([['norm.weight', [H]], ['norm.bias', [H]]] as [string, number[]][]) : []),
      ['head.weight', [V, H]],
      ['head.bias', [V]],
    ];
  }

  /** Checks every entry first, so a bad dict changes nothing. */
  loadStateDict(dict: StateDict): void {
    for (const [key, shape] of this.expectedShapes()) {
      const entry = dict[key];
      if (!entry || entry.shape.join() !== shape.join()) throw new ArgumentError(`stateDict["${key}"]`, `shape ${describe(shape)}`, entry ? `shape ${describe(entry.shape)}` : 'no such entry');
    }
    const part = (prefix: string): StateDict =>
      Object.fromEntries(Object.entries(dict).filter(([k]) => k.startsWith(`${prefix}.`)).map(([k, v]) => [k.slice(prefix.length + 1), v]));
    this.embedding.loadStateDict(part('embedding'));
    this.network.loadStateDict(part('rnn'));
    this.norm?.loadStateDict(part('norm'));
    this.head.loadStateDict(part('head'));
  }

  dispose(): void {
    this.embedding.dispose();
    this.network.dispose();
    this.norm?.dispose();
    this.head.dispose();
  }
}
