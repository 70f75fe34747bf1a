/**
 * The lectures' vanishing-gradient experiment with this engine's numbers: a character model
 * of each cell, the same size, trained on the same text; ‖∂L/∂h_t‖ back through time for
 * the loss of the last character, at initialisation and after training, with or without
 * gradient clipping. The demo page, the benchmark and `webgpu-rnn analyze` share it.
 */
import type { Runtime } from '../runtime/runtime.js';
import { ArgumentError, checkInteger, describe } from '../errors.js';
import { CharLanguageModel, type CharLanguageModelConfig } from '../models/char-lm.js';
import { lastStepGradients } from '../models/char-lm-analysis.js';
import { Adam } from '../train/optimizers.js';
import { StreamBatches } from '../data/batches.js';
import { disposeState } from '../core/state.js';
import type { RecurrentState } from '../core/types.js';

/** A cell of the comparison, as a character model's options. */
export interface FlowCell {
  label: string;
  cell: CharLanguageModelConfig['cell'];
  nonlinearity?: CharLanguageModelConfig['nonlinearity'];
  recurrentInit?: CharLanguageModelConfig['recurrentInit'];
  forgetBias?: number;
}

/** The lectures' four: Elman with tanh, Elman with relu and identity init (IRNN), LSTM, GRU. */
export const TEXTBOOK_CELLS: readonly FlowCell[] = [
  { label: 'RNN (tanh)', cell: 'rnn', nonlinearity: 'tanh' },
  { label: 'RNN (relu, identity init)', cell: 'rnn', nonlinearity: 'relu', recurrentInit: 'identity' },
  { label: 'LSTM (forget bias 1)', cell: 'lstm', forgetBias: 1 },
  { label: 'GRU', cell: 'gru' },
];

export interface GradientFlowOptions {
  hiddenSize?: number;
  /** Steps back through time that the gradient is followed (the probe sequences' length). */
  steps?: number;
  /** Probe sequences, and the batch of training. */
  batch?: number;
  trainSteps?: number;
  /** Clip the gradient norm to this during training; null: no clipping. */
  clip?: number | null;
  learningRate?: number;
  seed?: number;
}

export interface GradientFlowResult {
  cell: FlowCell;
  /** ‖∂L/∂h_t‖ for t = 0 … steps − 1 (the loss is at the last step), at initialisation. */
  initial: Float64Array;
  /** The same after training. */
  trained: Float64Array;
  /** Training loss (bits per character) at each step. */
  losses: number[];
}

/** Largest finite clip threshold: "no clipping" for the clip kernel. */
const NO_CLIP = 3.4e38;

/**
 * Runs the experiment for one cell on `ids` (a tokenised text of `vocabularySize` symbols).
 * `onStep` sees each training step's loss in bits per character; returning false stops early.
 */
export async function gradientFlow(runtime: Runtime, ids: Int32Array, vocabularySize: number, cell: FlowCell, options: GradientFlowOptions = {}, onStep?: (step: number, bits: number) => boolean | void): Promise<GradientFlowResult> {
  const hiddenSize = checkInteger('options.hiddenSize', options.hiddenSize ?? 64, 1);
  const steps = checkInteger('options.steps', options.steps ?? 64, 2);
  const batch = checkInteger('options.batch', options.batch ?? 8, 1);
  const trainSteps = checkInteger('options.trainSteps', options.trainSteps ?? 100, 0);
  const clip = options.clip === undefined ? 1 : options.clip;
  if (clip !== null && !(typeof clip === 'number' && clip > 0 && Number.isFinite(clip))) throw new ArgumentError('options.clip', 'a positive number, or null for no clipping', describe(clip));
  if (ids.length < batch * (steps + 1) + 1) throw new ArgumentError('ids', `at least ${batch * (steps + 1) + 1} tokens for ${batch} sequences of ${steps + 1}`, `${ids.length}`);
  const seed = options.seed ?? 1;
  const model = new CharLanguageModel(runtime, { vocabularySize, hiddenSize, embeddingDim: Math.min(32, hiddenSize), seed, cell: cell.cell, nonlinearity: cell.nonlinearity ?? 'tanh', recurrentInit: cell.recurrentInit ?? 'uniform', forgetBias: cell.forgetBias ?? 0 });
  const optimizer = new Adam(runtime, model.parameters(), { lr: options.learningRate ?? 0.01 });
  // Probes: evenly spaced windows of steps + 1 characters.
  const stride = Math.floor((ids.length - steps - 1) / batch);
  const probes = Array.from({ length: batch }, (_, b) => ids.subarray(b * stride, b * stride + steps + 1));
  const batches = new StreamBatches(ids, { batch, steps });
  let carried: RecurrentState | null = null;
  const losses: number[] = [];
  try {
    const initial = (await lastStepGradients(model, probes)).norms(0);
    for (let step = 0; step < trainSteps; step++) {
      const result = await model.trainStep(batches.window(step), carried, optimizer, clip ?? NO_CLIP);
      carried = result.state;
      losses.push(result.loss / Math.LN2);
      if (onStep?.(step, result.loss / Math.LN2) === false) break;
    }
    const trained = (await lastStepGradients(model, probes)).norms(0);
    return { cell, initial, trained, losses };
  } finally {
    disposeState(carried);
    optimizer.dispose();
    model.dispose();
  }
}

/** ‖∂L/∂h_{T−1−k}‖ / ‖∂L/∂h_{T−1}‖ for k steps back: how much of the gradient survives. */
export function survivingFraction(norms: Float64Array, stepsBack: number): number {
  const last = norms.length - 1;
  return norms[last - stepsBack]! / norms[last]!;
}
