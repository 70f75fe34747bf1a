/**
 * Float64 reference of beam search (shaders/beam_search.wgsl with src/generate/beam-search.ts):
 * each step expands every live beam by every token, ranks by log-probability / length^alpha
 * and keeps the best `width`. The logits of each prefix come from a function, so any model
 * (or a table) can stand behind it; nothing runs on the GPU here.
 */
import { referenceLogSoftmax } from './layers.js';

/** The next token's logits [V] after `prefix` (the start token, then the beam's tokens). */
export type PrefixLogits = (prefix: readonly number[]) => ArrayLike<number> | Promise<ArrayLike<number>>;

export interface ReferenceBeamSearchOptions {
  start: number;
  width: number;
  maxLength: number;
  /** End-of-sequence id: a beam that emits it is finished. */
  eos: number;
  /** Length normalisation exponent. */
  alpha: number;
  vocabularySize: number;
  /** A beam never repeats an n-gram of its tokens of this size (0: off). */
  noRepeatNgram?: number;
}

export interface ReferenceBeamHypothesis {
  /** Generated ids, without the end token. */
  tokens: number[];
  /** logProbability / length^alpha */
  score: number;
  logProbability: number;
  finished: boolean;
}

interface Beam {
  tokens: number[];
  score: number;
  finished: boolean;
}

/** The best hypothesis by normalised score. */
export async function referenceBeamSearch(logitsAfter: PrefixLogits, options: ReferenceBeamSearchOptions): Promise<ReferenceBeamHypothesis> {
  const { start, width, maxLength, eos, alpha, vocabularySize: V, noRepeatNgram = 0 } = options;
  let beams: Beam[] = [{ tokens: [], score: 0, finished: false }];
  const key = (b: Beam) => b.score / Math.pow(Math.max(b.tokens.length, 1), alpha);
  for (let step = 0; step < maxLength; step++) {
    const candidates: Beam[] = [];
    for (const beam of beams) {
      if (beam.finished) {
        candidates.push(beam);
        continue;
      }
      const logp = referenceLogSoftmax(await logitsAfter([start, ...beam.tokens]), V);
      for (let v = 0; v < V; v++) {
        if (repeatsNgram(beam.tokens, v, noRepeatNgram)) continue;
        candidates.push({ tokens: [...beam.tokens, v], score: beam.score + logp[v]!, finished: v === eos });
      }
    }
    // Stable: equal keys keep candidate order, as the kernel does.
    beams = candidates.map((c, i) => ({ c, i })).sort((a, b) => key(b.c) - key(a.c) || a.i - b.i).slice(0, width).map((x) => x.c);
  }
  const best = beams[0]!;
  return { tokens: best.finished ? best.tokens.slice(0, -1) : best.tokens, score: key(best), logProbability: best.score, finished: best.finished };
}

/** True when `tokens` followed by v ends with an m-gram that occurs earlier in `tokens`. */
function repeatsNgram(tokens: readonly number[], v: number, m: number): boolean {
  if (m === 0 || tokens.length < m) return false;
  const gram = [...tokens.slice(tokens.length - m + 1), v];
  for (let start = 0; start + m <= tokens.length; start++) {
    if (gram.every((id, k) => tokens[start + k] === id)) return true;
  }
  return false;
}
