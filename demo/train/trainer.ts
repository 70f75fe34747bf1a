/**
 * A character model being trained on the page: the model, Adam, the hidden state carried
 * from one window to the next (truncated BPTT), the data split and the loss history. The
 * same pieces as the command line's run, so its checkpoints are the command line's.
 */
import { Adam, CharLanguageModel, CharVocabulary, StreamBatches, disposeState, generate, splitStream, unigramBitsPerToken, type CharLanguageModelConfig, type RecurrentState, type Runtime } from '../../src/index.js';
import type { Corpus } from './corpora.js';

/** What the form sets: the model, the optimizer and the batches. */
export interface TrainSettings {
  cell: CharLanguageModelConfig['cell'];
  hidden: number;
  layers: number;
  embedding: number;
  lr: number;
  window: number;
  batch: number;
  clip: number;
  seed: number;
}

/** The command line's history: training losses in nats, validation in bits per character. */
export interface History {
  losses: number[];
  validation: { step: number; bitsPerCharacter: number }[];
  unigramBitsPerCharacter: number;
}

/** Validation windows per evaluation, as the command line's --eval-windows default. */
const EVAL_WINDOWS = 8;

export class Trainer {
  readonly batches: StreamBatches;
  readonly validationBatches: StreamBatches;
  readonly optimizer: Adam;
  carried: RecurrentState | null = null;
  step = 0;
  history: History;
  /** The train options of the checkpoint this run was loaded from (its checkpoints keep them). */
  loadedOptions: Record<string, unknown> | null = null;

  /** Takes ownership of `model`; `vocabulary` may come from a checkpoint (then the corpus must fit in it). */
  constructor(
    readonly runtime: Runtime,
    readonly corpus: Corpus,
    readonly settings: TrainSettings,
    readonly vocabulary: CharVocabulary,
    readonly model: CharLanguageModel,
  ) {
    const { batch: B, window: T } = settings;
    const ids = vocabulary.encode(corpus.text, `the ${corpus.name} text (in this vocabulary)`);
    const { train, validation } = splitStream(ids, corpus.validation);
    this.batches = new StreamBatches(train, { batch: B, steps: T });
    // As many validation lanes as fit, up to the batch: a short held-out part still gets a window.
    this.validationBatches = new StreamBatches(validation, { batch: Math.min(B, Math.max(1, Math.floor((validation.length - 1) / T))), steps: T });
    this.optimizer = new Adam(runtime, model.parameters(), { lr: settings.lr });
    this.history = { losses: [], validation: [], unigramBitsPerCharacter: unigramBitsPerToken(train, validation, vocabulary.size) };
  }

  /** A fresh model for `corpus`, its vocabulary the corpus's characters. */
  static create(runtime: Runtime, corpus: Corpus, settings: TrainSettings): Trainer {
    const vocabulary = CharVocabulary.fromText(corpus.text);
    const model = new CharLanguageModel(runtime, {
      vocabularySize: vocabulary.size,
      hiddenSize: settings.hidden,
      embeddingDim: settings.embedding,
      numLayers: settings.layers,
      cell: settings.cell,
      seed: settings.seed,
    });
    try {
      return new Trainer(runtime, corpus, settings, vocabulary, model);
    } catch (error) {
      model.dispose();
      throw error;
    }
  }

  /** Training characters per step. */
  get tokensPerStep(): number {
    return this.settings.batch * this.settings.window;
  }

  /** Epochs of training text seen. */
  get epoch(): number {
    return this.step / this.batches.windowsPerEpoch;
  }

  /** One optimizer step on the next window; the loss in bits per character. */
  async trainStep(): Promise<{ bitsPerCharacter: number; gradientNorm: number; skipped: boolean }> {
    const result = await this.model.trainStep(this.batches.window(this.step), this.carried, this.optimizer, this.settings.clip);
    this.carried = result.state;
    this.history.losses.push(result.loss);
    this.step++;
    return { bitsPerCharacter: result.loss / Math.LN2, gradientNorm: result.gradientNorm, skipped: result.skipped };
  }

  /** Mean loss on the held-out text's first windows, in bits per character; recorded in the history. */
  async validate(): Promise<number> {
    const bitsPerCharacter = await this.model.evaluateStream(this.validationBatches, EVAL_WINDOWS);
    this.history.validation = [...this.history.validation.filter((v) => v.step !== this.step), { step: this.step, bitsPerCharacter }];
    return bitsPerCharacter;
  }

  /** A sample of `length` characters after the corpus's primer. */
  async sample(temperature: number, length: number): Promise<string> {
    const prompt = this.vocabulary.encode(this.corpus.primer, 'the primer');
    const [tokens] = await generate(this.runtime, this.model, { prompt, length, temperature, seed: this.settings.seed + this.step });
    return this.vocabulary.decode(tokens!);
  }

  dispose(): void {
    disposeState(this.carried);
    this.carried = null;
    this.optimizer.dispose();
    this.model.dispose();
  }
}
