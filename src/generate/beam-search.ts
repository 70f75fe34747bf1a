/**
 * Beam search on the GPU: W beams per input, expanded and pruned by a kernel each step
 * (shaders/beam_search.wgsl), recurrent state moved with its beam by a gather, and only the
 * token and parent history read back at the end to trace the best beam of each input.
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor } from '../tensor.js';
import { ArgumentError, checkInteger, describe } from '../errors.js';
import { BEAM_WORDS, DEAD_BEAM_SCORE, MAX_BEAM_WIDTH, MAX_BLOCKED_NGRAM, beamSearchKernel } from '../kernels/beam_search.js';
import { checkGivenState, checkTokenModel, disposeState, type RecurrentState, type TokenModel } from './token-model.js';

export { MAX_BEAM_WIDTH, MAX_BLOCKED_NGRAM };

export interface BeamSearchOptions {
  /** The token each input starts from (e.g. beginning-of-sequence), one for all or one per input. */
  start: number | ArrayLike<number>;
  /** Inputs when `start` is one token and no state is given (default 1). */
  inputs?: number;
  /** Beams per input, 1 … 16 (1 is greedy decoding). */
  width: number;
  /** Most tokens to generate (the end token included). */
  maxLength: number;
  /** End-of-sequence id: a beam that emits it is finished. */
  eos?: number;
  /** Length normalisation: beams compete by log-probability / length^alpha. Default 1. */
  alpha?: number;
  /**
   * Blocks repeats: a beam never generates the same n-gram of this many tokens twice
   * (like Hugging Face's no_repeat_ngram_size), 1 … 8; 0 (default) allows repeats.
   * Character-level beam search loops on a phrase without it.
   */
  noRepeatNgram?: number;
  /** State of each input ([L·D, N, H], e.g. an encoder's); repeated for its W beams. */
  state?: RecurrentState;
}

export interface BeamHypothesis {
  /** Generated ids, without the end token. */
  tokens: Int32Array;
  /** Sum of log-probabilities (natural log), end token included. */
  logProbability: number;
  /** logProbability / length^alpha: what beams were ranked by. */
  score: number;
  finished: boolean;
}

/** The best hypothesis of each input, by normalised score. */
export async function beamSearch(runtime: Runtime, model: TokenModel, options: BeamSearchOptions): Promise<BeamHypothesis[]> {
  checkTokenModel(model);
  if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an object', describe(options));
  const W = checkInteger('options.width', options.width, 1, MAX_BEAM_WIDTH);
  const maxLength = checkInteger('options.maxLength', options.maxLength, 1);
  const V = model.vocabularySize;
  const eos = options.eos === undefined ? -1 : checkInteger('options.eos', options.eos, 0, V - 1);
  const alpha = options.alpha ?? 1;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha < 0) throw new ArgumentError('options.alpha', 'a finite number ≥ 0', describe(options.alpha));
  const noRepeatNgram = checkInteger('options.noRepeatNgram', options.noRepeatNgram ?? 0, 0, MAX_BLOCKED_NGRAM);
  const starts = startTokens(runtime, model, options);
  const N = starts.length;

  const R = N * W;
  // Beam states (score, length, finished) as the kernel's Beam structs, [R, 3] words; beam 0 of each input starts alive.
  const start = new Uint32Array(R * BEAM_WORDS);
  const startScores = new Float32Array(start.buffer);
  for (let r = 0; r < R; r++) startScores[r * BEAM_WORDS] = r % W === 0 ? 0 : DEAD_BEAM_SCORE;
  const beams = [Tensor.from(runtime, start, [R, BEAM_WORDS], 'u32', 'beam.states'), Tensor.empty(runtime, [R, BEAM_WORDS], 'u32', 'beam.states')];
  const next = Tensor.from(runtime, starts.flatMap((id) => new Array<number>(W).fill(id)), [1, R], 'i32', 'beam.next');
  const sourceRow = Tensor.empty(runtime, [R], 'u32', 'beam.source_row');
  const tokenHistory = Tensor.empty(runtime, [maxLength, R], 'i32', 'beam.tokens');
  const parentHistory = Tensor.empty(runtime, [maxLength, R], 'u32', 'beam.parents');
  let state: RecurrentState | null = options.state ? repeatRows(runtime, options.state, N, W) : null;
  try {
    for (let step = 0; step < maxLength; step++) {
      const { logits, state: after } = model.step(next, state);
      disposeState(state);
      const [inside, outside] = [step % 2, (step + 1) % 2];
      runtime.launch(
        beamSearchKernel,
        { op: 'selectBeams', inputs: N, width: W, classes: V, eos, alpha, step, noRepeatNgram },
        {
          logits: logits.buffer,
          beams_in: beams[inside]!.buffer,
          beams_out: beams[outside]!.buffer,
          source_row: sourceRow.buffer,
          token_history: tokenHistory.buffer,
          parent_history: parentHistory.buffer,
        },
      );
      // The tokens just chosen are the next step's input.
      runtime.commandEncoder().copyBufferToBuffer(tokenHistory.buffer, step * R * 4, next.buffer, 0, R * 4);
      logits.dispose();
      state = gatherState(runtime, after, sourceRow.buffer, R, R);
      disposeState(after);
    }
    const last = maxLength % 2;
    const [tokens, parents, states] = await Promise.all([tokenHistory.read(), parentHistory.read(), beams[last]!.read()]);
    const scores = new Float32Array(states.buffer, states.byteOffset, states.length);
    const field = (n: number, word: number) => n * W * BEAM_WORDS + word;
    // Beam 0 of each input ranks first; trace it back through the parents.
    return Array.from({ length: N }, (_, n) => {
      const path: number[] = [];
      let w = 0;
      for (let step = maxLength - 1; step >= 0; step--) {
        path.push(tokens[step * R + n * W + w]!);
        w = parents[step * R + n * W + w]!;
      }
      path.reverse();
      const length = states[field(n, 1)]!;
      const kept = path.slice(0, length);
      const done = states[field(n, 2)] === 1;
      const logProbability = scores[field(n, 0)]!;
      return {
        tokens: Int32Array.from(done ? kept.slice(0, -1) : kept),
        logProbability,
        score: logProbability / Math.pow(Math.max(length, 1), alpha),
        finished: done,
      };
    });
  } finally {
    disposeState(state);
    for (const t of [...beams, next, sourceRow, tokenHistory, parentHistory]) t.dispose();
  }
}

