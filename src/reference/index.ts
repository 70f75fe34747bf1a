export { referenceGemm, referenceSumColumns, type ReferenceGemmArgs, type ReferenceGemmResult } from './linear-algebra.js';
