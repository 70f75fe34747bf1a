/// <reference types="@webgpu/types" preserve="true" />
/**
 * webgpu-rnn: recurrent networks on WebGPU. This entry holds what a model author calls:
 * the runtime and tensors, modules and layers, training, generation, models, data and
 * io. Kernel internals (descriptors, the cell table, schedules, `encode*` on raw buffers,
 * reflection and caches) are in `webgpu-rnn/kernels`.
 */
export { createRuntime, type RuntimeOptions } from './runtime/create-runtime.js';
export { Runtime, type AdapterDescription } from './runtime/runtime.js';
export type { KernelTime } from './runtime/profiler.js';
export { SWIFTSHADER_ICD_PATHS, type NodeAdapterChoice } from './runtime/node-gpu.js';
export { Tensor, checkTensor, sizeOf, DTYPES, type DType, type TypedArrayFor, type TensorExpectation } from './tensor.js';
export { ArgumentError, DeviceLimitError, DeviceLostError, MissingPackageError } from './errors.js';
export { IdRangeError, IdChecks, ID_CHECK_SLOTS } from './runtime/id-checks.js';
export type { StateDict, CellType, CellConfig, Nonlinearity, RecurrentState } from './core/types.js';
export { Module, type OwnParameter } from './core/module.js';

// Tensor ops
export { gemm, type GemmOptions } from './ops/gemm.js';
export { sumColumns, type SumColumnsOptions } from './ops/reduce.js';

// Recurrent networks
export { RecurrentNetwork, type RecurrentOptions, type ForwardState, type ForwardResult, type TrainingPass, type BackwardSeeds, type BackwardResult } from './recurrent/network.js';
export type { CellOptions, CellRates } from './recurrent/cell-options.js';
export { LSTM, GRU, RNN, type LSTMOptions, type GRUOptions, type RNNOptions } from './recurrent/modules.js';
export { RecurrentStream } from './recurrent/stream.js';
export { GradientTrace, HiddenGradients, type StepTrace, type GradientTraceLayout } from './recurrent/gradient-trace.js';
export { RecurrentActivations, activationNames, type ActivationLayout } from './recurrent/activations.js';
export { initialStateDict, parameterShapes, type InitOptions, type NetworkDims } from './recurrent/init.js';
export { RecurrentParameters, type LayerParameters } from './recurrent/parameters.js';
export type { PlanSource } from './recurrent/plan.js';
export { tuneRecurrent, exportTuning, importTuning, tuningKey, type TunedChoice, type TuningResult, type TuneOptions } from './recurrent/tuning.js';
export type { RecurrentShape } from './recurrent/schedule.js';

// Layers
export { Linear, type LinearOptions } from './layers/linear.js';
export { Embedding, type EmbeddingOptions } from './layers/embedding.js';
export { LayerNorm, type LayerNormOptions } from './layers/layer-norm.js';
export { softmaxCrossEntropy, type CrossEntropyOptions, type CrossEntropyResult } from './layers/cross-entropy.js';
export { meanPool, lastStatePool } from './layers/pooling.js';

// Training
export { Tape, type TapeNode } from './autograd/tape.js';
export { SGD, Adam, AdamW, Adagrad, Optimizer, type SGDOptions, type AdamOptions, type OptimizerSettings, type AdagradOptions, type LearningRateSchedule } from './train/optimizers.js';
export { gradientNorm, squaredGradientNorm, clipGradientNorm, clipGradientValue } from './train/gradients.js';
export type { Parameter, HasParameters } from './train/parameter.js';
export { TruncatedBPTT, type TruncatedBPTTOptions, type WindowLoss, type OutputLoss } from './train/tbptt.js';
export { saveCheckpoint, loadCheckpoint, type Checkpointable } from './train/checkpoint.js';

// Generation
export { generate, type GenerateOptions, type SamplingOptions } from './generate/sampling.js';
export { beamSearch, MAX_BEAM_WIDTH, MAX_BLOCKED_NGRAM, type BeamSearchOptions, type BeamHypothesis } from './generate/beam-search.js';
export { disposeState, type TokenModel } from './generate/token-model.js';

// Models
export { CharLanguageModel, type CharLanguageModelConfig, type CharLanguageModelOptions } from './models/char-lm.js';
export { charModelActivations, lastStepGradients } from './models/char-lm-analysis.js';
export { textFeatures, correlation, rankUnits, type TextFeature, type UnitMatch, type RankOptions } from './analysis/unit-features.js';
export * from './report/index.js';
export { gradientFlow, survivingFraction, TEXTBOOK_CELLS, type FlowCell, type GradientFlowOptions, type GradientFlowResult } from './analysis/gradient-flow.js';
export { loadCharModel, charModelFromCheckpoint, readCharModelCheckpoint, CHAR_LM_CHECKPOINT_FORMAT, type CharLanguageModelCheckpoint, type LoadedCharModel } from './models/char-lm-checkpoint.js';
export { SequenceClassifier, type SequenceClassifierOptions } from './models/classifier.js';
export { Seq2Seq, padSequences, type Seq2SeqOptions, type SourceBatch } from './models/seq2seq.js';

// Data and io
export { CharVocabulary } from './data/vocabulary.js';
export { StreamBatches, splitStream, unigramBitsPerToken, type TokenWindow } from './data/batches.js';
export { encodeSafetensors, decodeSafetensors, withoutPrefix, SafetensorsError, type SafetensorsFile } from './io/safetensors.js';
export { randomGenerator, normalGenerator, randomArray } from './util/random.js';
export * as reference from './reference/index.js';
