import { describe, expect, it } from 'vitest';
import { Adagrad, Adam, AdamW, SGD, Tensor, createRuntime, clipGradientNorm, clipGradientValue, gradientNorm, type Optimizer, type Parameter, type Runtime } from '../../src/index.js';
import { compareArrays } from '../checks/compare.js';
import { loadOptimizerGolden } from '../checks/golden.js';
import { useRuntime } from '../helpers.js';

const golden = loadOptimizerGolden();
const sizes = JSON.parse(golden.metadata.sizes!) as number[];
const cases = JSON.parse(golden.metadata.cases!) as Record<string, [string, Record<string, unknown>]>;

/** The golden's two parameters, with gradients set to step k's. */
function makeParameters(runtime: Runtime): Parameter[] {
  let offset = 0;
  return sizes.map((n, i) => {
    const value = Tensor.from(runtime, Array.from(golden.tensors.p0!.data).slice(offset, offset + n), [n]);
    offset += n;
    return { name: `p${i}`, value, grad: Tensor.zeros(runtime, [n]) };
  });
}

function setGradients(parameters: Parameter[], step: number): void {
  let offset = 0;
  for (const p of parameters) {
    p.grad.write(Array.from(golden.tensors[`g${step}`]!.data).slice(offset, offset + p.value.size));
    offset += p.value.size;
  }
}

async function values(parameters: Parameter[]): Promise<number[]> {
  const out: number[] = [];
  for (const p of parameters) out.push(...(await p.value.read()));
  return out;
}

function makeOptimizer(runtime: Runtime, parameters: Parameter[], kind: string, options: Record<string, unknown>): Optimizer {
  const o = options as { lr: number; momentum?: number; dampening?: number; nesterov?: boolean; weight_decay?: number; betas?: [number, number]; eps?: number };
  const common = { lr: o.lr, ...(o.weight_decay !== undefined ? { weightDecay: o.weight_decay } : {}), ...(o.eps !== undefined ? { eps: o.eps } : {}) };
  if (kind === 'SGD') return new SGD(runtime, parameters, { lr: o.lr, momentum: o.momentum ?? 0, dampening: o.dampening ?? 0, nesterov: o.nesterov ?? false, weightDecay: o.weight_decay ?? 0 });
  if (kind === 'Adam') return new Adam(runtime, parameters, { ...common, ...(o.betas ? { betas: o.betas } : {}) });
  if (kind === 'AdamW') return new AdamW(runtime, parameters, { ...common, ...(o.betas ? { betas: o.betas } : {}) });
  return new Adagrad(runtime, parameters, common);
}

