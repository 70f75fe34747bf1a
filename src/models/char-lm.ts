/**
 * A character-level language model: Embedding → stacked LSTM (GRU, Elman RNN) → optional layer
 * norm on its output → Linear to vocabulary logits, trained with the fused softmax
 * cross-entropy and truncated BPTT (the state carried from one window to the next). The
 * options inside the recurrent cell (multi-head W_hh, in-cell layer norm, zoneout,
 * recurrent dropout) go to the recurrent network as they are.
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor, checkTensor } from '../tensor.js';
import { ArgumentError, checkBoolean, checkInteger, checkOneOf, describe } from '../errors.js';
import { Embedding } from '../layers/embedding.js';
import { Linear } from '../layers/linear.js';
import { LayerNorm } from '../layers/layer-norm.js';
import { softmaxCrossEntropy } from '../layers/cross-entropy.js';
import { GRU, LSTM, RNN } from '../recurrent/modules.js';
import type { RecurrentNetwork } from '../recurrent/network.js';
import { parseCellOptions, type CellOptions } from '../recurrent/cell-options.js';
import type { Tape } from '../autograd/tape.js';
import { Module } from '../core/module.js';
import type { RecurrentState } from '../core/types.js';
import { disposeState, stateInputs } from '../core/state.js';
import type { Checkpointable } from '../train/checkpoint.js';
import { TruncatedBPTT, type WindowLoss } from '../train/tbptt.js';
import type { TokenModel } from '../generate/token-model.js';
import type { StreamBatches, TokenWindow } from '../data/batches.js';
import type { Optimizer } from '../train/optimizers.js';
import { clipGradientNorm } from '../train/gradients.js';

export interface CharLanguageModelConfig {
  vocabularySize: number;
  embeddingDim: number;
  hiddenSize: number;
  numLayers: number;
  cell: 'lstm' | 'gru' | 'rnn';
  /** The Elman cell's nonlinearity ('tanh' for the gated cells). */
  nonlinearity: 'tanh' | 'relu';
  /** Initial recurrent weights: PyTorch's uniform, orthogonal blocks, or the identity (IRNN, Le et al.). */
  recurrentInit: 'uniform' | 'orthogonal' | 'identity';
  /** LSTM: the forget gate's initial bias (0 is PyTorch's; 1 keeps more of c early on, Jozefowicz et al.). */
  forgetBias: number;
  /** Dropout between stacked recurrent layers. */
  dropout: number;
  /** A LayerNorm (`norm.*`) on the recurrent network's output, before the output layer. */
  outputNorm: boolean;
  /** Layer normalisation inside the recurrent cell (the network's `ln_*` parameters). */
  layerNorm: boolean;
  /** ε of the in-cell layer norms. */
  layerNormEps: number;
  /** Heads of the block-diagonal recurrent matrix W_hh (a divisor of hiddenSize). */
  heads: number;
  /** Zoneout rates on h and (LSTM only) on c. */
  zoneout: { hidden: number; cell: number };
  /** Dropout on the candidate inside the recurrence; `perSequence`: one mask per sequence. */
  recurrentDropout: { p: number; perSequence: boolean };
  seed: number;
}

/** What the constructor takes: the cell options in any form the recurrent networks accept. */
export type CharLanguageModelOptions = Pick<CharLanguageModelConfig, 'vocabularySize' | 'hiddenSize'> &
  Partial<Omit<CharLanguageModelConfig, 'zoneout' | 'recurrentDropout'>> &
  Pick<CellOptions, 'zoneout' | 'recurrentDropout'>;

/** State-dict entries `embedding.*`, `rnn.*` (PyTorch's LSTM/GRU names, with `ln_*` under in-cell layer norm), `norm.*` (output norm), `head.*`. */
export class CharLanguageModel extends Module implements TokenModel, Checkpointable {
  /** A root model: its parameters are named `embedding.weight`, `rnn.l0.weight_ih`, …. */
  readonly name: string = '';
  readonly config: CharLanguageModelConfig;
  readonly embedding: Embedding;
  readonly network: RecurrentNetwork;
  /** The LayerNorm on the network's output (`outputNorm`), or null. */
  readonly norm: LayerNorm | null;
  readonly head: Linear;

