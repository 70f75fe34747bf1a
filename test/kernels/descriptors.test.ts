/**
 * Each kernel descriptor against its WGSL file, read independently by regular expression:
 * the file, the entry points, the override constants its launches set, and the bytes of
 * the workgroup arrays each entry point uses. Needs no GPU.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import {
  DEAD_BEAM_SCORE,
  KERNELS,
  MAX_BEAM_WIDTH,
  beamSearchKernel,
  elementwiseKernel,
  embeddingKernel,
  gemmKernel,
  gradientClipKernel,
  gruBackwardKernel,
  gruForwardKernel,
  layerNormKernel,
  lstmBackwardKernel,
  lstmForwardKernel,
  optimizerKernel,
  poolingKernel,
  reduceColumnsKernel,
  rnnBackwardKernel,
  rnnForwardKernel,
  samplingKernel,
  softmaxCrossEntropyKernel,
  squaredNormKernel,
  type GemmKernelCall,
} from '../../src/kernels/index.js';
import type { DeviceTraits, KernelDescriptor, KernelLaunch } from '../../src/gpu/kernel-descriptor.js';
import type { ConstantValue } from '../../src/gpu/kernel-cache.js';
import { packUniforms, reflectEntryPoint } from '../../src/gpu/reflection.js';
import type { CellConfig } from '../../src/core/types.js';
import { NO_MASKS, type RecurrentKernel, type RecurrentKernelCall } from '../../src/kernels/recurrent_common.js';

const root = new URL('../../', import.meta.url);

function limits(storage: number, invocations: number): GPUSupportedLimits {
  return { maxComputeWorkgroupStorageSize: storage, maxComputeInvocationsPerWorkgroup: invocations, maxComputeWorkgroupsPerDimension: 65535 } as GPUSupportedLimits;
}

/** Every sample call runs on each: a GPU, a CPU implementation, and a GPU with little workgroup memory. */
const DEVICES: readonly DeviceTraits[] = [
  { limits: limits(16384, 256), isSoftware: false },
  { limits: limits(16384, 256), isSoftware: true },
  { limits: limits(4096, 128), isSoftware: false },
];

interface Samples {
  readonly kernel: KernelDescriptor<never>;
  launches(device: DeviceTraits): KernelLaunch[];
}

/** Sample calls, type-checked against the descriptor's call type. */
function samples<Call>(kernel: KernelDescriptor<Call>, ...calls: Call[]): Samples {
  return { kernel: kernel as KernelDescriptor<never>, launches: (device) => calls.map((call) => kernel.launch(call, device)) };
}

/** Two chunks of a bidirectional layer, under two schedules, for each cell variant given. */
function recurrentSamples(kernel: RecurrentKernel, configs: CellConfig[]): Samples {
  const calls = configs.flatMap((config): RecurrentKernelCall[] => [
    { config, shape: { steps: 5, batch: 6, hidden: 16, directions: 2 }, schedule: { strategy: 'persistent', unitSpan: 16, batchTile: 2, batchBlock: 2, workgroupSize: 64, chunkLength: 8 }, save: true, batchFirst: false, hasLengths: true, stateOffset: 0, stateWrite: 0, begin: 0, masks: NO_MASKS },
    { config, shape: { steps: 9, batch: 3, hidden: 24, directions: 1 }, schedule: { strategy: 'split', unitSpan: 8, batchTile: 4, batchBlock: 4, workgroupSize: 128, chunkLength: 4 }, save: false, batchFirst: true, hasLengths: false, stateOffset: 72, stateWrite: 144, begin: 4, masks: { ...NO_MASKS, sample: true, seed: 7 } },
  ]);
  return samples(kernel, ...calls);
}
const lstm = (peephole: boolean): CellConfig => ({ cell: 'lstm', resetAfter: false, nonlinearity: 'tanh', peephole });
const gru = (resetAfter: boolean): CellConfig => ({ cell: 'gru', resetAfter, nonlinearity: 'tanh' });
const rnn = (nonlinearity: 'tanh' | 'relu'): CellConfig => ({ cell: 'rnn', resetAfter: false, nonlinearity });
/** The options inside the cell that change a kernel's constants and grid. */
const inCell = { heads: 2, zoneout: true, recurrentDropout: true } as const;