describe('optimizers follow torch.optim step by step (1e-6)', () => {
  const runtime = useRuntime();

  for (const [name, [kind, options]] of Object.entries(cases)) {
    it(`${name}: ${kind} ${JSON.stringify(options)}`, async () => {
      const rt = runtime();
      const parameters = makeParameters(rt);
      const optimizer = makeOptimizer(rt, parameters, kind, options);
      for (let step = 1; step <= 4; step++) {
        setGradients(parameters, step);
        optimizer.update();
        const comparison = compareArrays(await values(parameters), golden.tensors[`${name}.p${step}`]!.data, { rtol: 1e-6, atol: 1e-6 });
        expect(comparison.ok, `step ${step}: ${comparison.message}`).toBe(true);
      }
      optimizer.dispose();
    });
  }

  it('state saved after two steps and loaded into a new optimizer continues the same trajectory', async () => {
    const rt = runtime();
    const [kind, options] = cases.adam!;
    const first = makeParameters(rt);
    const a = makeOptimizer(rt, first, kind, options);
    for (const step of [1, 2]) {
      setGradients(first, step);
      a.update();
    }
    const saved = await a.stateDict();
    expect(saved.step!.data[0]).toBe(2);
    const second = makeParameters(rt);
    second.forEach((p, i) => p.value.write(Array.from(golden.tensors['adam.p2']!.data).slice(i === 0 ? 0 : sizes[0]!, i === 0 ? sizes[0]! : undefined)));
    const b = makeOptimizer(rt, second, kind, options);
    b.loadStateDict(saved);
    for (const step of [3, 4]) {
      setGradients(second, step);
      b.update();
    }
    const comparison = compareArrays(await values(second), golden.tensors['adam.p4']!.data, { rtol: 1e-6, atol: 1e-6 });
    expect(comparison.ok, comparison.message).toBe(true);
    expect(() => b.loadStateDict({ step: { shape: [1], data: [1] } })).toThrow(/stateDict: expected key p0.state0, got no such key/);
  });

  it('a learning-rate schedule sets each step\'s rate', async () => {
    const rt = runtime();
    const p: Parameter = { name: 'w', value: Tensor.from(rt, [1], [1]), grad: Tensor.from(rt, [1], [1]) };
    const sgd = new SGD(rt, [p], { lr: 1, schedule: (step, base) => base / step });
    expect(sgd.learningRate).toBe(1);
    sgd.update(); // 1 − 1
    sgd.update(); // 0 − 1/2
    expect(sgd.learningRate).toBeCloseTo(1 / 3);
    expect(Array.from(await p.value.read())).toEqual([-0.5]);
  });

  it('rejects bad options', () => {
    const rt = runtime();
    const parameters = makeParameters(rt);
    expect(() => new SGD(rt, parameters, { lr: 0.1, nesterov: true })).toThrow(/options.nesterov: expected momentum > 0 and dampening 0/);
    expect(() => new Adam(rt, parameters, { betas: [1, 0.9] })).toThrow(/options.betas\[0\]: expected a number in \[0, 1\), got 1/);
    expect(() => new Adam(rt, [], {})).toThrow(/parameters: expected a non-empty list/);
    expect(() => new SGD(rt, [parameters[0]!, parameters[0]!], { lr: 1 })).toThrow(/distinct parameter names/);
    // PyTorch's hyper-parameter checks.
    expect(() => new SGD(rt, parameters, { lr: -0.1 })).toThrow(/options.lr: expected a number ≥ 0, got -0.1/);
    expect(() => new SGD(rt, parameters, { lr: 0.1, momentum: -0.9 })).toThrow(/options.momentum: expected a number ≥ 0/);
    expect(() => new SGD(rt, parameters, { lr: 0.1, weightDecay: -1 })).toThrow(/options.weightDecay: expected a number ≥ 0/);
    expect(() => new Adam(rt, parameters, { eps: 0 })).toThrow(/options.eps: expected a number > 0, got 0/);
    expect(() => new Adagrad(rt, parameters, { eps: -1e-10 })).toThrow(/options.eps: expected a number > 0/);
    expect(() => new Adam(rt, parameters, { betas: [0.9, -0.1] })).toThrow(/options.betas\[1\]: expected a number in \[0, 1\)/);
    expect(() => new Adam(rt, parameters, { schedule: 0.5 as never })).toThrow(/options.schedule: expected a function/);
  });

  it("refuses a schedule's bad learning rate before any update, and parameters from another runtime", async () => {
    const rt = runtime();
    const p: Parameter = { name: 'w', value: Tensor.from(rt, [1], [1]), grad: Tensor.from(rt, [1], [1]) };
    for (const bad of [NaN, -1, Infinity]) {
      const sgd = new SGD(rt, [p], { lr: 1, schedule: (step) => (step === 2 ? bad : 0.5) });
      sgd.update();
      expect(() => sgd.update()).toThrow(new RegExp(`options.schedule\\(2, 1\\): expected (a finite number|a number ≥ 0), got ${bad}`));
      expect(sgd.step).toBe(1);
      sgd.dispose();
    }
    expect(Array.from(await p.value.read())).toEqual([1 - 3 * 0.5]);
    const other = await createRuntime();
    const foreign: Parameter = { name: 'v', value: Tensor.from(other, [1], [1]), grad: Tensor.from(other, [1], [1]) };
    expect(() => new SGD(rt, [p, foreign], { lr: 1 })).toThrow(/parameters\[1\]: expected a parameter on this optimizer's runtime, got v on another runtime/);
    other.destroy();
  });

  it('loading a step-0 state dict without state entries zeroes the state it held', async () => {
    const rt = runtime();
    const p: Parameter = { name: 'w', value: Tensor.from(rt, [1], [1]), grad: Tensor.from(rt, [1], [1]) };
    const sgd = new SGD(rt, [p], { lr: 1, momentum: 0.9 });
    sgd.update();
    expect((await sgd.stateDict())['w.state0']!.data[0]).toBe(1);
    sgd.loadStateDict({ step: { shape: [1], data: new Float32Array([0]) } });
    expect((await sgd.stateDict())['w.state0']!.data[0]).toBe(0);
    sgd.dispose();
  });
});

describe('gradient norm and clipping follow torch.nn.utils', () => {
  const runtime = useRuntime();

  it('global norm and clip_grad_norm_', async () => {
    const rt = runtime();
    const parameters = makeParameters(rt);
    setGradients(parameters, 1);
    expect(await gradientNorm(rt, parameters)).toBeCloseTo(golden.tensors['clip.norm']!.data[0]!, 4);
    const normSquared = clipGradientNorm(rt, parameters, 1.5);
    expect(Math.sqrt((await normSquared.read())[0]!)).toBeCloseTo(golden.tensors['clip.norm']!.data[0]!, 4);
    const grads: number[] = [];
    for (const p of parameters) grads.push(...(await p.grad.read()));
    const comparison = compareArrays(grads, golden.tensors['clip.by_norm']!.data, { rtol: 1e-5, atol: 1e-7 });
    expect(comparison.ok, comparison.message).toBe(true);
    expect(await gradientNorm(rt, parameters)).toBeCloseTo(1.5, 4);
  });

  it('clip_grad_value_', async () => {
    const rt = runtime();
    const parameters = makeParameters(rt);
    setGradients(parameters, 1);
    clipGradientValue(rt, parameters, 0.3);
    const grads: number[] = [];
    for (const p of parameters) grads.push(...(await p.grad.read()));
    expect(grads).toEqual(Array.from(golden.tensors['clip.by_value']!.data));
  });

  it('the norm of a large gradient sums many blocks exactly enough', async () => {
    const rt = runtime();
    const n = 1_000_003;
    const data = Float32Array.from({ length: n }, (_, i) => ((i % 7) - 3) / 3);
    let expected = 0;
    for (const v of data) expected += v * v;
    const p: Parameter = { name: 'big', value: Tensor.zeros(rt, [n]), grad: Tensor.from(rt, data, [n]) };
    expect(await gradientNorm(rt, [p])).toBeCloseTo(Math.sqrt(expected), 2);
  });
});
