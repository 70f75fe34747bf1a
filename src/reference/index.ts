export { referenceGemm, referenceSumColumns, type ReferenceGemmArgs, type ReferenceGemmResult } from './linear-algebra.js';
export {
  referenceRecurrent,
  referenceRecurrentGradients,
  gateCount,
  type ReferenceRecurrentArgs,
  type ReferenceRecurrentResult,
  type ReferenceSeeds,
  type ReferenceGradients,
  type StateDict,
  type CellType,
  type Nonlinearity,
} from './recurrent.js';
export { referenceLayerNorm, referenceLogSoftmax, type LayerNormResult } from './layers.js';
