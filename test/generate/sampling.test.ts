import { describe, expect, it } from 'vitest';
import { ArgumentError, CharLanguageModel, Embedding, Tensor, beamSearch, generate, randomArray, type RecurrentState, type Runtime, type TokenModel } from '../../src/index.js';
import { encodeSampling } from '../../src/kernels-entry.js';
import { referenceBeamSearch, type PrefixLogits } from '../../src/reference/index.js';
import { expectRejectedBeforeWork, useRuntime } from '../helpers.js';

/** Draws one token per row from `logits` (rows × classes) with the sampling kernel. */
async function draw(rt: Runtime, logits: Float32Array, rows: number, classes: number, options: { temperature: number; topK?: number; seed?: number; step?: number }): Promise<Int32Array> {
  const l = Tensor.from(rt, logits, [rows, classes]);
  const next = Tensor.empty(rt, [rows], 'i32');
  const sequence = Tensor.empty(rt, [1, rows], 'i32');
  encodeSampling(rt, { logits: l.buffer, logitsOffset: 0, rows, classes, next: next.buffer, sequence: sequence.buffer, step: 0, temperature: options.temperature, topK: options.topK ?? 0, seed: options.seed ?? 0 });
  const [fromNext, fromSequence] = [await next.read(), await sequence.read()];
  expect(Array.from(fromSequence)).toEqual(Array.from(fromNext));
  for (const t of [l, next, sequence]) t.dispose();
  return fromNext;
}

/** A context-free model: the logits after token v are row v of a table (an embedding). */
class BigramModel implements TokenModel {
  readonly table: Embedding;
  constructor(readonly rt: Runtime, readonly vocabularySize: number, readonly logits: Float32Array) {
    this.table = new Embedding(rt, { numEmbeddings: vocabularySize, embeddingDim: vocabularySize });
    this.table.loadStateDict({ weight: { shape: [vocabularySize, vocabularySize], data: logits } });
  }
  step(tokens: Tensor<'i32'>, state: RecurrentState | null) {
    const h = Tensor.zeros(this.rt, [1, tokens.shape[1]!, 1]);
    void state;
    return { logits: this.table.forward(tokens), state: { h, c: null } };
  }
}

/** The model's logits after a prefix, recomputed from scratch (no carried state). */
function prefixLogits(rt: Runtime, model: TokenModel): PrefixLogits {
  return async (prefix) => {
    const ids = Tensor.from(rt, prefix, [prefix.length, 1], 'i32');
    const { logits, state } = model.step(ids, null);
    const all = await logits.read();
    for (const t of [ids, logits, state.h, state.c]) t?.dispose();
    return all.subarray((prefix.length - 1) * model.vocabularySize);
  };
}

