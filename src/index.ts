export { createRuntime, type RuntimeOptions } from './runtime/create-runtime.js';
export { Runtime, type AdapterDescription, type DispatchArgs } from './runtime/runtime.js';
export type { KernelTime } from './runtime/profiler.js';
export { BufferPool, type PoolStats } from './runtime/buffer-pool.js';
export { SWIFTSHADER_ICD_PATHS, type NodeAdapterChoice } from './runtime/node-gpu.js';
export { KernelCache, kernelKey, type Kernel, type KernelSpec, type ConstantValue, type BufferBindings } from './gpu/kernel-cache.js';
export {
  reflectEntryPoint,
  bindGroupLayoutEntries,
  packUniforms,
  type ShaderSource,
  type EntryPointLayout,
  type BindingInfo,
  type UniformLayout,
  type UniformField,
} from './gpu/reflection.js';
export { Tensor, checkTensor, sizeOf, DTYPES, type DType, type TypedArrayFor } from './tensor.js';
export { ArgumentError, DeviceLimitError } from './errors.js';
export { gemm, encodeGemm, type GemmOptions, type GemmCall } from './ops/gemm.js';
export { sumColumns, encodeColumnReduce, type SumColumnsOptions, type ColumnReduceCall } from './ops/reduce.js';
export {
  KERNELS,
  gemmKernel,
  chooseGemmTiling,
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
  type GemmTiling,
} from './kernels/index.js';
export { workgroupBytes, type KernelDescriptor, type KernelLaunch, type DeviceTraits } from './gpu/kernel-descriptor.js';
export * as reference from './reference/index.js';
export { RecurrentNetwork, type RecurrentOptions, type ForwardState, type ForwardResult, type TrainingPass, type BackwardSeeds, type BackwardResult } from './recurrent/network.js';
export { LSTM, GRU, RNN, type LSTMOptions, type GRUOptions, type RNNOptions } from './recurrent/modules.js';
export { RecurrentStream } from './recurrent/stream.js';
export { chooseSchedule, type RecurrentSchedule, type RecurrentShape, type ScheduleOptions, type RecurrentPass } from './recurrent/schedule.js';
export type { RecurrentPlan, ScheduleChoices } from './recurrent/plan.js';
export { tuneRecurrent, exportTuning, importTuning, tuningKey, type TunedChoice, type TuningResult, type TuneOptions } from './recurrent/tuning.js';
export { initialStateDict, parameterShapes, type InitOptions } from './recurrent/init.js';
export { CELL_VARIANTS, cellVariant, type CellVariant, type CellParameter } from './recurrent/cells.js';
export type { CellConfig } from './core/types.js';
export { lstmForwardKernel } from './kernels/lstm_forward.js';
export { lstmBackwardKernel } from './kernels/lstm_backward.js';
export { gruForwardKernel } from './kernels/gru_forward.js';
export { gruBackwardKernel } from './kernels/gru_backward.js';
export { rnnForwardKernel } from './kernels/rnn_forward.js';
export { rnnBackwardKernel } from './kernels/rnn_backward.js';
export { composeRecurrentShader, type RecurrentKernel, type RecurrentKernelCall } from './kernels/recurrent_common.js';
export { randomGenerator, normalGenerator, randomArray } from './util/random.js';
export type { StateDict, CellType, Nonlinearity, RecurrentState } from './core/types.js';
export { Module, type OwnParameter } from './core/module.js';
export { encodeSafetensors, decodeSafetensors, withoutPrefix, type SafetensorsFile } from './io/safetensors.js';
export { SGD, Adam, AdamW, Adagrad, Optimizer, type SGDOptions, type AdamOptions, type AdagradOptions, type LearningRateSchedule } from './train/optimizers.js';
export { gradientNorm, squaredGradientNorm, clipGradientNorm, clipGradientValue } from './train/gradients.js';
export type { Parameter, HasParameters } from './train/parameter.js';
export { Tape, type TapeNode } from './autograd/tape.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export { softmaxCrossEntropy, type CrossEntropyOptions, type CrossEntropyResult } from './layers/cross-entropy.js';
export { encodeAxpy, encodeDropout, type DropoutMask } from './ops/elementwise.js';
export { TruncatedBPTT, type TruncatedBPTTOptions, type WindowLoss, type OutputLoss } from './train/tbptt.js';
export { saveCheckpoint, loadCheckpoint, type Checkpointable } from './train/checkpoint.js';
export { Embedding, type EmbeddingOptions } from './layers/embedding.js';
export { LayerNorm, type LayerNormOptions } from './layers/layer-norm.js';
export { generate, encodeSampling, checkSamplingOptions, type GenerateOptions, type SamplingOptions } from './generate/sampling.js';
export { beamSearch, MAX_BEAM_WIDTH, type BeamSearchOptions, type BeamHypothesis } from './generate/beam-search.js';
export { disposeState, type TokenModel } from './generate/token-model.js';
export { CharLanguageModel, type CharLanguageModelConfig, type CharLanguageModelOptions } from './models/char-lm.js';
export { CharVocabulary } from './data/vocabulary.js';
export { StreamBatches, splitStream, unigramBitsPerToken, type TokenWindow } from './data/batches.js';
export { meanPool, lastStatePool } from './layers/pooling.js';
export { SequenceClassifier, type SequenceClassifierOptions } from './models/classifier.js';
export { Seq2Seq, padSequences, type Seq2SeqOptions, type SourceBatch } from './models/seq2seq.js';
