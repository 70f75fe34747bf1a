/**
 * Embedding: a [V, D] table, gathered by token id forward and scatter-added backward,
 * with PyTorch's init N(0, 1) and padding_idx (its row is zero and gets no gradient).
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor, checkTensor } from '../tensor.js';
import { ArgumentError, checkInteger, describe } from '../errors.js';
import { normalGenerator } from '../util/random.js';
import { embeddingKernel } from '../kernels/embedding.js';
import type { Tape } from '../autograd/tape.js';
import { Module } from '../core/module.js';

export interface EmbeddingOptions {
  numEmbeddings: number;
  embeddingDim: number;
  /** Token id whose vector is zero and untrained (e.g. padding). */
  paddingIdx?: number;
  seed?: number;
  name?: string;
}

export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly name: string;
  readonly weight: Tensor<'f32'>;
  readonly weightGrad: Tensor<'f32'>;

  constructor(readonly runtime: Runtime, options: EmbeddingOptions) {
    super();
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
    this.registerParameter('weight', this.weight, this.weightGrad);
  }

  /** tokens: i32 ids of any shape → [..., embeddingDim]. */
  forward(tokens: Tensor, tape?: Tape): Tensor<'f32'> {
    checkTensor('tokens', tokens, this.runtime, { dtype: 'i32' });
    const out = Tensor.empty(this.runtime, [...tokens.shape, this.embeddingDim], 'f32', `${this.name}.out`);
    const checkSlot = this.runtime.idChecks.slot(`${this.name}.forward tokens (tensor "${tokens.label}")`, `token ids in [0, ${this.numEmbeddings})`);
    this.launch('gather', tokens, { tokens: tokens.buffer, table: this.weight.buffer, out: out.buffer, id_errors: this.runtime.idChecks.buffer }, checkSlot);
    tape?.record({
      label: this.name,
      inputs: [tokens],
      outputs: [out],
      backward: ([dOut]) => {
        this.launch('scatterAdd', tokens, { tokens: tokens.buffer, d_out: dOut!.buffer, grad: this.weightGrad.buffer });
        return [null];
      },
    });
    return out;
  }

  private launch(op: 'gather' | 'scatterAdd', tokens: Tensor, buffers: Record<string, GPUBuffer>, checkSlot = 0): void {
    this.runtime.launch(embeddingKernel, { op, tokens: tokens.size, vocabulary: this.numEmbeddings, dim: this.embeddingDim, paddingIdx: this.paddingIdx, checkSlot }, buffers);
  }
}
