/**
 * Backward checks: every gradient of the GPU engine (input, h0, c0, every parameter) against
 * the float64 BPTT reference, for a loss Σ output·S_o + Σ h_n·S_h + Σ c_n·S_c with random S.
 */
import { Tensor, type Runtime } from '../../src/index.js';
import { referenceRecurrentGradients } from '../../src/reference/index.js';
import { randomArray } from '../../src/util/random.js';
import { compareArrays } from './compare.js';
import type { CheckResult } from './kernel-checks.js';
import { caseName, caseNetwork, referenceCellOptions, spreadLengths, type RecurrentCase } from './recurrent-checks.js';

/**
 * |gpu − ref| ≤ 1e-4 · (|ref| + rms(ref)): relative per element, with the array's RMS as the
 * floor for elements that cancel to near zero.
 */
export const GRADIENT_RTOL = 1e-4;

function compareGradient(actual: ArrayLike<number>, expected: ArrayLike<number>) {
  let sumSquares = 0;
  for (let i = 0; i < expected.length; i++) sumSquares += expected[i]! * expected[i]!;
  const rms = Math.sqrt(sumSquares / Math.max(1, expected.length));
  return compareArrays(actual, expected, { rtol: GRADIENT_RTOL, atol: GRADIENT_RTOL * rms });
}

function timeMajor(x: ArrayLike<number>, T: number, B: number, F: number, batchFirst: boolean): Float64Array {
  if (!batchFirst) return Float64Array.from(x);
  const out = new Float64Array(T * B * F);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) out[(t * B + b) * F + f] = x[(b * T + t) * F + f]!;
  return out;
}

export async function checkGradientCase(runtime: Runtime, c: RecurrentCase): Promise<CheckResult[]> {
  const name = caseName(c);
  const { steps: T, batch: B, inputSize: I, hiddenSize: H, numLayers: L } = c;
  const D = c.bidirectional ? 2 : 1;
  const seed = c.seed ?? 7;
  const batchFirst = c.batchFirst ?? false;
  const network = await caseNetwork(runtime, c);
  const weights = await network.stateDict();
  const x = randomArray(T * B * I, seed + 1);
  const stateSize = L * D * B * H;
  const h0 = c.withInitialState ? randomArray(stateSize, seed + 2, -0.5, 0.5) : undefined;
  const c0 = c.withInitialState && c.cell === 'lstm' ? randomArray(stateSize, seed + 3, -0.5, 0.5) : undefined;
  const lengths = c.withLengths ? spreadLengths(B, T) : undefined;
  const seedOutput = randomArray(T * B * D * H, seed + 4);
  const seedH = randomArray(stateSize, seed + 5);
  const seedC = randomArray(stateSize, seed + 6);

  const layout = (data: Float32Array, F: number): Float32Array => {
    if (!batchFirst) return data;
    const out = new Float32Array(data.length);
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) out.set(data.subarray((t * B + b) * F, (t * B + b + 1) * F), (b * T + t) * F);
    return out;
  };
  const seqShape = (F: number) => (batchFirst ? [B, T, F] : [T, B, F]);
  const stateShape = [L * D, B, H];
  const input = Tensor.from(runtime, layout(x, I), seqShape(I));
  const h0Tensor = h0 ? Tensor.from(runtime, h0, stateShape) : undefined;
  const c0Tensor = c0 ? Tensor.from(runtime, c0, stateShape) : undefined;
  const pass = network.forwardTrain(input, { ...(h0Tensor ? { h0: h0Tensor } : {}), ...(c0Tensor ? { c0: c0Tensor } : {}), ...(lengths ? { lengths } : {}) });
  const seeds = {
    output: Tensor.from(runtime, layout(seedOutput, D * H), seqShape(D * H)),
    h: Tensor.from(runtime, seedH, stateShape),
    ...(c.cell === 'lstm' ? { c: Tensor.from(runtime, seedC, stateShape) } : {}),
  };
  const grads = pass.backward(seeds);
  const dInput = timeMajor(await grads.input.read(), T, B, I, batchFirst);
  const dh0 = await grads.h0.read();
  const dc0 = grads.c0 ? await grads.c0.read() : null;
  const dWeights = await network.gradientStateDict();
  for (const t of [input, h0Tensor, c0Tensor, pass.output, pass.h, pass.c, grads.input, grads.h0, grads.c0, ...Object.values(seeds)]) t?.dispose();
  network.dispose();

  const reference = referenceRecurrentGradients(
    {
      cell: c.cell, resetAfter: c.resetAfter ?? true, nonlinearity: c.nonlinearity ?? 'tanh', peephole: c.peephole ?? false,
      inputSize: I, hiddenSize: H, numLayers: L, bidirectional: c.bidirectional, weights, input: x, steps: T, batch: B,
      ...(lengths ? { lengths } : {}), ...(h0 ? { h0 } : {}), ...(c0 ? { c0 } : {}),
      cellOptions: referenceCellOptions(c, true),
    },
    { output: seedOutput, h: seedH, ...(c.cell === 'lstm' ? { c: seedC } : {}) },
  );
  const results: CheckResult[] = [
    { name: `${name}: d input`, ...compareGradient(dInput, reference.input) },
    { name: `${name}: d h0`, ...compareGradient(dh0, reference.h0) },
  ];
  if (dc0 && reference.c0) results.push({ name: `${name}: d c0`, ...compareGradient(dc0, reference.c0) });
  for (const [param, expected] of Object.entries(reference.weights)) {
    results.push({ name: `${name}: d ${param}`, ...compareGradient(dWeights[param]!.data, expected) });
  }
  return results;
}