const gemmSizes: GemmKernelCall = { M: 33, N: 70, K: 9, lda: 9, ldb: 70, ldc: 70, hasBias: false };
const SAMPLES: readonly Samples[] = [
  samples(
    gemmKernel,
    gemmSizes,
    { ...gemmSizes, M: 4, N: 300, K: 1000, transA: true, hasBias: true },
    { ...gemmSizes, M: 500, N: 8, K: 2, transB: true, batch: 3 },
    { ...gemmSizes, tiling: { strategy: 'tiled', wgN: 8, wgM: 32, tileK: 4 } },
    { ...gemmSizes, tiling: { strategy: 'direct', wgN: 1, wgM: 1, tileK: 1 } },
  ),
  samples(
    reduceColumnsKernel,
    { rows: 7, cols: 100, ld: 100, offsetX: 0, offsetOut: 0, square: false, product: null, alpha: 1, beta: 0 },
    { rows: 5000, cols: 3, ld: 8, offsetX: 2, offsetOut: 1, square: true, product: null, alpha: 0.5, beta: 2 },
    { rows: 9, cols: 12, ld: 24, offsetX: 12, offsetOut: 0, square: false, product: { ld: 56, offset: 28 }, alpha: 1, beta: 1 },
  ),
  samples(
    elementwiseKernel,
    { op: 'axpy', count: 1000, alpha: 2 },
    { op: 'dropout', count: 1000, mask: { p: 0.25, seed: 7, keyDiv: 10, keyMod: 10 } },
  ),
  samples(squaredNormKernel, { op: 'blockSquares', count: 100000, offsetOut: 3 }, { op: 'total', count: 25 }),
  samples(gradientClipKernel, { op: 'byNorm', count: 300, maxNorm: 1 }, { op: 'byValue', count: 300, clipValue: 0.5 }),
  samples(
    optimizerKernel,
    ...(['sgd', 'adam', 'adagrad'] as const).map((method) => ({
      method, nesterov: method === 'sgd', decoupled: method === 'adam', count: 1000, firstStep: true, lr: 0.1, weightDecay: 0.01,
      momentum: 0.9, dampening: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8, biasCorrection1: 0.1, biasCorrection2: 0.001,
    })),
  ),
  samples(
    embeddingKernel,
    { op: 'gather', tokens: 12, vocabulary: 50, dim: 8, paddingIdx: null, checkSlot: 2 },
    { op: 'scatterAdd', tokens: 12, vocabulary: 50, dim: 8, paddingIdx: 0, checkSlot: 0 },
  ),
  samples(
    poolingKernel,
    { op: 'mean', steps: 5, sequences: 3, features: 8 },
    { op: 'meanBackward', steps: 5, sequences: 3, features: 8 },
    { op: 'last', sequences: 3, hidden: 4, blocks: 4, directions: 2 },
    { op: 'lastBackward', sequences: 3, hidden: 4, blocks: 4, directions: 2 },
  ),
  samples(
    layerNormKernel,
    ...(['forward', 'backwardInput', 'backwardParams'] as const).map((op) => ({ op, rows: 20, features: 16, eps: 1e-5 })),
    // A recurrent layer's input norm: a parameter set per direction, x and statistics inside its saved activations.
    ...(['forward', 'backwardInput', 'backwardParams'] as const).map((op) => ({ op, rows: 24, features: 12, eps: 1e-3, sets: 2, xOffset: 64, statsOffset: 352 })),
  ),
  samples(
    softmaxCrossEntropyKernel,
    { op: 'rowLosses', rows: 10, classes: 40, ignoreIndex: -100, mean: true, checkSlot: 0 },
    { op: 'rowLosses', rows: 10, classes: 5000, ignoreIndex: 0, mean: false, checkSlot: 3 },
    // One workgroup per wide row: past 65535 rows the grid is 2D.
    { op: 'rowLosses', rows: 200_000, classes: 5000, ignoreIndex: 0, mean: false, checkSlot: 1 },
    { op: 'finish', rows: 10, classes: 40, ignoreIndex: -100, mean: true },
    { op: 'scaleRows', rows: 10, classes: 40, mean: true },
  ),
  samples(samplingKernel, { rows: 4, classes: 65, temperature: 0.8, topK: 5, seed: 1, step: 2, logitsOffset: 260 }),
  samples(
    beamSearchKernel,
    { op: 'selectBeams', inputs: 3, width: 4, classes: 30, eos: 1, alpha: 1, step: 0, noRepeatNgram: 3 },
    { op: 'gatherRows', blocks: 2, inRows: 12, outRows: 12, rowWidth: 16 },
  ),
  recurrentSamples(lstmForwardKernel, [lstm(false), lstm(true), { ...lstm(false), ...inCell }, { ...lstm(false), ...inCell, layerNorm: true }]),
  recurrentSamples(lstmBackwardKernel, [lstm(false), lstm(true), { ...lstm(true), ...inCell }, { ...lstm(false), ...inCell, layerNorm: true }]),
  recurrentSamples(gruForwardKernel, [gru(true), gru(false), { ...gru(false), ...inCell }, { ...gru(true), ...inCell, layerNorm: true }]),
  recurrentSamples(gruBackwardKernel, [gru(true), gru(false), { ...gru(true), ...inCell }, { ...gru(true), layerNorm: true }]),
  recurrentSamples(rnnForwardKernel, [rnn('tanh'), rnn('relu'), { ...rnn('relu'), heads: 2, zoneout: true }, { ...rnn('tanh'), heads: 2, layerNorm: true }]),
  recurrentSamples(rnnBackwardKernel, [rnn('tanh'), rnn('relu'), { ...rnn('tanh'), heads: 2, zoneout: true }, { ...rnn('relu'), zoneout: true, layerNorm: true }]),
];

