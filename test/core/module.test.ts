import { describe, expect, it } from 'vitest';
import { ArgumentError, CharLanguageModel, GRU, LSTM, Linear, Module, Seq2Seq, SequenceClassifier, type Runtime, type StateDict } from '../../src/index.js';
import { useRuntime } from '../helpers.js';

const RNN_KEYS = (prefix: string) => ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'].map((k) => `${prefix}.${k}`);

function seq2seq(rt: Runtime): Seq2Seq {
  return new Seq2Seq(rt, { sourceVocabularySize: 6, targetVocabularySize: 7, bos: 5, eos: 6, hiddenSize: 4, embeddingDim: 3, seed: 1 });
}

/** Every entry's values, to compare before and after a load. */
async function snapshot(module: Module): Promise<Record<string, number[]>> {
  return Object.fromEntries(Object.entries(await module.stateDict()).map(([k, v]) => [k, Array.from(v.data)]));
}

/** A dict like stateDict()'s, every value replaced. */
async function filled(module: Module, value: number): Promise<StateDict> {
  return Object.fromEntries(Object.entries(await module.stateDict()).map(([k, v]) => [k, { shape: [...v.shape], data: new Float32Array(v.data.length).fill(value) }]));
}

describe('Module', () => {
  const runtime = useRuntime();

  it("a composed model's state dict has PyTorch's dotted names, order and shapes", async () => {
    const rt = runtime();
    const model = seq2seq(rt);
    const dict = await model.stateDict();
    // As torch's state_dict() of a module with these submodules, in registration order.
    expect(Object.keys(dict)).toEqual([
      'source_embedding.weight', ...RNN_KEYS('encoder'), 'target_embedding.weight', ...RNN_KEYS('decoder'), 'head.weight', 'head.bias',
    ]);
    expect(dict['encoder.weight_hh_l0']!.shape).toEqual([16, 4]);
    expect(dict['head.weight']!.shape).toEqual([7, 4]);
    expect(model.stateShapes()).toEqual(Object.entries(dict).map(([k, v]) => [k, v.shape]));
    const children = model.children().map(([key]) => key);
    expect(children).toEqual(['source_embedding', 'encoder', 'target_embedding', 'decoder', 'head']);
    model.dispose();

    const lm = new CharLanguageModel(rt, { vocabularySize: 5, hiddenSize: 4, embeddingDim: 3, numLayers: 2, outputNorm: true });
    expect(Object.keys(await lm.stateDict())).toEqual([
      'embedding.weight', ...RNN_KEYS('rnn'), ...RNN_KEYS('rnn').map((k) => k.replace('l0', 'l1')), 'norm.weight', 'norm.bias', 'head.weight', 'head.bias',
    ]);
    lm.dispose();
  });

  it('loads a whole dict, and rejects a wrong shape, unknown, missing or short entry naming the key, changing nothing', async () => {
    const rt = runtime();
    const model = seq2seq(rt);
    const good = await filled(model, 0.5);
    const before = await snapshot(model);
    const rejects = (dict: StateDict, message: string): void => {
      let error: unknown;
      try {
        model.loadStateDict(dict);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ArgumentError);
      expect((error as Error).message).toContain(message);
    };
    // The bad entry comes last, after entries that a load writing as it went would have written.
    rejects({ ...good, 'head.bias': { shape: [6], data: new Float32Array(6) } }, 'stateDict.head.bias: expected shape [7], got shape [6]');
    rejects({ ...good, 'decoder.weight_hh_l0': { shape: [4, 16], data: new Float32Array(64) } }, 'stateDict.decoder.weight_hh_l0: expected shape [16, 4], got shape [4, 16]');
    rejects({ ...good, 'head.scale': { shape: [1], data: [1] } }, 'unexpected keys head.scale');
    const { 'head.bias': _dropped, ...missing } = good;
    rejects(missing, 'stateDict: expected key head.bias, got no such key');
    rejects({ ...good, 'head.weight': { shape: [7, 4], data: new Float32Array(27) } }, 'stateDict.head.weight.data: expected 28 values, got 27 values');
    expect(await snapshot(model)).toEqual(before);

    model.loadStateDict(good);
    const after = await snapshot(model);
    for (const [key, values] of Object.entries(after)) expect(values.every((v) => v === 0.5), key).toBe(true);
    model.dispose();
  });

  it('parameter names are dotted paths from the root, unique, and the same asked of a child', () => {
    const rt = runtime();
    const classifier = new SequenceClassifier(rt, { vocabularySize: 5, classes: 3, hiddenSize: 4, bidirectional: true });
    const names = classifier.parameters().map((p) => p.name);
    expect(names).toEqual([
      'embedding.weight', 'rnn.l0.weight_ih', 'rnn.l0.weight_hh_t', 'rnn.l0.bias_ih', 'rnn.l0.bias_hh', 'head.weight', 'head.bias',
    ]);
    expect(new Set(names).size).toBe(names.length);
    expect(classifier.head.parameters().map((p) => p.name)).toEqual(['head.weight', 'head.bias']);
    expect(classifier.network.namedParameters().map(([key]) => key)).toEqual(['l0.weight_ih', 'l0.weight_hh_t', 'l0.bias_ih', 'l0.bias_hh']);
    expect(classifier.network.path).toBe('rnn');
    classifier.dispose();

    // Standalone modules keep their name option as prefix.
    const head = new Linear(rt, { inFeatures: 2, outFeatures: 3, name: 'out', bias: false });
    const gru = new GRU(rt, { inputSize: 2, hiddenSize: 3 });
    expect([...head.parameters(), ...gru.parameters()].map((p) => p.name)).toEqual(['out.weight', 'gru.l0.weight_ih', 'gru.l0.weight_hh_t', 'gru.l0.bias_ih', 'gru.l0.bias_hh']);
    head.dispose();
    gru.dispose();
  });

  it('a module registers once, under a new identifier key', () => {
    const rt = runtime();
    class Pair extends Module {
      readonly name = 'pair';
      constructor(readonly runtime: Runtime, readonly left: Linear) {
        super();
        this.registerModule('left', left);
      }
      add(key: string, module: Module): void {
        this.registerModule(key, module);
      }
    }
    const shared = new Linear(rt, { inFeatures: 1, outFeatures: 1 });
    const pair = new Pair(rt, shared);
    expect(shared.parameters().map((p) => p.name)).toEqual(['pair.left.weight', 'pair.left.bias']);
    expect(() => new Pair(rt, shared)).toThrow(/left: expected a module not yet registered in another, got one registered as pair.left/);
    expect(() => pair.add('left', new Linear(rt, { inFeatures: 1, outFeatures: 1 }))).toThrow(ArgumentError);
    expect(() => pair.add('a.b', new Linear(rt, { inFeatures: 1, outFeatures: 1 }))).toThrow(/key: expected an identifier/);
    pair.dispose();
  });

  it('zeroGradients clears every gradient, and dispose frees every tensor', async () => {
    const rt = runtime();
    rt.submit();
    const baseline = rt.pool.stats().inUseBytes;
    const model = new CharLanguageModel(rt, { vocabularySize: 5, hiddenSize: 4, embeddingDim: 3, layerNorm: true });
    const parameters = model.parameters(); // allocates the network's gradients too
    expect(rt.pool.stats().inUseBytes).toBeGreaterThan(baseline);
    for (const p of parameters) p.grad.write(new Float32Array(p.grad.size).fill(1));
    model.zeroGradients();
    for (const p of parameters) expect(Array.from(await p.grad.read()).every((v) => v === 0), p.name).toBe(true);
    const gradients = await model.gradientStateDict();
    expect(Object.keys(gradients)).toEqual(Object.keys(await model.stateDict()));
    model.dispose();
    rt.submit();
    expect(rt.pool.stats().inUseBytes).toBe(baseline);
    expect(parameters.every((p) => p.value.isDisposed && p.grad.isDisposed)).toBe(true);
  });

  it('safetensors round-trip through any module, with a prefix for a submodule', async () => {
    const rt = runtime();
    const a = seq2seq(rt);
    const b = new Seq2Seq(rt, { sourceVocabularySize: 6, targetVocabularySize: 7, bos: 5, eos: 6, hiddenSize: 4, embeddingDim: 3, seed: 9 });
    const bytes = await a.saveSafetensors();
    b.loadSafetensors(bytes);
    expect(await snapshot(b)).toEqual(await snapshot(a));
    const lstm = new LSTM(rt, { inputSize: 3, hiddenSize: 4, init: { seed: 7 } });
    lstm.loadSafetensors(bytes, 'encoder.');
    expect(await snapshot(lstm)).toEqual(Object.fromEntries(Object.entries(await snapshot(a)).filter(([k]) => k.startsWith('encoder.')).map(([k, v]) => [k.slice(8), v])));
    for (const m of [a, b, lstm]) m.dispose();
  });
});
