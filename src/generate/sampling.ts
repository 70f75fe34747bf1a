/**
 * Generation on the GPU: prime with a prompt, then repeatedly choose the next token
 * (greedy, temperature, top-k) and feed it back, with no read-back until the end. Many
 * samples are drawn at once as rows of one batch; a seed fixes every draw.
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor } from '../tensor.js';
import { ArgumentError, checkInteger, describe } from '../errors.js';
import { samplingKernel } from '../kernels/sampling.js';
import { checkGivenState, checkTokenModel, disposeState, type RecurrentState, type TokenModel } from './token-model.js';

export interface SamplingOptions {
  /** 0 for greedy decoding; otherwise p ∝ exp(logit / temperature). Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens (0: all). Default 0. */
  topK?: number;
  /** Fixes every draw: the same seed, model and prompt give the same text. Default 0. */
  seed?: number;
}

export interface GenerateOptions extends SamplingOptions {
  /**
   * Token ids to prime with: one prompt for every sample, or one per sample (all of one
   * length). At least one token: the first generated token follows the prompt's last.
   */
  prompt: ArrayLike<number> | ArrayLike<number>[];
  /** Samples when one prompt is given (default 1). */
  samples?: number;
  /** Tokens to generate after the prompt. */
  length: number;
  /** Start from this state (e.g. an encoder's) instead of zeros; it is not consumed. */
  state?: RecurrentState;
}

export interface SamplingCall extends Required<SamplingOptions> {
  logits: GPUBuffer;
  logitsOffset: number;
  rows: number;
  classes: number;
  next: GPUBuffer;
  sequence: GPUBuffer;
  step: number;
}

export function checkSamplingOptions(options: SamplingOptions): Required<SamplingOptions> {
  const temperature = options.temperature ?? 1;
  if (typeof temperature !== 'number' || !(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new ArgumentError('options.temperature', 'a finite number ≥ 0 (0: greedy)', describe(options.temperature));
  }
  return {
    temperature,
    topK: checkInteger('options.topK', options.topK ?? 0, 0),
    seed: checkInteger('options.seed', options.seed ?? 0, 0, 0xffffffff),
  };
}

/** Records one choice of the next token for `rows` rows of logits. */
export function encodeSampling(runtime: Runtime, call: SamplingCall): void {
  const { logits, next, sequence, ...sizes } = call;
  runtime.launch(samplingKernel, sizes, { logits, next, sequence });
}

/** Prompts as one [P, N] time-major block, checked against the vocabulary. */
export function promptBlock(prompt: GenerateOptions['prompt'], samples: number, vocabularySize: number): { ids: Int32Array; steps: number; rows: number } {
  if (!isArrayLike(prompt)) throw new ArgumentError('options.prompt', 'token ids, or a list of prompts of token ids', describe(prompt));
  const list = isPromptList(prompt) ? prompt : Array.from({ length: samples }, () => prompt);
  if (list.length === 0) throw new ArgumentError('options.prompt', 'at least one prompt', 'an empty list');
  const steps = list[0]!.length;
  if (steps < 1) throw new ArgumentError('options.prompt', 'at least one token', 'an empty prompt');
  const rows = list.length;
  const ids = new Int32Array(steps * rows);
  list.forEach((p, n) => {
    // A list's entries are prompts: a number or null among them is a mistake, not a token.
    if (!isArrayLike(p)) throw new ArgumentError(`options.prompt[${n}]`, `a prompt of ${steps} token ids, like prompt 0`, describe(p));
    if (p.length !== steps) throw new ArgumentError(`options.prompt[${n}]`, `${steps} tokens, like prompt 0`, `${p.length} tokens`);
    for (let t = 0; t < steps; t++) {
      const id = p[t]!;
      if (!Number.isInteger(id) || id < 0 || id >= vocabularySize) throw new ArgumentError(`options.prompt${isPromptList(prompt) ? `[${n}]` : ''}[${t}]`, `a token id in [0, ${vocabularySize})`, describe(id));
      ids[t * rows + n] = id;
    }
  });
  return { ids, steps, rows };
}

function isPromptList(prompt: GenerateOptions['prompt']): prompt is ArrayLike<number>[] {
  return Array.isArray(prompt) && prompt.length > 0 && isArrayLike(prompt[0]);
}

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return typeof value === 'string' || (value !== null && typeof value === 'object' && typeof (value as ArrayLike<unknown>).length === 'number');
}

/** Generates `length` tokens per sample; resolves to one Int32Array per sample. */
export async function generate(runtime: Runtime, model: TokenModel, options: GenerateOptions): Promise<Int32Array[]> {
  checkTokenModel(model);
  if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an object', describe(options));
  const sampling = checkSamplingOptions(options);
  const length = checkInteger('options.length', options.length, 1);
  const samples = checkInteger('options.samples', options.samples ?? 1, 1);
  const V = model.vocabularySize;
  const { ids, steps, rows } = promptBlock(options.prompt, samples, V);
  if (options.samples !== undefined && samples !== rows) {
    throw new ArgumentError('options.samples', `nothing, or ${rows}: one sample per prompt of the list`, String(samples));
  }
  // Null, like absent, starts from zeros.
  if (options.state !== undefined && options.state !== null) checkGivenState(runtime, 'options.state', options.state, model, rows);

  const prompt = Tensor.from(runtime, ids, [steps, rows], 'i32', 'generate.prompt');
  const next = Tensor.empty(runtime, [1, rows], 'i32', 'generate.next');
  const sequence = Tensor.empty(runtime, [length, rows], 'i32', 'generate.sequence');
  let { logits, state } = model.step(prompt, options.state ?? null);
  prompt.dispose();
  try {
    for (let step = 0; step < length; step++) {
      encodeSampling(runtime, {
        ...sampling,
        logits: logits.buffer,
        logitsOffset: (logits.shape[0]! - 1) * rows * V,
        rows,
        classes: V,
        next: next.buffer,
        sequence: sequence.buffer,
        step,
      });
      logits.dispose();
      if (step === length - 1) break;
      const stepped = model.step(next, state);
      disposeState(state);
      ({ logits, state } = stepped);
    }
    const tokens = await sequence.read();
    return Array.from({ length: rows }, (_, n) => Int32Array.from({ length }, (_, t) => tokens[t * rows + n]!));
  } finally {
    logits.dispose();
    disposeState(state);
    next.dispose();
    sequence.dispose();
  }
}