  constructor(readonly runtime: Runtime, options: CharLanguageModelOptions) {
    super();
    if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an object', describe(options));
    const hiddenSize = checkInteger('options.hiddenSize', options.hiddenSize, 1);
    const vocabularySize = checkInteger('options.vocabularySize', options.vocabularySize, 1);
    const embeddingDim = checkInteger('options.embeddingDim', options.embeddingDim ?? Math.min(64, hiddenSize), 1);
    const numLayers = checkInteger('options.numLayers', options.numLayers ?? 1, 1);
    const cell = checkOneOf('options.cell', options.cell ?? 'lstm', ['lstm', 'gru', 'rnn'] as const);
    const nonlinearity = checkOneOf('options.nonlinearity', options.nonlinearity ?? 'tanh', ['tanh', 'relu'] as const);
    if (nonlinearity !== 'tanh' && cell !== 'rnn') throw new ArgumentError('options.nonlinearity', `'tanh' for the ${cell.toUpperCase()} cell (only the Elman cell takes 'relu')`, describe(nonlinearity));
    const forgetBias = options.forgetBias ?? 0;
    if (typeof forgetBias !== 'number' || !Number.isFinite(forgetBias)) throw new ArgumentError('options.forgetBias', 'a finite number', describe(forgetBias));
    if (forgetBias !== 0 && cell !== 'lstm') throw new ArgumentError('options.forgetBias', `0 for the ${cell.toUpperCase()} cell (only LSTM has a forget gate)`, describe(forgetBias));
    const recurrentInit = checkOneOf('options.recurrentInit', options.recurrentInit ?? 'uniform', ['uniform', 'orthogonal', 'identity'] as const);
    const dropout = options.dropout ?? 0;
    const outputNorm = checkBoolean('options.outputNorm', options.outputNorm ?? false);
    const seed = checkInteger('options.seed', options.seed ?? 0, 0, 0xffffffff);
    const inside: CellOptions = {
      ...(options.heads !== undefined ? { heads: options.heads } : {}),
      ...(options.layerNorm !== undefined ? { layerNorm: options.layerNorm } : {}),
      ...(options.layerNormEps !== undefined ? { layerNormEps: options.layerNormEps } : {}),
      ...(options.zoneout !== undefined ? { zoneout: options.zoneout } : {}),
      ...(options.recurrentDropout !== undefined ? { recurrentDropout: options.recurrentDropout } : {}),
    };
    // Checked here, before any buffer exists (the network checks them again).
    const parsed = parseCellOptions(inside, cell, hiddenSize);
    this.embedding = this.registerModule('embedding', new Embedding(runtime, { numEmbeddings: vocabularySize, embeddingDim, seed, name: 'embedding' }));
    const networkOptions = { inputSize: embeddingDim, hiddenSize, numLayers, dropout, ...inside, dropoutSeed: seed, init: { seed: seed + 1, recurrent: recurrentInit, ...(forgetBias !== 0 ? { forgetBias } : {}) }, name: 'rnn' };
    const network = cell === 'lstm' ? new LSTM(runtime, networkOptions) : cell === 'gru' ? new GRU(runtime, networkOptions) : new RNN(runtime, { ...networkOptions, nonlinearity });
    this.network = this.registerModule('rnn', network);
    const rates = parsed.rates;
    // Every field given, so that a checkpoint's JSON rebuilds the same model.
    this.config = {
      vocabularySize,
      embeddingDim,
      hiddenSize,
      numLayers,
      cell,
      nonlinearity,
      recurrentInit,
      forgetBias,
      dropout: this.network.dropout,
      outputNorm,
      layerNorm: parsed.flags.layerNorm ?? false,
      layerNormEps: parsed.layerNormEps,
      heads: parsed.flags.heads ?? 1,
      zoneout: { hidden: rates.zoneoutHidden, cell: rates.zoneoutCell },
      recurrentDropout: { p: rates.recurrentDropout, perSequence: rates.perSequence },
      seed,
    };
    this.norm = outputNorm ? this.registerModule('norm', new LayerNorm(runtime, { features: hiddenSize, name: 'norm' })) : null;
    this.head = this.registerModule('head', new Linear(runtime, { inFeatures: hiddenSize, outFeatures: vocabularySize, seed: seed + 2, name: 'head' }));
  }

  get vocabularySize(): number {
    return this.config.vocabularySize;
  }

  /** The state generation may start from, checked before any GPU work. */
  stateShape(sequences: number): { h: number[]; cell: boolean } {
    return { h: this.network.stateShape(sequences), cell: this.network.variant.hasCellState };
  }

  /** Logits [T, N, V] for ids [T, N]; optionally on a tape. */
  logits(tokens: Tensor, state: RecurrentState | null, tape?: Tape): { logits: Tensor<'f32'>; state: RecurrentState } {
    checkTensor('tokens', tokens, this.runtime, { dtype: 'i32', rank: 2 });
    const x = this.embedding.forward(tokens, tape);
    const { output, h, c } = this.network.forward(x, { ...stateInputs(state), ...(tape ? { tape } : {}) });
    const normed = this.norm ? this.norm.forward(output, tape) : output;
    const logits = this.head.forward(normed, tape);
    if (!tape) for (const t of new Set([x, output, normed])) t.dispose();
    return { logits, state: { h, c } };
  }

  step(tokens: Tensor<'i32'>, state: RecurrentState | null): { logits: Tensor<'f32'>; state: RecurrentState } {
    return this.logits(tokens, state, undefined);
  }

