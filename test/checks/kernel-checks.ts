/**
 * GEMM and column-reduction checks against the float64 reference. Shared by the Node
 * tests (vitest) and the browser page (puppeteer), so both run exactly the same grid.
 */
import { Tensor, gemm, sumColumns, type Runtime } from '../../src/index.js';
import { referenceGemm, referenceSumColumns } from '../../src/reference/index.js';
import { compareArrays, type Comparison } from './compare.js';
import { randomArray } from '../../src/util/random.js';

export const GEMM_RTOL = 1e-5;

export interface CheckResult extends Comparison {
  name: string;
}

export interface GemmShape {
  M: number;
  N: number;
  K: number;
}

/** Sizes of 1, primes, tile multiples and their neighbours, and sizes over 1024. */
export const GEMM_SHAPES: readonly GemmShape[] = [
  { M: 1, N: 1, K: 1 },
  { M: 1, N: 7, K: 13 },
  { M: 7, N: 1, K: 13 },
  { M: 13, N: 7, K: 1 },
  { M: 17, N: 31, K: 29 },
  { M: 64, N: 64, K: 64 },
  { M: 65, N: 63, K: 67 },
  { M: 127, N: 1, K: 131 },
  { M: 1, N: 257, K: 97 },
  { M: 3, N: 1031, K: 5 },
  { M: 1031, N: 3, K: 7 },
  { M: 5, N: 7, K: 1031 },
  { M: 1031, N: 1033, K: 9 }, // M and N past 1024 together (K past 1024 and K tile edges are above, at a fraction of the cost)
];

const TRANSPOSES = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c]!;
  return out;
}

const STRATEGIES = ['tiled', 'direct'] as const;

/** Every shape with every transpose, by both strategies; the reference is computed once per shape. */
export async function checkGemmGrid(runtime: Runtime, shapes: readonly GemmShape[] = GEMM_SHAPES): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [index, { M, N, K }] of shapes.entries()) {
    const opA = randomArray(M * K, 100 + index);
    const opB = randomArray(K * N, 200 + index);
    const expected = referenceGemm({ M, N, K, a: opA, b: opB });
    for (const [transA, transB] of TRANSPOSES) {
      const a = Tensor.from(runtime, transA ? transpose(opA, M, K) : opA, transA ? [K, M] : [M, K]);
      const b = Tensor.from(runtime, transB ? transpose(opB, K, N) : opB, transB ? [N, K] : [K, N]);
      for (const strategy of STRATEGIES) {
        const c = gemm(a, b, { transA, transB, strategy });
        const actual = await c.read();
        const name = `gemm ${strategy} M=${M} N=${N} K=${K} transA=${transA} transB=${transB}`;
        results.push({ name, ...compareArrays(actual, expected.value, { rtol: GEMM_RTOL }, expected.magnitude) });
        c.dispose();
      }
      for (const t of [a, b]) t.dispose();
    }
  }
  return results;
}

/** alpha, beta, bias and batching (with a shared rank-2 operand), on odd sizes. */
export async function checkGemmEpilogue(runtime: Runtime): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const batch = 3;
  const [M, N, K] = [19, 23, 37];
  const a = randomArray(batch * M * K, 1);
  const b = randomArray(K * N, 2);
  const c0 = randomArray(batch * M * N, 3);
  const bias = randomArray(N, 4);
  const [alpha, beta] = [-1.5, 0.25];

  const expected = new Float64Array(batch * M * N);
  const magnitude = new Float64Array(batch * M * N);
  for (let i = 0; i < batch; i++) {
    const r = referenceGemm({ M, N, K, a: a.subarray(i * M * K, (i + 1) * M * K), b, alpha, beta, c: c0.subarray(i * M * N, (i + 1) * M * N), bias });
    expected.set(r.value, i * M * N);
    magnitude.set(r.magnitude, i * M * N);
  }
  const ta = Tensor.from(runtime, a, [batch, M, K]);
  const tb = Tensor.from(runtime, b, [K, N]);
  const tbias = Tensor.from(runtime, bias, [N]);
  for (const strategy of STRATEGIES) {
    const out = Tensor.from(runtime, c0, [batch, M, N]);
    gemm(ta, tb, { alpha, beta, bias: tbias, out, strategy });
    results.push({ name: `gemm ${strategy} batched alpha beta bias`, ...compareArrays(await out.read(), expected, { rtol: GEMM_RTOL }, magnitude) });
    out.dispose();
  }

  // beta = 0 must not read C: NaN there has to vanish.
  const nan = Tensor.from(runtime, new Float32Array(batch * M * N).fill(NaN), [batch, M, N]);
  gemm(ta, tb, { out: nan });
  const plain = new Float64Array(batch * M * N);
  const plainMagnitude = new Float64Array(batch * M * N);
  for (let i = 0; i < batch; i++) {
    const r = referenceGemm({ M, N, K, a: a.subarray(i * M * K, (i + 1) * M * K), b });
    plain.set(r.value, i * M * N);
    plainMagnitude.set(r.magnitude, i * M * N);
  }
  results.push({ name: 'gemm beta=0 ignores NaN in out', ...compareArrays(await nan.read(), plain, { rtol: GEMM_RTOL }, plainMagnitude) });
  for (const t of [ta, tb, tbias, nan]) t.dispose();
  return results;
}

/** Column sums and sums of squares, including columns long enough for a second pass. */
export async function checkColumnReductions(runtime: Runtime): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const shapes = [
    [1, 1],
    [7, 1],
    [1, 67],
    [300, 129],
    [4099, 3],
    [2500, 513],
    [70000, 2],
  ] as const;
  for (const [i, [rows, cols]] of shapes.entries()) {
    const x = randomArray(rows * cols, 50 + i);
    const tx = Tensor.from(runtime, x, [rows, cols]);
    for (const square of [false, true]) {
      const out = sumColumns(tx, { square });
      const expected = referenceSumColumns(x, rows, cols, { square });
      results.push({ name: `sumColumns rows=${rows} cols=${cols} square=${square}`, ...compareArrays(await out.read(), expected.value, { rtol: GEMM_RTOL }, expected.magnitude) });
      out.dispose();
    }
    const previous = randomArray(cols, 80 + i);
    const out = Tensor.from(runtime, previous, [cols]);
    sumColumns(tx, { alpha: 0.5, beta: -2, out });
    const expected = referenceSumColumns(x, rows, cols, { alpha: 0.5, beta: -2, out: previous });
    results.push({ name: `sumColumns rows=${rows} cols=${cols} alpha beta`, ...compareArrays(await out.read(), expected.value, { rtol: GEMM_RTOL }, expected.magnitude) });
    out.dispose();
    tx.dispose();
  }
  return results;
}
