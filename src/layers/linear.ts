/**
 * Linear layer y = x · Wᵀ + b over the last dimension, with PyTorch's weight layout
 * [out, in] and default init U(−1/√in, 1/√in). Forward, and backward on a tape:
 * dW += dyᵀ·x, db += Σ dy, dx = dy·W.
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor, checkTensor } from '../tensor.js';
import { ArgumentError, checkInteger, describe } from '../errors.js';
import { encodeGemm } from '../ops/gemm.js';
import { encodeColumnReduce } from '../ops/reduce.js';
import { randomGenerator } from '../util/random.js';
import type { Tape } from '../autograd/tape.js';
import { Module } from '../core/module.js';

export interface LinearOptions {
  inFeatures: number;
  outFeatures: number;
  bias?: boolean;
  seed?: number;
  /** Name prefix for parameters and state-dict keys. */
  name?: string;
}

export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly name: string;
  readonly weight: Tensor<'f32'>;
  readonly bias: Tensor<'f32'> | null;
  readonly weightGrad: Tensor<'f32'>;
  readonly biasGrad: Tensor<'f32'> | null;

  constructor(readonly runtime: Runtime, options: LinearOptions) {
    super();
    if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an object', describe(options));
    this.inFeatures = checkInteger('options.inFeatures', options.inFeatures, 1);
    this.outFeatures = checkInteger('options.outFeatures', options.outFeatures, 1);
    this.name = options.name ?? 'linear';
    const uniform = randomGenerator(options.seed ?? 0);
    const bound = 1 / Math.sqrt(this.inFeatures);
    const init = (n: number) => Float32Array.from({ length: n }, () => (2 * uniform() - 1) * bound);
    this.weight = Tensor.from(runtime, init(this.outFeatures * this.inFeatures), [this.outFeatures, this.inFeatures], 'f32', `${this.name}.weight`);
    this.weightGrad = Tensor.zeros(runtime, [this.outFeatures, this.inFeatures], 'f32', `${this.name}.weight.grad`);
    const hasBias = options.bias ?? true;
    this.bias = hasBias ? Tensor.from(runtime, init(this.outFeatures), [this.outFeatures], 'f32', `${this.name}.bias`) : null;
    this.biasGrad = hasBias ? Tensor.zeros(runtime, [this.outFeatures], 'f32', `${this.name}.bias.grad`) : null;
    this.registerParameter('weight', this.weight, this.weightGrad);
    if (this.bias && this.biasGrad) this.registerParameter('bias', this.bias, this.biasGrad);
  }

  /** x: [..., inFeatures] → [..., outFeatures]. With a tape, backward is recorded. */
  forward(x: Tensor, tape?: Tape): Tensor<'f32'> {
    checkTensor('x', x, this.runtime, { dtype: 'f32' });
    const features = x.shape[x.rank - 1];
    if (x.rank < 1 || features !== this.inFeatures) {
      throw new ArgumentError('x', `shape [..., ${this.inFeatures}]`, `shape ${describe(x.shape)}`);
    }
    const rows = x.size / this.inFeatures;
    const y = Tensor.empty(this.runtime, [...x.shape.slice(0, -1), this.outFeatures], 'f32', `${this.name}.out`);
    encodeGemm(this.runtime, {
      M: rows, N: this.outFeatures, K: this.inFeatures,
      a: x.buffer, b: this.weight.buffer, c: y.buffer, ...(this.bias ? { bias: this.bias.buffer } : {}),
      transB: true, lda: this.inFeatures, ldb: this.inFeatures, ldc: this.outFeatures,
    });
    tape?.record({
      label: this.name,
      inputs: [x],
      outputs: [y],
      backward: ([dy]) => [this.backward(x, dy!, rows)],
    });
    return y;
  }

  private backward(x: Tensor, dy: Tensor, rows: number): Tensor<'f32'> {
    const rt = this.runtime;
    encodeGemm(rt, {
      M: this.outFeatures, N: this.inFeatures, K: rows,
      a: dy.buffer, b: x.buffer, c: this.weightGrad.buffer,
      transA: true, lda: this.outFeatures, ldb: this.inFeatures, ldc: this.inFeatures, beta: 1,
    });
    if (this.biasGrad) encodeColumnReduce(rt, { rows, cols: this.outFeatures, x: dy.buffer, out: this.biasGrad.buffer, beta: 1 });
    const dx = Tensor.empty(rt, x.shape, 'f32', `${this.name}.dx`);
    encodeGemm(rt, {
      M: rows, N: this.inFeatures, K: this.outFeatures,
      a: dy.buffer, b: this.weight.buffer, c: dx.buffer,
      lda: this.outFeatures, ldb: this.inFeatures, ldc: this.inFeatures,
    });
    return dx;
  }
}
