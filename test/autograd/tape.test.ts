import { describe, expect, it } from 'vitest';
import { ArgumentError, GRU, LSTM, Linear, Tape, Tensor, createRuntime, randomArray, softmaxCrossEntropy, type StateDict } from '../../src/index.js';
import {
  referenceLinear,
  referenceLinearBackward,
  referenceRecurrent,
  referenceRecurrentGradients,
  referenceSoftmaxCrossEntropy,
} from '../../src/reference/index.js';
import { compareArrays } from '../checks/compare.js';
import { useRuntime } from '../helpers.js';

const MEAN_IGNORING = { ignoreIndex: -100, reduction: 'mean' } as const;
const TOLERANCE = { rtol: 1e-4, atol: 1e-6 };

function expectClose(name: string, actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  const comparison = compareArrays(actual, expected, TOLERANCE);
  expect(comparison.ok, `${name}: ${comparison.message}`).toBe(true);
}

describe('gradients flow through compositions of modules on a tape', () => {
  const runtime = useRuntime();

  it('linear → 2-layer bidirectional LSTM → linear → cross-entropy (with ignored targets)', async () => {
    const rt = runtime();
    const [T, B, F, I, H, C] = [6, 3, 5, 4, 8, 7];
    const D = 2;
    const project = new Linear(rt, { inFeatures: F, outFeatures: I, seed: 1, name: 'in' });
    const lstm = new LSTM(rt, { inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, init: { seed: 2 } });
    const head = new Linear(rt, { inFeatures: D * H, outFeatures: C, seed: 3, name: 'head' });
    const x = randomArray(T * B * F, 4);
    const targets = Array.from({ length: T * B }, (_, i) => (i % 5 === 4 ? -100 : (i * 3) % C));

    const tape = new Tape(rt);
    const input = Tensor.from(rt, x, [T, B, F]);
    const projected = project.forward(input, tape);
    const { output } = lstm.forward(projected, { tape });
    const logits = head.forward(output, tape);
    const { loss } = softmaxCrossEntropy(logits, Tensor.from(rt, targets, [T, B], 'i32'), { tape });
    tape.backward(loss);

    // The same computation in float64.
    const W = (sd: StateDict, k: string) => sd[k]!.data;
    const inSd = await project.stateDict();
    const headSd = await head.stateDict();
    const weights = await lstm.stateDict();
    const p = referenceLinear(x, T * B, W(inSd, 'weight'), W(inSd, 'bias'), F, I);
    const args = { cell: 'lstm' as const, inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, weights, input: p, steps: T, batch: B };
    const rec = referenceRecurrent(args);
    const z = referenceLinear(rec.output, T * B, W(headSd, 'weight'), W(headSd, 'bias'), D * H, C);
    const ce = referenceSoftmaxCrossEntropy(z, targets, C, MEAN_IGNORING);
    const headBack = referenceLinearBackward(rec.output, ce.dLogits, T * B, W(headSd, 'weight'), D * H, C);
    const recBack = referenceRecurrentGradients(args, { output: headBack.dx });
    const inBack = referenceLinearBackward(x, recBack.input, T * B, W(inSd, 'weight'), F, I);

    expect((await loss.read())[0]).toBeCloseTo(ce.loss, 5);
    expectClose('d input', await tape.gradient(input)!.read(), inBack.dx);
    expectClose('d in.weight', await project.weightGrad.read(), inBack.dW);
    expectClose('d in.bias', await project.biasGrad!.read(), inBack.db);
    expectClose('d head.weight', await head.weightGrad.read(), headBack.dW);
    expectClose('d head.bias', await head.biasGrad!.read(), headBack.db);
    const lstmGrads = await lstm.gradientStateDict();
    for (const [name, expected] of Object.entries(recBack.weights)) expectClose(`d lstm.${name}`, lstmGrads[name]!.data, expected);
    tape.dispose();
  });

  it('an encoder whose final state starts a decoder: gradients reach the encoder through h0', async () => {
    const rt = runtime();
    const [Te, Td, B, I, H, C] = [5, 4, 2, 3, 6, 5];
    const encoder = new GRU(rt, { inputSize: I, hiddenSize: H, init: { seed: 5 } });
    const decoder = new GRU(rt, { inputSize: I, hiddenSize: H, init: { seed: 6 } });
    const head = new Linear(rt, { inFeatures: H, outFeatures: C, seed: 7 });
    const xe = randomArray(Te * B * I, 8);
    const xd = randomArray(Td * B * I, 9);
    const targets = Array.from({ length: Td * B }, (_, i) => (i * 2) % C);

    const tape = new Tape(rt);
    const encoderInput = Tensor.from(rt, xe, [Te, B, I]);
    const encoded = encoder.forward(encoderInput, { tape });
    const decoded = decoder.forward(Tensor.from(rt, xd, [Td, B, I]), { h0: encoded.h, tape });
    const { loss } = softmaxCrossEntropy(head.forward(decoded.output, tape), Tensor.from(rt, targets, [Td, B], 'i32'), { tape });
    tape.backward(loss);

    const encWeights = await encoder.stateDict();
    const decWeights = await decoder.stateDict();
    const headSd = await head.stateDict();
    const encArgs = { cell: 'gru' as const, inputSize: I, hiddenSize: H, numLayers: 1, bidirectional: false, weights: encWeights, input: xe, steps: Te, batch: B };
    const enc = referenceRecurrent(encArgs);
    const decArgs = { cell: 'gru' as const, inputSize: I, hiddenSize: H, numLayers: 1, bidirectional: false, weights: decWeights, input: xd, steps: Td, batch: B, h0: enc.h };
    const dec = referenceRecurrent(decArgs);
    const z = referenceLinear(dec.output, Td * B, headSd.weight!.data, headSd.bias!.data, H, C);
    const ce = referenceSoftmaxCrossEntropy(z, targets, C, MEAN_IGNORING);
    const headBack = referenceLinearBackward(dec.output, ce.dLogits, Td * B, headSd.weight!.data, H, C);
    const decBack = referenceRecurrentGradients(decArgs, { output: headBack.dx });
    const encBack = referenceRecurrentGradients(encArgs, { h: decBack.h0 });

    expectClose('d encoder input', await tape.gradient(encoderInput)!.read(), encBack.input);
    const encGrads = await encoder.gradientStateDict();
    const decGrads = await decoder.gradientStateDict();
    for (const [name, expected] of Object.entries(encBack.weights)) expectClose(`d encoder.${name}`, encGrads[name]!.data, expected);
    for (const [name, expected] of Object.entries(decBack.weights)) expectClose(`d decoder.${name}`, decGrads[name]!.data, expected);
    tape.dispose();
  });
});

