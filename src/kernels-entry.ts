/// <reference types="@webgpu/types" preserve="true" />
/**
 * `webgpu-rnn/kernels`: the engine's internals for people who build on it. Kernel
 * descriptors (one per shader), the cell table, the scheduler, the raw-buffer `encode*`
 * functions, reflection and the pipeline caches. The package root exports what a model
 * author calls; this entry is for new kernels, strategies and cells.
 */
export * from './kernels/index.js';
export { workgroupBytes, type KernelDescriptor, type KernelLaunch, type DeviceTraits } from './gpu/kernel-descriptor.js';
export { KernelCache, kernelKey, type Kernel, type KernelSpec, type ConstantValue, type BufferBindings } from './gpu/kernel-cache.js';
export {
  reflectEntryPoint,
  bindGroupLayoutEntries,
  packUniforms,
  selectBindings,
  type ShaderSource,
  type EntryPointLayout,
  type BindingInfo,
  type UniformLayout,
  type UniformField,
  type BindingKind,
  type ScalarType,
} from './gpu/reflection.js';
export { elementwiseGrid } from './gpu/geometry.js';
export { BufferPool, type PoolStats } from './runtime/buffer-pool.js';
export type { DispatchArgs } from './runtime/runtime.js';
export { encodeGemm, type GemmCall } from './ops/gemm.js';
export { encodeColumnReduce, type ColumnReduceCall } from './ops/reduce.js';
export { encodeAxpy, encodeDropout } from './ops/elementwise.js';
export { encodeSampling, checkSamplingOptions, type SamplingCall } from './generate/sampling.js';
export type { CellStepOptions, ReferenceCell, ReferenceStep, ReferenceWeights, ReferenceWeightGrads } from './reference/cell.js';
export type { MeanPoolSizes, LastStatePoolSizes } from './kernels/pooling.js';
export type { RecurrentStrategyName, Constants, CellMasks } from './kernels/recurrent_common.js';
export {
  CELL_VARIANTS, cellVariant, savedSlot,
  type CellVariant, type CellParameter, type RecurrentWeightBlock, type GradientRows, type GradientSources, type InputProjection, type LayerNormLayout, type ParameterGradient,
} from './recurrent/cells.js';
export { chooseSchedule, fittingBatchBlock, type ScheduleOptions, type RecurrentPass } from './recurrent/schedule.js';
export { planCall, type CallOptions, type RecurrentPlan, type LayerPlan, type RecurrentStrategy, type RecurrentBuffers, type ScheduleChoices } from './recurrent/plan.js';
export { persistentChunks, chunkStarts } from './recurrent/persistent.js';
