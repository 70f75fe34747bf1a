import { describe, expect, it } from 'vitest';
import { GRU, LSTM, Linear, Tape, Tensor, randomArray, softmaxCrossEntropy, type StateDict } from '../src/index.js';
import { referenceRecurrent, referenceRecurrentGradients } from '../src/reference/index.js';
import { compareArrays } from './checks/compare.js';
import { useRuntime } from './helpers.js';

/** Float64 linear layer: y = x·Wᵀ + b over rows. */
function linear(x: ArrayLike<number>, rows: number, w: ArrayLike<number>, b: ArrayLike<number>, inF: number, outF: number): Float64Array {
  const y = new Float64Array(rows * outF);
  for (let r = 0; r < rows; r++) for (let o = 0; o < outF; o++) {
    let s = b[o]!;
    for (let i = 0; i < inF; i++) s += x[r * inF + i]! * w[o * inF + i]!;
    y[r * outF + o] = s;
  }
  return y;
}

/** Backward of linear: returns dx, dW, db. */
function linearBackward(x: ArrayLike<number>, dy: ArrayLike<number>, rows: number, w: ArrayLike<number>, inF: number, outF: number) {
  const dx = new Float64Array(rows * inF);
  const dW = new Float64Array(outF * inF);
  const db = new Float64Array(outF);
  for (let r = 0; r < rows; r++) for (let o = 0; o < outF; o++) {
    const g = dy[r * outF + o]!;
    db[o] = db[o]! + g;
    for (let i = 0; i < inF; i++) {
      dW[o * inF + i] = dW[o * inF + i]! + g * x[r * inF + i]!;
      dx[r * inF + i] = dx[r * inF + i]! + g * w[o * inF + i]!;
    }
  }
  return { dx, dW, db };
}

/** Mean softmax cross-entropy with ignore index; returns loss and dlogits. */
function crossEntropy(logits: Float64Array, targets: number[], classes: number, ignore: number) {
  const d = new Float64Array(logits.length);
  let loss = 0;
  const count = targets.filter((t) => t !== ignore).length;
  targets.forEach((t, r) => {
    if (t === ignore) return;
    const row = logits.subarray(r * classes, (r + 1) * classes);
    const max = Math.max(...row);
    const sum = row.reduce((a, v) => a + Math.exp(v - max), 0);
    loss += Math.log(sum) + max - row[t]!;
    for (let c = 0; c < classes; c++) d[r * classes + c] = (Math.exp(row[c]! - max) / sum - (c === t ? 1 : 0)) / count;
  });
  return { loss: loss / count, d };
}

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
    const p = linear(x, T * B, W(inSd, 'weight'), W(inSd, 'bias'), F, I);
    const args = { cell: 'lstm' as const, inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, weights, input: p, steps: T, batch: B };
    const rec = referenceRecurrent(args);
    const z = linear(rec.output, T * B, W(headSd, 'weight'), W(headSd, 'bias'), D * H, C);
    const ce = crossEntropy(z, targets, C, -100);
    const headBack = linearBackward(rec.output, ce.d, T * B, W(headSd, 'weight'), D * H, C);
    const recBack = referenceRecurrentGradients(args, { output: headBack.dx });
    const inBack = linearBackward(x, recBack.input, T * B, W(inSd, 'weight'), F, I);

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
    const z = linear(dec.output, Td * B, headSd.weight!.data, headSd.bias!.data, H, C);
    const ce = crossEntropy(z, targets, C, -100);
    const headBack = linearBackward(dec.output, ce.d, Td * B, headSd.weight!.data, H, C);
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
