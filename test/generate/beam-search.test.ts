import { describe, expect, it } from 'vitest';
import { CharLanguageModel, Tensor, beamSearch, createRuntime } from '../../src/index.js';
import { expectRejectedBeforeWork, useRuntime } from '../helpers.js';

describe('beamSearch', () => {
  const runtime = useRuntime();

  it('rejects a bad model, start, inputs or state with a library error, before any GPU work', async () => {
    const rt = runtime();
    const model = new CharLanguageModel(rt, { vocabularySize: 5, hiddenSize: 4, cell: 'lstm' });
    const gru = new CharLanguageModel(rt, { vocabularySize: 5, hiddenSize: 4, cell: 'gru' });
    const h = Tensor.zeros(rt, [1, 2, 4]);
    const wrongH = Tensor.zeros(rt, [1, 2, 7]);
    const dead = Tensor.zeros(rt, [1, 2, 4]);
    dead.dispose();
    const other = await createRuntime();
    const foreign = Tensor.zeros(other, [1, 2, 4]);
    rt.submit();
    const rejects = (call: () => Promise<unknown>, message: string): Promise<void> => expectRejectedBeforeWork(rt, call, message);
    const ok = { start: 0, width: 2, maxLength: 2 };
    await rejects(() => beamSearch(rt, null as never, ok), 'model: expected a TokenModel (vocabularySize and step(tokens, state)), got null');
    await rejects(() => beamSearch(rt, {} as never, ok), 'model: expected a TokenModel');
    await rejects(() => beamSearch(rt, { vocabularySize: 0, step: model.step.bind(model) }, ok), 'model.vocabularySize: expected an integer ≥ 1, got 0');
    await rejects(() => beamSearch(rt, model, { width: 2, maxLength: 2 } as never), 'options.start: expected a token id, or an array of them (one per input), got undefined');
    await rejects(() => beamSearch(rt, model, { ...ok, start: null as never }), 'options.start: expected a token id, or an array of them (one per input), got null');
    await rejects(() => beamSearch(rt, model, { ...ok, start: {} as never }), 'options.start: expected a token id, or an array of them (one per input), got Object');
    await rejects(() => beamSearch(rt, model, { ...ok, start: [] }), 'options.start: expected at least one token id, got an empty list');
    await rejects(() => beamSearch(rt, model, { ...ok, start: [1, 2], inputs: 3 }), 'options.inputs: expected nothing, or 2 (as many as the start tokens), got 3');
    await rejects(() => beamSearch(rt, model, { ...ok, state: { h, c: null }, inputs: 1 }), "options.inputs: expected nothing, or 2 (as many as the state's rows), got 1");
    await rejects(() => beamSearch(rt, model, { ...ok, state: {} as never }), 'options.state.h: expected a Tensor, got undefined');
    await rejects(() => beamSearch(rt, model, { ...ok, state: { h: dead, c: null } }), 'options.state.h: expected a live tensor');
    await rejects(() => beamSearch(rt, model, { ...ok, state: { h: foreign, c: null } }), 'options.state.h: expected a tensor of the same runtime');
    await rejects(() => beamSearch(rt, model, { ...ok, state: { h: wrongH, c: null } }), 'options.state.h: expected shape [1, 2, 4] [layers·directions, N, H], got shape [1, 2, 7]');
    await rejects(() => beamSearch(rt, model, { ...ok, state: { h, c: wrongH } }), 'options.state.c: expected shape [1, 2, 4], like h, got shape [1, 2, 7]');
    await rejects(() => beamSearch(rt, gru, { ...ok, state: { h, c: h } }), 'options.state.c: expected null: this model carries no cell state, got Tensor');
    await rejects(() => beamSearch(rt, model, { ...ok, start: [1, 2, 3], state: { h, c: null } }), 'options.start: expected one token, or 2 (one per input), got 3 tokens');
    // A state that fits still searches, one hypothesis per row.
    expect(await beamSearch(rt, model, { ...ok, state: { h, c: h } })).toHaveLength(2);
    for (const t of [h, wrongH, foreign]) t.dispose();
    other.destroy();
    model.dispose();
    gru.dispose();
  });
});
