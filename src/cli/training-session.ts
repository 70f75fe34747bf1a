/**
 * The GPU side of a training run on one runtime: the model, Adam and the carried TBPTT
 * state, built fresh or from a checkpoint's tensors. A run that loses its device builds a
 * new session on a new runtime from an in-memory snapshot (the same bytes as a checkpoint).
 */
import type { Runtime } from '../runtime/runtime.js';
import { Adam } from '../train/optimizers.js';
import { loadCheckpoint, saveCheckpoint } from '../train/checkpoint.js';
import { CharLanguageModel } from '../models/char-lm.js';
import { decodeSafetensors } from '../io/safetensors.js';
import { disposeState, type RecurrentState } from '../generate/token-model.js';
import { OptionError, type TrainOptions } from './options.js';
import { CHECKPOINT_FORMAT, carriedStateCheckpoint } from './run-checkpoint.js';

/** What a session restores from: a checkpoint's safetensors bytes and the JSON fields they need. */
export interface SessionState {
  tensors: Uint8Array;
  /** Whether a carried state was saved (false before the first step). */
  carriedState: boolean;
  dropoutCalls: number;
}

/**
 * Fails before any work when the model's largest tensors pass the device's buffer limit
 * (they would fail at the first step otherwise), naming the options to lower.
 */
export function checkDeviceFits(runtime: Runtime, options: TrainOptions, vocabularySize: number): void {
  const rows = options.seqLength * options.batch;
  const gates = options.cell === 'lstm' ? 4 : 3;
  const limit = Math.min(runtime.limits.maxStorageBufferBindingSize, runtime.limits.maxBufferSize);
  const largest: [what: string, bytes: number, lower: string][] = [
    ['the logits [seq-length · batch, vocabulary]', rows * vocabularySize * 4, '--batch or --seq-length'],
    ['the gate pre-activations [seq-length · batch, gates · hidden]', rows * gates * options.hidden * 4, '--batch, --seq-length or --hidden'],
    ['a recurrent weight matrix [gates · hidden, hidden]', gates * options.hidden * Math.max(options.hidden, options.embedding) * 4, '--hidden'],
  ];
  for (const [what, bytes, lower] of largest) {
    if (bytes > limit) throw new OptionError(`${lower}: ${what} would take ${bytes.toLocaleString('en-US')} bytes, more than this device's buffer limit of ${limit.toLocaleString('en-US')} bytes`);
  }
}

export class TrainingSession {
  readonly model: CharLanguageModel;
  readonly optimizer: Adam;
  carried: RecurrentState | null = null;
  private readonly carriedPart;

  constructor(readonly runtime: Runtime, options: TrainOptions, vocabularySize: number, restore: SessionState | null) {
    this.model = new CharLanguageModel(runtime, {
      vocabularySize,
      embeddingDim: options.embedding,
      hiddenSize: options.hidden,
      numLayers: options.layers,
      cell: options.cell,
      dropout: options.dropout,
      outputNorm: options.outputNorm,
      layerNorm: options.layerNorm,
      heads: options.heads,
      zoneout: options.zoneout,
      recurrentDropout: { p: options.recurrentDropout, perSequence: options.recurrentDropoutPerSequence },
      seed: options.seed,
    });
    this.optimizer = new Adam(runtime, this.model.parameters(), { lr: options.lr });
    this.carriedPart = carriedStateCheckpoint(() => this.carried, (s) => (this.carried = s), [options.layers, options.batch, options.hidden], runtime, options.cell === 'lstm');
    if (!restore) return;
    try {
      loadCheckpoint(restore.tensors, { model: this.model, state: this.carriedPart }, this.optimizer);
    } catch (error) {
      this.dispose();
      throw error;
    }
    if (!restore.carriedState) this.replaceCarried(null);
    this.model.network.dropoutCalls = restore.dropoutCalls;
  }

  /** Takes ownership of `state` as the state the next step starts from. */
  replaceCarried(state: RecurrentState | null): void {
    if (state !== this.carried) disposeState(this.carried);
    this.carried = state;
  }

  /**
   * Weights, Adam state and carried state as a checkpoint's safetensors bytes. Refuses
   * non-finite weights or optimizer state, so that no checkpoint ever holds NaN.
   */
  async tensors(): Promise<Uint8Array> {
    const bytes = await saveCheckpoint({ model: this.model, state: this.carriedPart }, this.optimizer, { format: CHECKPOINT_FORMAT });
    for (const [name, { data }] of Object.entries(decodeSafetensors(bytes).tensors)) {
      const at = Array.prototype.findIndex.call(data, (v: number) => !Number.isFinite(v));
      if (at >= 0) throw new Error(`refusing to write a checkpoint: ${name}[${at}] is ${data[at]}`);
    }
    return bytes;
  }

  dispose(): void {
    this.replaceCarried(null);
    this.optimizer.dispose();
    this.model.dispose();
  }
}
