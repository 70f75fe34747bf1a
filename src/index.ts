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
export { gemm, encodeGemm, chooseGemmTiling, GEMM_SHADER, type GemmOptions, type GemmCall, type GemmTiling } from './ops/gemm.js';
export { sumColumns, encodeColumnReduce, REDUCE_COLUMNS_SHADER, type SumColumnsOptions, type ColumnReduceCall } from './ops/reduce.js';
export * as reference from './reference/index.js';
export { RecurrentNetwork, type RecurrentOptions, type ForwardState, type ForwardResult, type TrainingPass, type BackwardSeeds, type BackwardResult } from './recurrent/network.js';
export { LSTM, GRU, RNN, type LSTMOptions, type GRUOptions, type RNNOptions } from './recurrent/modules.js';
export { RecurrentStream } from './recurrent/stream.js';
export { chooseSchedule, type RecurrentSchedule, type RecurrentShape, type ScheduleOptions } from './recurrent/schedule.js';
export { tuneRecurrent, exportTuning, importTuning, tuningKey, type TunedChoice, type TuningResult, type TuneOptions } from './recurrent/tuning.js';
export { initialStateDict, parameterShapes, type InitOptions } from './recurrent/init.js';
export {
  LSTM_FORWARD_SHADER,
  GRU_FORWARD_SHADER,
  RNN_FORWARD_SHADER,
  LSTM_BACKWARD_SHADER,
  GRU_BACKWARD_SHADER,
  RNN_BACKWARD_SHADER,
  type CellConfig,
} from './recurrent/cells.js';
export { randomGenerator, normalGenerator, randomArray } from './util/random.js';
export type { StateDict, CellType, Nonlinearity, RecurrentState } from './core/types.js';
export { encodeSafetensors, decodeSafetensors, withoutPrefix, type SafetensorsFile } from './io/safetensors.js';
export { SGD, Adam, AdamW, Adagrad, Optimizer, OPTIMIZER_SHADER, type SGDOptions, type AdamOptions, type AdagradOptions, type LearningRateSchedule } from './train/optimizers.js';
export { gradientNorm, squaredGradientNorm, clipGradientNorm, clipGradientValue, SQUARED_NORM_SHADER, GRADIENT_CLIP_SHADER } from './train/gradients.js';
export type { Parameter, HasParameters } from './train/parameter.js';
export { Tape, type TapeNode } from './autograd/tape.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export { softmaxCrossEntropy, CROSS_ENTROPY_SHADER, type CrossEntropyOptions, type CrossEntropyResult } from './layers/cross-entropy.js';
export { encodeAxpy, encodeDropout, type DropoutMask } from './ops/elementwise.js';
export { elementwise } from './kernels/elementwise.js';
export { TruncatedBPTT, type TruncatedBPTTOptions } from './train/tbptt.js';
export { saveCheckpoint, loadCheckpoint, type Checkpointable } from './train/checkpoint.js';
export { Embedding, EMBEDDING_SHADER, type EmbeddingOptions } from './layers/embedding.js';
export { LayerNorm, LAYER_NORM_SHADER, type LayerNormOptions } from './layers/layer-norm.js';
export { generate, encodeSampling, checkSamplingOptions, SAMPLING_SHADER, type GenerateOptions, type SamplingOptions } from './generate/sampling.js';
export { beamSearch, BEAM_SEARCH_SHADER, MAX_BEAM_WIDTH, type BeamSearchOptions, type BeamHypothesis } from './generate/beam-search.js';
export { disposeState, type TokenModel } from './generate/token-model.js';
export { CharLanguageModel, type CharLanguageModelConfig, type CharLanguageModelOptions } from './models/char-lm.js';
export { CharVocabulary } from './data/vocabulary.js';
export { StreamBatches, splitStream, unigramBitsPerToken, type TokenWindow } from './data/batches.js';
export { meanPool, lastStatePool, POOLING_SHADER } from './layers/pooling.js';
export { SequenceClassifier, type SequenceClassifierOptions } from './models/classifier.js';
export { Seq2Seq, padSequences, type Seq2SeqOptions, type SourceBatch } from './models/seq2seq.js';
