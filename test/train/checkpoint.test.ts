import { describe, expect, it } from 'vitest';
import { Adam, LSTM, Linear, SGD, Tape, Tensor, decodeSafetensors, encodeSafetensors, loadCheckpoint, randomArray, saveCheckpoint, softmaxCrossEntropy, type Runtime, type StateDict } from '../../src/index.js';
import { useRuntime } from '../helpers.js';

function build(runtime: Runtime) {
  const lstm = new LSTM(runtime, { inputSize: 3, hiddenSize: 6, numLayers: 2, init: { seed: 1 } });
  const head = new Linear(runtime, { inFeatures: 6, outFeatures: 4, seed: 2 });
  const optimizer = new Adam(runtime, [...lstm.parameters(), ...head.parameters()], { lr: 0.05 });
  return { lstm, head, optimizer };
}

function train(runtime: Runtime, model: ReturnType<typeof build>, steps: number, offset: number): void {
  for (let s = 0; s < steps; s++) {
    model.optimizer.zeroGradients();
    const tape = new Tape(runtime);
    const x = Tensor.from(runtime, randomArray(5 * 2 * 3, 100 + offset + s), [5, 2, 3]);
    const y = Tensor.from(runtime, Array.from({ length: 10 }, (_, i) => (i + s) % 4), [5, 2], 'i32');
    const { output } = model.lstm.forward(x, { tape });
    tape.backward(softmaxCrossEntropy(model.head.forward(output, tape), y, { tape }).loss);
    model.optimizer.update();
    tape.dispose();
    x.dispose();
    y.dispose();
  }
}

async function weightsOf(model: ReturnType<typeof build>): Promise<number[]> {
  const out: number[] = [];
  for (const p of model.optimizer.parameters) out.push(...(await p.value.read()));
  return out;
}

describe('checkpoints', () => {
  const runtime = useRuntime();

  it('weights and optimizer state saved mid-run resume the same trajectory exactly', async () => {
    const rt = runtime();
    const a = build(rt);
    train(rt, a, 3, 0);
    const bytes = await saveCheckpoint({ lstm: a.lstm, head: a.head }, a.optimizer, { step: '3' });
    train(rt, a, 2, 3);

    const b = build(rt);
    const metadata = loadCheckpoint(bytes, { lstm: b.lstm, head: b.head }, b.optimizer);
    expect(metadata).toEqual({ step: '3' });
    expect(b.optimizer.step).toBe(3);
    train(rt, b, 2, 3);
    expect(await weightsOf(b)).toEqual(await weightsOf(a));
  });

  it('a checkpoint missing a part is rejected before anything is written', async () => {
    const rt = runtime();
    const a = build(rt);
    const bytes = await saveCheckpoint({ lstm: a.lstm }, a.optimizer);
    const b = build(rt);
    const before = await weightsOf(b);
    expect(() => loadCheckpoint(bytes, { lstm: b.lstm, head: b.head }, b.optimizer)).toThrow(/checkpoint: expected entries for head, got none/);
    expect(await weightsOf(b)).toEqual(before);
  });

  it('a checkpoint whose optimizer part does not fit is rejected before any module is written', async () => {
    const rt = runtime();
    const a = build(rt);
    train(rt, a, 1, 0);
    const bytes = await saveCheckpoint({ lstm: a.lstm, head: a.head }, a.optimizer);
    const b = build(rt);
    const before = await weightsOf(b);
    // SGD keeps one state per parameter: Adam's second is unexpected.
    const sgd = new SGD(rt, b.optimizer.parameters, { lr: 0.1, momentum: 0.9 });
    expect(() => loadCheckpoint(bytes, { lstm: b.lstm, head: b.head }, sgd)).toThrow(/stateDict: expected only the keys step, .*, got unexpected keys lstm.l0.weight_ih.state1/);
    expect(sgd.step).toBe(0);
    expect(await weightsOf(b)).toEqual(before);
    // A module part that does not fit is rejected likewise.
    const wide = new Linear(rt, { inFeatures: 6, outFeatures: 5 });
    expect(() => loadCheckpoint(bytes, { lstm: b.lstm, head: wide }, b.optimizer)).toThrow(/stateDict.weight: expected shape \[5, 6\], got shape \[4, 6\]/);
    expect(b.optimizer.step).toBe(0);
    expect(await weightsOf(b)).toEqual(before);
    wide.dispose();
  });

  it('entries of no part, integer or text data, and optimizer state of the wrong shape are rejected before anything is written', async () => {
    const rt = runtime();
    const a = build(rt);
    train(rt, a, 1, 0);
    const good = decodeSafetensors(await saveCheckpoint({ lstm: a.lstm, head: a.head }, a.optimizer)).tensors;
    const b = build(rt);
    const before = await weightsOf(b);
    const load = (tensors: StateDict) => loadCheckpoint(encode(tensors), { lstm: b.lstm, head: b.head }, b.optimizer);
    expect(() => load({ ...good, 'tail.weight': { shape: [1], data: [1] } })).toThrow(/checkpoint: expected entries of lstm, head, optimizer only, got entries of nothing loaded: tail.weight/);
    const bias = good['head.bias']!;
    expect(() => loadStateDictWith(b.head, { 'head.weight': good['head.weight']!, bias: { shape: bias.shape, data: Int32Array.from(bias.data) } })).toThrow(/stateDict.bias.data: expected float data \(Float32Array, Float64Array or numbers\), got Int32Array/);
    expect(() => b.head.loadStateDict({ weight: good['head.weight']!, bias: { shape: bias.shape, data: 'abcd' as never } })).toThrow(/stateDict.bias.data: expected float data/);
    const state = good['optimizer.linear.weight.state0']!;
    expect(() => load({ ...good, 'optimizer.linear.weight.state0': { shape: [24], data: state.data } })).toThrow(/stateDict.linear.weight.state0: expected shape \[4, 6\], got shape \[24\]/);
    expect(b.optimizer.step).toBe(0);
    expect(await weightsOf(b)).toEqual(before);
  });
});

/** A module's loadStateDict with `head.`-prefixed keys stripped, as a checkpoint part. */
function loadStateDictWith(module: Linear, dict: StateDict): void {
  module.loadStateDict(Object.fromEntries(Object.entries(dict).map(([k, v]) => [k.replace(/^head\./, ''), v])));
}

function encode(tensors: StateDict): Uint8Array {
  return encodeSafetensors(Object.fromEntries(Object.entries(tensors).map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data) }])));
}
