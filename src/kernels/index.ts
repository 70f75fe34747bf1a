/**
 * Every kernel family's host description, one per shader in shaders/ (test/kernels checks
 * each against its WGSL text).
 */
import type { KernelDescriptor } from '../gpu/kernel-descriptor.js';
import { beamSearchKernel } from './beam_search.js';
import { elementwiseKernel } from './elementwise.js';
import { embeddingKernel } from './embedding.js';
import { gemmKernel } from './gemm.js';
import { gradientClipKernel } from './gradient_clip.js';
import { layerNormKernel } from './layer_norm.js';
import { optimizerKernel } from './optimizer.js';
import { poolingKernel } from './pooling.js';
import { reduceColumnsKernel } from './reduce_columns.js';
import { samplingKernel } from './sampling.js';
import { softmaxCrossEntropyKernel } from './softmax_cross_entropy.js';
import { squaredNormKernel } from './squared_norm.js';
import { lstmForwardKernel } from './lstm_forward.js';
import { lstmBackwardKernel } from './lstm_backward.js';
import { gruForwardKernel } from './gru_forward.js';
import { gruBackwardKernel } from './gru_backward.js';
import { rnnForwardKernel } from './rnn_forward.js';
import { rnnBackwardKernel } from './rnn_backward.js';

export { beamSearchKernel, MAX_BEAM_WIDTH, DEAD_BEAM_SCORE, type BeamSearchKernelCall } from './beam_search.js';
export { elementwiseKernel, type ElementwiseKernelCall, type DropoutMask } from './elementwise.js';
export { embeddingKernel, type EmbeddingKernelCall } from './embedding.js';
export { gemmKernel, chooseGemmTiling, type GemmKernelCall, type GemmShape, type GemmTiling } from './gemm.js';
export { gradientClipKernel, type GradientClipKernelCall } from './gradient_clip.js';
export { layerNormKernel, type LayerNormKernelCall } from './layer_norm.js';
export { optimizerKernel, type OptimizerKernelCall, type OptimizerMethod } from './optimizer.js';
export { poolingKernel, type PoolingKernelCall } from './pooling.js';
export { reduceColumnsKernel, columnReduceGroups, type ReduceColumnsKernelCall } from './reduce_columns.js';
export { samplingKernel, type SamplingKernelCall } from './sampling.js';
export { softmaxCrossEntropyKernel, type SoftmaxCrossEntropyKernelCall } from './softmax_cross_entropy.js';
export { squaredNormKernel, squaredNormBlocks, type SquaredNormKernelCall } from './squared_norm.js';
export { lstmForwardKernel } from './lstm_forward.js';
export { lstmBackwardKernel } from './lstm_backward.js';
export { gruForwardKernel } from './gru_forward.js';
export { gruBackwardKernel } from './gru_backward.js';
export { rnnForwardKernel } from './rnn_forward.js';
export { rnnBackwardKernel } from './rnn_backward.js';
export { composeRecurrentShader, recurrentKernel, type RecurrentKernel, type RecurrentKernelCall, type RecurrentSchedule, type RecurrentShape } from './recurrent_common.js';

/** Every descriptor; `never` accepts each one whatever its call type. */
export const KERNELS: readonly KernelDescriptor<never>[] = [
  gemmKernel,
  reduceColumnsKernel,
  elementwiseKernel,
  squaredNormKernel,
  gradientClipKernel,
  optimizerKernel,
  embeddingKernel,
  poolingKernel,
  layerNormKernel,
  softmaxCrossEntropyKernel,
  samplingKernel,
  beamSearchKernel,
  lstmForwardKernel,
  lstmBackwardKernel,
  gruForwardKernel,
  gruBackwardKernel,
  rnnForwardKernel,
  rnnBackwardKernel,
];
