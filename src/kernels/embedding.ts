/** Host description of shaders/embedding.wgsl: embedding gather, and its gradient's scatter-add. */
import source from '../../shaders/embedding.wgsl?raw';
import { elementwiseGrid } from '../gpu/geometry.js';
import { noWorkgroupArrays, type KernelDescriptor } from '../gpu/kernel-descriptor.js';

export interface EmbeddingKernelCall {
  /** gather: out = table[tokens]; scatterAdd: grad[v] += Σ d_out over the tokens equal to v. */
  op: 'gather' | 'scatterAdd';
  tokens: number;
  vocabulary: number;
  dim: number;
  /** The token id whose vector is zero and gets no gradient. */
  paddingIdx: number | null;
  /** gather: the id_errors slot that flags an id outside [0, vocabulary). */
  checkSlot: number;
}

const WG = 256;
/** SPAN in embedding.wgsl: features each scatter_add invocation sums. */
const SCATTER_SPAN = 8;

export const embeddingKernel: KernelDescriptor<EmbeddingKernelCall> = {
  shader: { name: 'embedding', code: source },
  entryPoints: ['gather', 'scatter_add'],
  launch(call, device) {
    // gather: one invocation per output element; scatter_add: one per SCATTER_SPAN features of a table row.
    const gather = call.op === 'gather';
    const invocations = gather ? call.tokens * call.dim : call.vocabulary * Math.ceil(call.dim / SCATTER_SPAN);
    return {
      entryPoint: gather ? 'gather' : 'scatter_add',
      constants: { WG },
      workgroups: elementwiseGrid(invocations, WG, device.limits),
      uniforms: { count: call.tokens, vocabulary: call.vocabulary, dim: call.dim, padding_idx: call.paddingIdx ?? -1, check_slot: call.checkSlot },
    };
  },
  workgroupArrays: noWorkgroupArrays,
};
