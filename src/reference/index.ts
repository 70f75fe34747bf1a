export { referenceGemm, referenceSumColumns, type ReferenceGemmArgs, type ReferenceGemmResult } from './linear-algebra.js';
export { referenceRecurrent, gateCount, type ReferenceRecurrentArgs, type ReferenceRecurrentResult, type StateDict, type CellType, type Nonlinearity } from './recurrent.js';
