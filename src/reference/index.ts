export {
  referenceGemm,
  referenceSumColumns,
  referenceLinear,
  referenceLinearBackward,
  type ReferenceGemmArgs,
  type ReferenceGemmResult,
} from './linear-algebra.js';
export {
  referenceRecurrent,
  referenceRecurrentGradients,
  type ReferenceRecurrentArgs,
  type ReferenceRecurrentResult,
  type ReferenceSeeds,
  type ReferenceGradients,
  type StateDict,
  type CellType,
  type Nonlinearity,
} from './recurrent.js';
export { referenceCellMask, CELL_MASK_KIND, type ReferenceCellOptions } from './cell-options.js';
export { referenceLayerNorm, referenceLogSoftmax, type LayerNormResult } from './layers.js';
export { referenceSoftmaxCrossEntropy, type ReferenceCrossEntropyOptions, type ReferenceCrossEntropyResult } from './softmax_cross_entropy.js';
export { referenceEmbedding, referenceEmbeddingBackward } from './embedding.js';
export { referenceMeanPool, referenceMeanPoolBackward, referenceLastStatePool, referenceLastStatePoolBackward, type PooledStateSizes } from './pooling.js';
export { referencePcgHash, referenceDropoutKeeps, referenceDropoutScale, type ReferenceDropoutMask } from './elementwise.js';
export {
  referenceBeamSearch,
  type PrefixLogits,
  type ReferenceBeamSearchOptions,
  type ReferenceBeamHypothesis,
} from './beam_search.js';