describe('Tape arguments', () => {
  const runtime = useRuntime();

  it('backward rejects a bad root or seed, and a spent tape, before any GPU work', async () => {
    const rt = runtime();
    const other = await createRuntime();
    const linear = new Linear(rt, { inFeatures: 2, outFeatures: 1, seed: 1 });
    const recorded = (): { tape: Tape; x: Tensor; y: Tensor } => {
      const tape = new Tape(rt);
      const x = Tensor.zeros(rt, [3, 2]);
      return { tape, x, y: linear.forward(x, tape) };
    };
    const rejects = (run: () => unknown, message: string): void => {
      rt.submit();
      expect(run).toThrow(ArgumentError);
      expect(run).toThrow(message);
      expect(rt.hasPendingWork, message).toBe(false);
    };
    const { tape, x, y } = recorded();
    const [wrongShape, wrongType, dead, foreign] = [Tensor.zeros(rt, [5]), Tensor.zeros(rt, [3, 1], 'i32'), Tensor.zeros(rt, [3, 1]), Tensor.zeros(other, [3, 1])];
    dead.dispose();
    rejects(() => tape.backward(undefined as never), 'root: expected a Tensor, got undefined');
    rejects(() => tape.backward(null as never), 'root: expected a Tensor, got null');
    rejects(() => tape.backward(x), 'root: expected a tensor produced by an op recorded on this tape');
    rejects(() => tape.backward(y, wrongShape), 'seed: expected shape [3, 1], like root, got shape [5]');
    rejects(() => tape.backward(y, wrongType), 'seed: expected dtype f32, got dtype i32');
    rejects(() => tape.backward(y, [1, 1, 1] as never), 'seed: expected a Tensor, got [1, 1, 1]');
    rejects(() => tape.backward(y, dead), 'seed: expected a live tensor');
    rejects(() => tape.backward(y, foreign), 'seed: expected a tensor of the same runtime');
    rejects(() => tape.keep(5 as never), 'tensors[0]: expected a Tensor, null or undefined, got 5');
    // None of those spent the tape: backward still runs once, then refuses.
    tape.backward(y);
    rejects(() => tape.backward(y), 'tape: expected one backward per tape, got a second call');
    tape.dispose();

    const disposedRoot = recorded();
    disposedRoot.y.dispose();
    rejects(() => disposedRoot.tape.backward(disposedRoot.y), 'root: expected a live tensor');
    disposedRoot.tape.dispose();

    const spent = recorded();
    spent.tape.dispose();
    rejects(() => spent.tape.backward(spent.y), 'tape: expected a tape not yet disposed, got a disposed tape');
    expect(() => linear.forward(Tensor.zeros(rt, [3, 2]), spent.tape)).toThrow('tape: expected a tape not yet disposed, got a disposed tape');
    // A tape of another runtime refuses what ran on this one: its backward could not run it.
    expect(() => linear.forward(Tensor.zeros(rt, [3, 2]), new Tape(other))).toThrow(/tape: expected a tape of the runtime that linear ran on, got a tape of another runtime/);
    rt.submit();
    for (const t of [wrongShape, wrongType, foreign]) t.dispose();
    other.destroy();
    linear.dispose();
  });
});
