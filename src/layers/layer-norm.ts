/**
 * Layer normalisation over the last dimension, PyTorch's nn.LayerNorm (elementwise affine,
 * biased variance, eps 1e-5): forward, and backward on a tape (dx, and d_gamma, d_beta
 * accumulated).
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor, checkTensor } from '../tensor.js';
import { ArgumentError, checkInteger, describe } from '../errors.js';
import { layerNormKernel, type LayerNormKernelCall } from '../kernels/layer_norm.js';
import type { Tape } from '../autograd/tape.js';
import { Module } from '../core/module.js';

export interface LayerNormOptions {
  features: number;
  eps?: number;
  /** Name prefix for parameters. */
  name?: string;
}

export class LayerNorm extends Module {
  readonly features: number;
  readonly eps: number;
  readonly name: string;
  readonly weight: Tensor<'f32'>;
  readonly bias: Tensor<'f32'>;
  readonly weightGrad: Tensor<'f32'>;
  readonly biasGrad: Tensor<'f32'>;

  constructor(readonly runtime: Runtime, options: LayerNormOptions) {
    super();
    if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an object', describe(options));
    this.features = checkInteger('options.features', options.features, 1);
    this.eps = options.eps ?? 1e-5;
    if (typeof this.eps !== 'number' || !(this.eps > 0)) throw new ArgumentError('options.eps', 'a number > 0', describe(options.eps));
    this.name = options.name ?? 'layer_norm';
    this.weight = Tensor.from(runtime, new Float32Array(this.features).fill(1), [this.features], 'f32', `${this.name}.weight`);
    this.bias = Tensor.zeros(runtime, [this.features], 'f32', `${this.name}.bias`);
    this.weightGrad = Tensor.zeros(runtime, [this.features], 'f32', `${this.name}.weight.grad`);
    this.biasGrad = Tensor.zeros(runtime, [this.features], 'f32', `${this.name}.bias.grad`);
    this.registerParameter('weight', this.weight, this.weightGrad);
    this.registerParameter('bias', this.bias, this.biasGrad);
  }

  /** x: [..., features] → same shape. With a tape, backward is recorded. */
  forward(x: Tensor, tape?: Tape): Tensor<'f32'> {
    checkTensor('x', x, this.runtime, { dtype: 'f32' });
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.features) throw new ArgumentError('x', `shape [..., ${this.features}]`, `shape ${describe(x.shape)}`);
    const rows = x.size / this.features;
    const y = Tensor.empty(this.runtime, x.shape, 'f32', `${this.name}.out`);
    const stats = Tensor.empty(this.runtime, [rows, 2], 'f32', `${this.name}.stats`);
    this.launch('forward', rows, { x: x.buffer, gamma: this.weight.buffer, beta: this.bias.buffer, y: y.buffer, stats: stats.buffer });
    if (!tape) {
      stats.dispose();
      return y;
    }
    tape.record({
      label: this.name,
      inputs: [x],
      outputs: [y],
      backward: ([dy]) => {
        const dx = Tensor.empty(this.runtime, x.shape, 'f32', `${this.name}.dx`);
        const common = { x: x.buffer, dy: dy!.buffer, saved_stats: stats.buffer };
        this.launch('backwardInput', rows, { ...common, gamma: this.weight.buffer, dx: dx.buffer });
        this.launch('backwardParams', rows, { ...common, d_gamma: this.weightGrad.buffer, d_beta: this.biasGrad.buffer });
        return [dx];
      },
      release: () => stats.dispose(),
    });
    return y;
  }

  private launch(op: LayerNormKernelCall['op'], rows: number, buffers: Record<string, GPUBuffer>): void {
    this.runtime.launch(layerNormKernel, { op, rows, features: this.features, eps: this.eps }, buffers);
  }
}