// ---- An independent reading of the WGSL text ----

const TYPE_BYTES: Record<string, number> = { f32: 4, u32: 4, i32: 4, 'vec2<f32>': 8, 'vec4<f32>': 16, 'vec4<u32>': 16, 'vec4<i32>': 16 };

function withoutComments(code: string): string {
  return code.replace(/\/\/[^\n]*/g, '');
}

function shaderText(name: string): string {
  return readFileSync(new URL(`shaders/${name}.wgsl`, root), 'utf8');
}

function computeEntryPoints(code: string): string[] {
  return [...withoutComments(code).matchAll(/@compute[^;{]*?\bfn\s+(\w+)/g)].map((m) => m[1]!);
}

function workgroupArrayDeclarations(code: string): { name: string; type: string; count: string }[] {
  return [...withoutComments(code).matchAll(/var<workgroup>\s+(\w+)\s*:\s*array<\s*(\w+(?:<\w+>)?)\s*,\s*([^;>]+)>\s*;/g)].map((m) => ({ name: m[1]!, type: m[2]!, count: m[3]!.trim() }));
}

/** Module-scope `override` and `const` values, as expressions (overrides without a default are absent). */
function declaredValues(code: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const m of withoutComments(code).matchAll(/^(?:override|const)\s+(\w+)\s*(?::\s*\w+)?\s*=\s*([^;]+);/gm)) values.set(m[1]!, m[2]!.trim());
  return values;
}

/** Evaluates a WGSL integer expression: literals (u/i suffixes), names, + − × ÷ (integer) and parentheses. */
function evaluate(expression: string, lookup: (name: string) => number): number {
  const tokens = expression.match(/\d+[ui]?|\w+|[-+*/()]/g) ?? [];
  if (tokens.join('') !== expression.replace(/\s+/g, '')) throw new Error(`cannot read array size ${expression}`);
  let at = 0;
  const primary = (): number => {
    const token = tokens[at++];
    if (token === '(') {
      const value = sum();
      if (tokens[at++] !== ')') throw new Error(`unbalanced ${expression}`);
      return value;
    }
    if (token === undefined) throw new Error(`truncated ${expression}`);
    return /^\d/.test(token) ? Number(token.replace(/[ui]$/, '')) : lookup(token);
  };
  const product = (): number => {
    let value = primary();
    while (tokens[at] === '*' || tokens[at] === '/') value = tokens[at++] === '*' ? value * primary() : Math.floor(value / primary());
    return value;
  };
  const sum = (): number => {
    let value = product();
    while (tokens[at] === '+' || tokens[at] === '-') value = tokens[at++] === '+' ? value + product() : value - product();
    return value;
  };
  const value = sum();
  if (at !== tokens.length) throw new Error(`cannot read array size ${expression}`);
  return value;
}