describe('sampling kernel', () => {
  const runtime = useRuntime();

  it('temperature 0 is greedy: the first index of the largest logit', async () => {
    const rows = 37;
    const classes = 13;
    const logits = randomArray(rows * classes, 1);
    logits[5 * classes + 2] = logits[5 * classes + 9] = 50; // a tie: index 2 wins
    const chosen = await draw(runtime(), logits, rows, classes, { temperature: 0 });
    for (let r = 0; r < rows; r++) {
      const row = Array.from(logits.subarray(r * classes, (r + 1) * classes));
      expect(chosen[r]).toBe(row.indexOf(Math.max(...row)));
    }
  });

  it('draws with the frequencies of softmax(logits / temperature), and top-k keeps only the k largest', async () => {
    const classes = 6;
    const rows = 24000;
    const base = [1.0, 0.2, -0.5, 2.0, 0.7, -1.5];
    const logits = new Float32Array(rows * classes);
    for (let r = 0; r < rows; r++) logits.set(base, r * classes);
    for (const [temperature, topK] of [[1, 0], [0.5, 0], [2, 3]] as const) {
      const chosen = await draw(runtime(), logits, rows, classes, { temperature, topK, seed: 7 });
      const allowed = base.map((l) => topK === 0 || base.filter((m) => m > l).length < topK);
      const weights = base.map((l, j) => (allowed[j] ? Math.exp(l / temperature) : 0));
      const total = weights.reduce((a, b) => a + b, 0);
      const counts = new Array<number>(classes).fill(0);
      for (const c of chosen) counts[c]!++;
      for (let j = 0; j < classes; j++) {
        const p = weights[j]! / total;
        // 5 standard deviations of a binomial proportion.
        expect(Math.abs(counts[j]! / rows - p)).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / rows) + 1e-9);
        if (!allowed[j]) expect(counts[j]).toBe(0);
      }
    }
  });

  it('is reproducible from its seed, and another seed draws differently', async () => {
    const rows = 200;
    const classes = 10;
    const logits = new Float32Array(rows * classes).fill(0);
    const a = await draw(runtime(), logits, rows, classes, { temperature: 1, seed: 3 });
    const b = await draw(runtime(), logits, rows, classes, { temperature: 1, seed: 3 });
    const c = await draw(runtime(), logits, rows, classes, { temperature: 1, seed: 4 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
});

describe('generate', () => {
  const runtime = useRuntime();

  function tinyModel(rt: Runtime): CharLanguageModel {
    return new CharLanguageModel(rt, { vocabularySize: 11, hiddenSize: 16, embeddingDim: 8, numLayers: 2, seed: 5 });
  }

  it('greedy generation equals a host loop of argmax over the model, for a batch of different prompts', async () => {
    const rt = runtime();
    const model = tinyModel(rt);
    const prompts = [[1, 2, 3], [4, 4, 0], [10, 9, 8]];
    const length = 12;
    const generated = await generate(rt, model, { prompt: prompts, length, temperature: 0 });
    for (const [n, prompt] of prompts.entries()) {
      const tokens = [...prompt];
      for (let i = 0; i < length; i++) {
        const ids = Tensor.from(rt, tokens, [tokens.length, 1], 'i32');
        const { logits, state } = model.step(ids, null);
        const last = (await logits.read()).subarray((tokens.length - 1) * 11);
        tokens.push(Array.from(last).indexOf(Math.max(...last)));
        for (const t of [ids, logits, state.h, state.c]) t?.dispose();
      }
      expect(Array.from(generated[n]!)).toEqual(tokens.slice(prompt.length));
    }
    model.dispose();
  });

  it('samples many at once, reproducibly from a seed', async () => {
    const rt = runtime();
    const model = tinyModel(rt);
    const options = { prompt: [3, 1], samples: 16, length: 20, temperature: 1.5, topK: 5, seed: 9 };
    const a = await generate(rt, model, options);
    const b = await generate(rt, model, options);
    expect(a.map((s) => Array.from(s))).toEqual(b.map((s) => Array.from(s)));
    expect(new Set(a.map((s) => s.join())).size).toBeGreaterThan(1);
    for (const s of a) for (const id of s) expect(id).toBeGreaterThanOrEqual(0), expect(id).toBeLessThan(11);
    model.dispose();
  });

  it('names the bad argument before any GPU work', async () => {
    const rt = runtime();
    const model = tinyModel(rt);
    rt.submit();
    await expect(generate(rt, model, { prompt: [1, 11], length: 3 })).rejects.toThrow('options.prompt[1]: expected a token id in [0, 11), got 11');
    await expect(generate(rt, model, { prompt: [[1, 2], [3]], length: 3 })).rejects.toThrow('options.prompt[1]: expected 2 tokens, like prompt 0, got 1 tokens');
    await expect(generate(rt, model, { prompt: [1], length: 3, temperature: -1 })).rejects.toThrow(ArgumentError);
    expect(rt.hasPendingWork).toBe(false);
    model.dispose();
  });

  it('rejects a bad model, prompt, sample count or state with a library error, before any GPU work', async () => {
    const rt = runtime();
    const model = tinyModel(rt); // LSTM, 2 layers, H = 16
    const gru = new CharLanguageModel(rt, { vocabularySize: 11, hiddenSize: 16, cell: 'gru' });
    const h = Tensor.zeros(rt, [2, 1, 16]);
    const wrongH = Tensor.zeros(rt, [2, 1, 7]);
    const oneLayer = Tensor.zeros(rt, [1, 1, 16]);
    const dead = Tensor.zeros(rt, [2, 1, 16]);
    dead.dispose();
    rt.submit();
    const rejects = (call: () => Promise<unknown>, message: string): Promise<void> => expectRejectedBeforeWork(rt, call, message);
    const ok = { prompt: [1, 2], length: 2 };
    await rejects(() => generate(rt, null as never, ok), 'model: expected a TokenModel (vocabularySize and step(tokens, state)), got null');
    await rejects(() => generate(rt, {} as never, ok), 'model: expected a TokenModel');
    await rejects(() => generate(rt, { vocabularySize: 2.5, step: model.step.bind(model) }, ok), 'model.vocabularySize: expected an integer ≥ 1, got 2.5');
    await rejects(() => generate(rt, model, { length: 2 } as never), 'options.prompt: expected token ids, or a list of prompts of token ids, got undefined');
    await rejects(() => generate(rt, model, { prompt: 3, length: 2 } as never), 'options.prompt: expected token ids, or a list of prompts of token ids, got 3');
    await rejects(() => generate(rt, model, { prompt: [[1], 5], length: 2 } as never), 'options.prompt[1]: expected a prompt of 1 token ids, like prompt 0, got 5');
    await rejects(() => generate(rt, model, { prompt: [null], length: 2 } as never), 'options.prompt[0]: expected a token id in [0, 11), got null');
    await rejects(() => generate(rt, model, { prompt: [], length: 2 }), 'options.prompt: expected at least one token, got an empty prompt');
    await rejects(() => generate(rt, model, { prompt: [1.5], length: 2 }), 'options.prompt[0]: expected a token id in [0, 11), got 1.5');
    await rejects(() => generate(rt, model, { prompt: [[1], [2]], length: 1, samples: 3 }), 'options.samples: expected nothing, or 2: one sample per prompt of the list, got 3');
    await rejects(() => generate(rt, model, { prompt: [1], length: 1, state: {} as never }), 'options.state.h: expected a Tensor, got undefined');
    await rejects(() => generate(rt, model, { prompt: [1], length: 1, state: { h: dead, c: null } }), 'options.state.h: expected a live tensor');
    await rejects(() => generate(rt, model, { prompt: [1, 2], length: 1, samples: 2, state: { h, c: null } }), 'options.state.h: expected state for 2 sequences ([.., 2, H]), got shape [2, 1, 16]');
    await rejects(() => generate(rt, model, { prompt: [1], length: 1, state: { h: wrongH, c: null } }), 'options.state.h: expected shape [2, 1, 16] [layers·directions, N, H], got shape [2, 1, 7]');
    await rejects(() => generate(rt, model, { prompt: [1], length: 1, state: { h: oneLayer, c: null } }), 'options.state.h: expected shape [2, 1, 16] [layers·directions, N, H], got shape [1, 1, 16]');
    await rejects(() => generate(rt, model, { prompt: [1], length: 1, state: { h, c: wrongH } }), 'options.state.c: expected shape [2, 1, 16], like h, got shape [2, 1, 7]');
    await rejects(() => generate(rt, gru, { prompt: [1], length: 1, state: { h: oneLayer, c: oneLayer } }), 'options.state.c: expected null: this model carries no cell state, got Tensor');
    // A state that fits still generates.
    expect((await generate(rt, model, { prompt: [1], length: 2, state: { h, c: h } }))[0]).toHaveLength(2);
    for (const t of [h, wrongH, oneLayer]) t.dispose();
    model.dispose();
    gru.dispose();
  });
});

describe('beam search', () => {
  const runtime = useRuntime();

  it('matches a float64 beam search on a bigram model, with end tokens and length normalisation', async () => {
    const rt = runtime();
    const V = 7;
    const eos = 6;
    const logits = randomArray(V * V, 21).map((v) => 3 * v);
    const model = new BigramModel(rt, V, logits);
    for (const [width, alpha] of [[1, 0], [3, 0], [3, 1], [5, 0.6]] as const) {
      for (const start of [0, 4]) {
        const [gpu] = await beamSearch(rt, model, { start, width, maxLength: 6, eos, alpha });
        const ref = await referenceBeamSearch(prefixLogits(rt, model), { start, width, maxLength: 6, eos, alpha, vocabularySize: V });
        expect(Array.from(gpu!.tokens), `width ${width} alpha ${alpha} start ${start}`).toEqual(ref.tokens);
        expect(gpu!.finished).toBe(ref.finished);
        expect(gpu!.logProbability).toBeCloseTo(ref.logProbability, 4);
        expect(gpu!.score).toBeCloseTo(ref.score, 4);
      }
    }
    model.table.dispose();
  });

  it('moves the recurrent state with its beam: an LSTM model matches the float64 search, for several inputs at once', async () => {
    const rt = runtime();
    const model = new CharLanguageModel(rt, { vocabularySize: 9, hiddenSize: 12, embeddingDim: 6, numLayers: 2, seed: 3 });
    const starts = [0, 5, 8];
    const results = await beamSearch(rt, model, { start: starts, width: 4, maxLength: 5, eos: 2, alpha: 0.7 });
    for (const [n, start] of starts.entries()) {
      const ref = await referenceBeamSearch(prefixLogits(rt, model), { start, width: 4, maxLength: 5, eos: 2, alpha: 0.7, vocabularySize: 9 });
      expect(Array.from(results[n]!.tokens)).toEqual(ref.tokens);
      expect(results[n]!.score).toBeCloseTo(ref.score, 4);
    }
    // Width 1 is greedy decoding.
    const [greedy] = await generate(rt, model, { prompt: [5], length: 5, temperature: 0 });
    const [narrow] = await beamSearch(rt, model, { start: 5, width: 1, maxLength: 5 });
    expect(Array.from(narrow!.tokens)).toEqual(Array.from(greedy!));
    model.dispose();
  });

  it('blocks repeated n-grams like the float64 search, where plain beam search loops', async () => {
    const rt = runtime();
    const V = 6;
    // A model that prefers the cycle 1 → 2 → 3 → 1: unblocked beams repeat it.
    const logits = randomArray(V * V, 5);
    for (const [from, to] of [[0, 1], [1, 2], [2, 3], [3, 1], [4, 1], [5, 1]] as const) logits[from * V + to] = 4;
    const model = new BigramModel(rt, V, logits);
    const grams = (tokens: number[], m: number) => tokens.slice(0, tokens.length - m + 1).map((_, i) => tokens.slice(i, i + m).join());
    const repeats = (tokens: number[], m: number) => new Set(grams(tokens, m)).size < grams(tokens, m).length;
    const [looping] = await beamSearch(rt, model, { start: 0, width: 3, maxLength: 10 });
    expect(repeats(Array.from(looping!.tokens), 3)).toBe(true);
    for (const [width, m] of [[1, 1], [3, 2], [3, 3], [4, 4]] as const) {
      const [gpu] = await beamSearch(rt, model, { start: 0, width, maxLength: 10, eos: 5, alpha: 0.5, noRepeatNgram: m });
      const ref = await referenceBeamSearch(prefixLogits(rt, model), { start: 0, width, maxLength: 10, eos: 5, alpha: 0.5, vocabularySize: V, noRepeatNgram: m });
      const tokens = Array.from(gpu!.tokens);
      expect(tokens, `width ${width}, no repeated ${m}-gram`).toEqual(ref.tokens);
      expect(gpu!.score).toBeCloseTo(ref.score, 4);
      expect(repeats(tokens, m), `${tokens} repeats a ${m}-gram`).toBe(false);
    }
    model.table.dispose();
  });

  it('checks its options', async () => {
    const rt = runtime();
    const model = new BigramModel(rt, 4, randomArray(16, 1));
    await expect(beamSearch(rt, model, { start: 0, width: 2, maxLength: 3, noRepeatNgram: 9 })).rejects.toThrow('options.noRepeatNgram: expected an integer in [0, 8], got 9');
    await expect(beamSearch(rt, model, { start: 0, width: 17, maxLength: 3 })).rejects.toThrow('options.width: expected');
    await expect(beamSearch(rt, model, { start: 4, width: 2, maxLength: 3 })).rejects.toThrow('options.start: expected a token id in [0, 4), got 4');
    model.table.dispose();
  });
});
