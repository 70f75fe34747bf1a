/**
 * Layer normalisation over the last dimension, PyTorch's nn.LayerNorm (elementwise affine,
 * biased variance, eps 1e-5): forward, and backward on a tape (dx, and d_gamma, d_beta
 * accumulated).
 */
import layerNormSource from '../../shaders/layer_norm.wgsl?raw';
import type { Runtime } from '../runtime/runtime.js';
import { Tensor, checkTensor } from '../tensor.js';
import { ArgumentError, checkInteger, describe } from '../errors.js';
import type { Parameter } from '../train/parameter.js';
import { elementwiseGrid } from '../gpu/geometry.js';
import type { StateDict } from '../core/types.js';
import type { Tape } from '../autograd/tape.js';

export const LAYER_NORM_SHADER = { name: 'layer_norm', code: layerNormSource } as const;

const WG = 64;

export interface LayerNormOptions {
  features: number;
  eps?: number;
  /** Name prefix for parameters. */
  name?: string;
}

export class LayerNorm {
  readonly features: number;
  readonly eps: number;
  readonly name: string;
  readonly weight: Tensor<'f32'>;
  readonly bias: Tensor<'f32'>;
  readonly weightGrad: Tensor<'f32'>;
  readonly biasGrad: Tensor<'f32'>;

  constructor(readonly runtime: Runtime, options: LayerNormOptions) {
    if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an object', describe(options));
    this.features = checkInteger('options.features', options.features, 1);
    this.eps = options.eps ?? 1e-5;
    if (typeof this.eps !== 'number' || !(this.eps > 0)) throw new ArgumentError('options.eps', 'a number > 0', describe(options.eps));
    this.name = options.name ?? 'layer_norm';
    this.weight = Tensor.from(runtime, new Float32Array(this.features).fill(1), [this.features], 'f32', `${this.name}.weight`);
    this.bias = Tensor.zeros(runtime, [this.features], 'f32', `${this.name}.bias`);
    this.weightGrad = Tensor.zeros(runtime, [this.features], 'f32', `${this.name}.weight.grad`);
    this.biasGrad = Tensor.zeros(runtime, [this.features], 'f32', `${this.name}.bias.grad`);
  }

  /** x: [..., features] → same shape. With a tape, backward is recorded. */
  forward(x: Tensor, tape?: Tape): Tensor<'f32'> {
    checkTensor('x', x, this.runtime, { dtype: 'f32' });
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.features) throw new ArgumentError('x', `shape [..., ${this.features}]`, `shape ${describe(x.shape)}`);
    const rows = x.size / this.features;
    const y = Tensor.empty(this.runtime, x.shape, 'f32', `${this.name}.out`);
    const stats = Tensor.empty(this.runtime, [rows, 2], 'f32', `${this.name}.stats`);
    this.dispatch('forward', rows, { x: x.buffer, gamma: this.weight.buffer, beta: this.bias.buffer, y: y.buffer, stats: stats.buffer });
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
        this.dispatch('backward_input', rows, { ...common, gamma: this.weight.buffer, dx: dx.buffer });
        this.dispatch('backward_params', this.features, { ...common, d_gamma: this.weightGrad.buffer, d_beta: this.biasGrad.buffer }, rows);
        return [dx];
      },
      release: () => stats.dispose(),
    });
    return y;
  }

  private dispatch(entryPoint: 'forward' | 'backward_input' | 'backward_params', count: number, buffers: Record<string, GPUBuffer>, rows = count): void {
    this.runtime.dispatch(
      { shader: LAYER_NORM_SHADER, entryPoint, constants: { WG } },
      { buffers, uniforms: { rows, features: this.features, eps: this.eps }, workgroups: elementwiseGrid(count, WG, this.runtime.limits) },
    );
  }

  parameters(): Parameter[] {
    return [
      { name: `${this.name}.weight`, value: this.weight, grad: this.weightGrad },
      { name: `${this.name}.bias`, value: this.bias, grad: this.biasGrad },
    ];
  }

  /** PyTorch's names: weight [F], bias [F]. */
  async stateDict(): Promise<StateDict> {
    return { weight: { shape: this.weight.shape, data: await this.weight.read() }, bias: { shape: this.bias.shape, data: await this.bias.read() } };
  }

  loadStateDict(dict: StateDict): void {
    for (const key of ['weight', 'bias'] as const) {
      const entry = dict[key];
      if (!entry || entry.shape.join() !== String(this.features)) throw new ArgumentError(`stateDict.${key}`, `shape [${this.features}]`, entry ? `shape ${describe(entry.shape)}` : 'no such key');
    }
    this.weight.write(dict.weight!.data);
    this.bias.write(dict.bias!.data);
  }

  dispose(): void {
    for (const t of [this.weight, this.bias, this.weightGrad, this.biasGrad]) t.dispose();
  }
}