/** Functions an entry point reaches, itself included, by name. */
function reachedFunctions(code: string, entryPoint: string): string[] {
  const text = withoutComments(code);
  const bodies = new Map<string, string>();
  for (const m of text.matchAll(/\bfn\s+(\w+)\s*\(/g)) {
    const open = text.indexOf('{', m.index);
    let depth = 0;
    let end = open;
    do {
      if (text[end] === '{') depth++;
      else if (text[end] === '}') depth--;
      end++;
    } while (depth > 0);
    bodies.set(m[1]!, text.slice(open, end));
  }
  const reached = new Set([entryPoint]);
  for (const name of reached) {
    for (const call of bodies.get(name)!.matchAll(/\b(\w+)\s*\(/g)) if (bodies.has(call[1]!)) reached.add(call[1]!);
  }
  return [...reached].map((name) => bodies.get(name)!);
}

/** Bytes of each workgroup array the entry point uses, with these override values (WGSL defaults otherwise). */
function arraysFromText(code: string, entryPoint: string, constants: Readonly<Record<string, ConstantValue>>): Record<string, number> {
  const declared = declaredValues(code);
  const lookup = (name: string): number => {
    const set = constants[name];
    if (typeof set === 'number') return set;
    const expression = declared.get(name);
    if (expression === undefined) throw new Error(`${name} has neither a launch value nor a default`);
    return evaluate(expression, lookup);
  };
  const bodies = reachedFunctions(code, entryPoint);
  const arrays: Record<string, number> = {};
  for (const array of workgroupArrayDeclarations(code)) {
    if (!bodies.some((body) => new RegExp(`\\b${array.name}\\b`).test(body))) continue;
    const bytes = TYPE_BYTES[array.type];
    if (bytes === undefined) throw new Error(`no size known for ${array.type}`);
    arrays[array.name] = evaluate(array.count, lookup) * bytes;
  }
  return arrays;
}

function wgslConstant(code: string, name: string): number {
  return evaluate(declaredValues(code).get(name)!, () => NaN);
}

// ---- Tests ----

describe('kernel descriptors', () => {
  it('every descriptor has sample calls, and names a distinct shader', () => {
    expect(SAMPLES.map((s) => s.kernel)).toEqual(expect.arrayContaining([...KERNELS]));
    expect(KERNELS.length).toBe(SAMPLES.length);
    expect(new Set(KERNELS.map((k) => k.shader.name)).size).toBe(KERNELS.length);
  });

  it('only descriptor modules import shaders, each the one it is named after', () => {
    const importers: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(new URL(dir, root), { withFileTypes: true })) {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(path);
        else if (!entry.name.endsWith('.d.ts') && /\.wgsl\?raw/.test(readFileSync(new URL(path, root), 'utf8'))) importers.push(path);
      }
    };
    walk('src');
    expect(importers.length).toBeGreaterThan(0);
    for (const path of importers) {
      const name = /^src\/kernels\/(\w+)\.ts$/.exec(path)?.[1];
      expect(name, `${path} imports a shader`).toBeDefined();
      expect(readFileSync(new URL(path, root), 'utf8')).toContain(`shaders/${name}.wgsl?raw`);
    }
  });

  for (const { kernel, launches } of SAMPLES) {
    const name = kernel.shader.name;
    describe(name, () => {
      it(`is src/kernels/${name}.ts, with the text of shaders/${name}.wgsl`, () => {
        expect(existsSync(new URL(`src/kernels/${name}.ts`, root))).toBe(true);
        // Recurrent kernels compile with the shared recurrent_common.wgsl before their own file.
        const file = shaderText(name);
        expect([file, `${shaderText('recurrent_common')}\n${file}`]).toContain(kernel.shader.code);
      });

      it('lists the @compute entry points of its WGSL', () => {
        expect([...kernel.entryPoints]).toEqual(computeEntryPoints(kernel.shader.code));
      });

      it('launches set declared overrides and every uniform field, and cover every entry point', () => {
        const launched = new Set<string>();
        for (const device of DEVICES) {
          for (const launch of launches(device)) {
            const entryPoint = launch.entryPoint ?? 'main';
            launched.add(entryPoint);
            const layout = reflectEntryPoint(kernel.shader, entryPoint);
            for (const [constant, value] of Object.entries(launch.constants)) {
              const type = layout.overrides.get(constant);
              expect(type, `override ${constant}`).toBeDefined();
              expect(type === 'bool', `override ${constant}: ${type}`).toBe(typeof value === 'boolean');
            }
            if (layout.uniform) expect(() => packUniforms(layout.uniform!, launch.uniforms ?? {})).not.toThrow();
            else expect(launch.uniforms).toBeUndefined();
            for (const count of launch.workgroups) {
              if (count === undefined) continue;
              expect(Number.isInteger(count) && count >= 1 && count <= device.limits.maxComputeWorkgroupsPerDimension, `workgroups ${launch.workgroups}`).toBe(true);
            }
          }
        }
        expect([...launched].sort()).toEqual([...kernel.entryPoints].sort());
      });

      it('gives the bytes of the workgroup arrays each entry point uses, as the WGSL declares them', () => {
        for (const device of DEVICES) {
          for (const launch of launches(device)) {
            const entryPoint = launch.entryPoint ?? 'main';
            const expected = arraysFromText(kernel.shader.code, entryPoint, launch.constants);
            expect(kernel.workgroupArrays(launch.constants, entryPoint), `${entryPoint} ${JSON.stringify(launch.constants)}`).toEqual(expected);
          }
        }
      });
    });
  }

  it('gemm: the grid covers C with the micro-tiles gemm.wgsl computes, and tiles fit the device', () => {
    const code = gemmKernel.shader.code;
    const micro = wgslConstant(code, 'MICRO');
    const directMicro = wgslConstant(code, 'DIRECT_MICRO');
    for (const device of DEVICES) {
      for (const [M, N, K] of [[1, 1, 1], [33, 70, 9], [4, 300, 1000], [500, 8, 2], [1025, 1031, 64]] as const) {
        const launch = gemmKernel.launch({ M, N, K, lda: K, ldb: N, ldc: N, hasBias: false }, device);
        const [x, y = 1] = launch.workgroups;
        const c = launch.constants;
        if (launch.entryPoint === 'direct') {
          expect(x * y * (c.DIRECT_WG as number)).toBeGreaterThanOrEqual(Math.ceil(M / directMicro) * Math.ceil(N / directMicro));
        } else {
          expect(x * (c.WG_N as number) * micro).toBeGreaterThanOrEqual(N);
          expect(y * (c.WG_M as number) * micro).toBeGreaterThanOrEqual(M);
          const bytes = Object.values(arraysFromText(code, 'main', c)).reduce((a, b) => a + b, 0);
          expect(bytes).toBeLessThanOrEqual(device.limits.maxComputeWorkgroupStorageSize);
          expect((c.WG_N as number) * (c.WG_M as number)).toBeLessThanOrEqual(device.limits.maxComputeInvocationsPerWorkgroup);
        }
      }
    }
  });

  it('embedding: the scatter_add grid covers every span of SPAN features the WGSL sums', () => {
    const span = wgslConstant(embeddingKernel.shader.code, 'SPAN');
    for (const device of DEVICES) {
      for (const [vocabulary, dim] of [[1, 1], [89, 32], [7, 5], [11, 19], [50000, 300]] as const) {
        const launch = embeddingKernel.launch({ op: 'scatterAdd', tokens: 10, vocabulary, dim, paddingIdx: null, checkSlot: 0 }, device);
        const [x, y = 1] = launch.workgroups;
        expect(x * y * (launch.constants.WG as number)).toBeGreaterThanOrEqual(vocabulary * Math.ceil(dim / span));
      }
    }
  });

  it('beam_search: the host width limit and dead score are the WGSL constants', () => {
    expect(MAX_BEAM_WIDTH).toBe(wgslConstant(beamSearchKernel.shader.code, 'MAX_WIDTH'));
    expect(DEAD_BEAM_SCORE).toBe(Number(declaredValues(beamSearchKernel.shader.code).get('DEAD')));
  });
});
