/**
 * Embedding: a [V, D] table, gathered by token id forward and scatter-added backward,
 * with PyTorch's init N(0, 1) and padding_idx (its row is zero and gets no gradient).
 */
import embeddingSource from '../../shaders/embedding.wgsl?raw';
import type { Runtime } from '../runtime/runtime.js';
import { Tensor, checkTensor } from '../tensor.js';
import { ArgumentError, checkInteger, describe } from '../errors.js';
import { normalGenerator } from '../util/random.js';
import type { StateDict } from '../core/types.js';
import type { Parameter } from '../train/parameter.js';
import { elementwiseGrid } from '../gpu/geometry.js';
import type { Tape } from '../autograd/tape.js';

export const EMBEDDING_SHADER = { name: 'embedding', code: embeddingSource } as const;

const WG = 256;

export interface EmbeddingOptions {
  numEmbeddings: number;
  embeddingDim: number;
  /** Token id whose vector is zero and untrained (e.g. padding). */
  paddingIdx?: number;
  seed?: number;
  name?: string;
}

export class Embedding {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly name: string;
  readonly weight: Tensor<'f32'>;
  readonly weightGrad: Tensor<'f32'>;

  constructor(readonly runtime: Runtime, options: EmbeddingOptions) {
    if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an object', describe(options));
    this.numEmbeddings = checkInteger('options.numEmbeddings', options.numEmbeddings, 1);
    this.embeddingDim = checkInteger('options.embeddingDim', options.embeddingDim, 1);
    this.paddingIdx = options.paddingIdx === undefined ? null : checkInteger('options.paddingIdx', options.paddingIdx, 0, this.numEmbeddings - 1);
    this.name = options.name ?? 'embedding';
    const normal = normalGenerator(options.seed ?? 0);
    const table = Float32Array.from({ length: this.numEmbeddings * this.embeddingDim }, normal);
    if (this.paddingIdx !== null) table.fill(0, this.paddingIdx * this.embeddingDim, (this.paddingIdx + 1) * this.embeddingDim);
    this.weight = Tensor.from(runtime, table, [this.numEmbeddings, this.embeddingDim], 'f32', `${this.name}.weight`);
    this.weightGrad = Tensor.zeros(runtime, [this.numEmbeddings, this.embeddingDim], 'f32', `${this.name}.weight.grad`);
  }

  /** tokens: i32 ids of any shape → [..., embeddingDim]. */
  forward(tokens: Tensor, tape?: Tape): Tensor<'f32'> {
    checkTensor('tokens', tokens, this.runtime, { dtype: 'i32' });
    const out = Tensor.empty(this.runtime, [...tokens.shape, this.embeddingDim], 'f32', `${this.name}.out`);
    this.dispatch('gather', tokens, { tokens: tokens.buffer, table: this.weight.buffer, out: out.buffer }, tokens.size * this.embeddingDim);
    tape?.record({
      label: this.name,
      inputs: [tokens],
      outputs: [out],
      backward: ([dOut]) => {
        this.dispatch('scatter_add', tokens, { tokens: tokens.buffer, d_out: dOut!.buffer, grad: this.weightGrad.buffer }, this.numEmbeddings * this.embeddingDim);
        return [null];
      },
    });
    return out;
  }

  private dispatch(entryPoint: 'gather' | 'scatter_add', tokens: Tensor, buffers: Record<string, GPUBuffer>, elements: number): void {
    this.runtime.dispatch(
      { shader: EMBEDDING_SHADER, entryPoint, constants: { WG } },
      {
        buffers,
        uniforms: { count: tokens.size, vocabulary: this.numEmbeddings, dim: this.embeddingDim, padding_idx: this.paddingIdx ?? -1 },
        workgroups: elementwiseGrid(elements, WG, this.runtime.limits),
      },
    );
  }

  parameters(): Parameter[] {
    return [{ name: `${this.name}.weight`, value: this.weight, grad: this.weightGrad }];
  }

  async stateDict(): Promise<StateDict> {
    return { weight: { shape: this.weight.shape, data: await this.weight.read() } };
  }

  loadStateDict(dict: StateDict): void {
    const entry = dict.weight;
    if (!entry || entry.shape.join() !== this.weight.shape.join()) {
      throw new ArgumentError('stateDict.weight', `shape ${describe(this.weight.shape)}`, entry ? `shape ${describe(entry.shape)}` : 'no such key');
    }
    this.weight.write(entry.data);
  }

  dispose(): void {
    this.weight.dispose();
    this.weightGrad.dispose();
  }
}