  /** Mean cross-entropy of predicting `targets` [T, B] from the window's tokens: TruncatedBPTT's window loss. */
  windowLoss(targets: Tensor): WindowLoss<Tensor> {
    return (tokens, state, tape) => {
      const { logits, state: after } = this.logits(tokens, state, tape);
      return { loss: softmaxCrossEntropy(logits, targets, { tape }).loss, state: after };
    };
  }

  /**
   * One truncated-BPTT window: mean cross-entropy of predicting `targets` [T, B] from
   * `tokens` [T, B], and its gradients added to the parameters' (call zeroGradients and an
   * optimizer around it). Returns the loss and the state to carry into the next window.
   */
  trainWindow(tokens: Tensor, targets: Tensor, state: RecurrentState | null): { loss: Tensor<'f32'>; state: RecurrentState } {
    checkTensor('targets', targets, this.runtime, { dtype: 'i32', rank: 2 });
    if (targets.shape.join() !== tokens.shape.join()) throw new ArgumentError('targets', `shape ${describe(tokens.shape)} like tokens`, `shape ${describe(targets.shape)}`);
    const { loss, state: after } = TruncatedBPTT.window(this.runtime, tokens, state, this.windowLoss(targets));
    return { loss: loss as Tensor<'f32'>, state: after };
  }

  /**
   * One optimizer step of truncated BPTT on a stream window: the carried state (given up
   * here) restarts at the epoch's first window; gradients are zeroed, clipped to norm
   * `clip` and applied. Returns the loss in nats, the gradient norm before clipping and the
   * state to carry to the next window. A step whose loss or gradient norm is NaN or infinite
   * is skipped (`skipped: true`): no update, so weights and optimizer state stay as they
   * were, and the state carried into it is carried on.
   */
  async trainStep(window: TokenWindow, carried: RecurrentState | null, optimizer: Optimizer, clip: number): Promise<{ loss: number; gradientNorm: number; state: RecurrentState | null; skipped: boolean }> {
    const start = window.index === 0 ? null : carried;
    if (start === null) disposeState(carried);
    const shape = [window.steps, window.batch];
    const tokens = Tensor.from(this.runtime, window.input, shape, 'i32', 'window.input');
    const targets = Tensor.from(this.runtime, window.target, shape, 'i32', 'window.target');
    optimizer.zeroGradients();
    const { loss, state } = this.trainWindow(tokens, targets, start);
    const squaredNorm = clipGradientNorm(this.runtime, optimizer.parameters, clip);
    let value: Float32Array;
    let squared: Float32Array;
    try {
      // The update waits for these two numbers; it runs with the next step's work.
      [value, squared] = await Promise.all([loss.read(), squaredNorm.read()]);
    } catch (error) {
      disposeState(state);
      throw error;
    } finally {
      for (const t of [tokens, targets, loss, squaredNorm]) t.dispose();
    }
    const result = { loss: value[0]!, gradientNorm: Math.sqrt(squared[0]!) };
    if (!Number.isFinite(result.loss) || !Number.isFinite(result.gradientNorm)) {
      disposeState(state);
      return { ...result, state: start, skipped: true };
    }
    optimizer.update();
    disposeState(start);
    return { ...result, state, skipped: false };
  }

  /**
   * Mean loss over the first `windows` windows of a stream (the state carried from one to
   * the next, from zero), in bits per character: the validation figure of the command line and the demo.
   */
  async evaluateStream(batches: StreamBatches, windows: number): Promise<number> {
    const count = Math.min(checkInteger('windows', windows, 1), batches.windowsPerEpoch);
    let state: RecurrentState | null = null;
    let total = 0;
    try {
      for (let w = 0; w < count; w++) {
        const window = batches.window(w);
        const tokens = Tensor.from(this.runtime, window.input, [batches.steps, batches.batch], 'i32');
        const targets = Tensor.from(this.runtime, window.target, [batches.steps, batches.batch], 'i32');
        const { loss, state: after } = this.evaluateWindow(tokens, targets, state);
        disposeState(state);
        state = after;
        try {
          total += (await loss.read())[0]!;
        } finally {
          for (const t of [tokens, targets, loss]) t.dispose();
        }
      }
    } finally {
      disposeState(state);
    }
    return total / count / Math.LN2;
  }

  /** Mean cross-entropy (nats) of `targets` given `tokens`, without gradients. */
  evaluateWindow(tokens: Tensor, targets: Tensor, state: RecurrentState | null): { loss: Tensor<'f32'>; state: RecurrentState } {
    const { logits, state: after } = this.logits(tokens, state);
    const { loss, gradient } = softmaxCrossEntropy(logits, targets);
    gradient?.dispose();
    logits.dispose();
    return { loss, state: after };
  }
}