/** The start token of each input, from `start` and `inputs` or the state's rows, all checked. */
function startTokens(runtime: Runtime, model: TokenModel, options: BeamSearchOptions): number[] {
  const { start, inputs, state } = options;
  const one = typeof start === 'number';
  if (!one && (start === null || typeof start !== 'object' || typeof start.length !== 'number')) {
    throw new ArgumentError('options.start', 'a token id, or an array of them (one per input)', describe(start));
  }
  // The number of inputs comes from the state, else the list, else `inputs`; any other that is given must agree.
  const fromState = state === undefined || state === null ? undefined : checkGivenState(runtime, 'options.state', state, model);
  const N = fromState ?? (one ? checkInteger('options.inputs', inputs ?? 1, 1) : start.length);
  if (N === 0) throw new ArgumentError('options.start', 'at least one token id', 'an empty list');
  if (inputs !== undefined && inputs !== N) throw new ArgumentError('options.inputs', `nothing, or ${N} (as many as the ${fromState === undefined ? 'start tokens' : "state's rows"})`, describe(inputs));
  const starts = one ? new Array<number>(N).fill(start) : Array.from(start);
  if (starts.length !== N) throw new ArgumentError('options.start', `one token, or ${N} (one per input)`, `${starts.length} tokens`);
  starts.forEach((id, n) => {
    if (!Number.isInteger(id) || id < 0 || id >= model.vocabularySize) throw new ArgumentError(`options.start${one ? '' : `[${n}]`}`, `a token id in [0, ${model.vocabularySize})`, describe(id));
  });
  return starts;
}

/** New state tensors with out[k, r, :] = in[k, index[r], :]. */
function gatherState(runtime: Runtime, state: RecurrentState, index: GPUBuffer, inRows: number, outRows: number): RecurrentState {
  const gather = (t: Tensor<'f32'>): Tensor<'f32'> => {
    const [blocks, , width] = t.shape as [number, number, number];
    const out = Tensor.empty(runtime, [blocks, outRows, width], 'f32', t.label);
    runtime.launch(beamSearchKernel, { op: 'gatherRows', blocks, inRows, outRows, rowWidth: width }, { rows_in: t.buffer, index, rows_out: out.buffer });
    return out;
  };
  return { h: gather(state.h), c: state.c ? gather(state.c) : null };
}

/** Each input's state repeated for its W beams. */
function repeatRows(runtime: Runtime, state: RecurrentState, inputs: number, width: number): RecurrentState {
  const index = Tensor.from(runtime, Array.from({ length: inputs * width }, (_, r) => Math.floor(r / width)), [inputs * width], 'u32', 'beam.repeat');
  const repeated = gatherState(runtime, state, index.buffer, inputs, inputs * width);
  index.dispose();
  return repeated;
}
