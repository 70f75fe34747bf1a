/** Reading the PyTorch golden files made by test/golden/make_golden.py. */
import { readFileSync, readdirSync } from 'node:fs';
import { decodeSafetensors, GRU, LSTM, RNN, type RecurrentNetwork, type Runtime, type StateDict } from '../../src/index.js';

export interface GoldenConfig {
  cell: 'lstm' | 'gru' | 'rnn';
  nonlinearity?: 'tanh' | 'relu';
  input_size: number;
  hidden_size: number;
  num_layers: number;
  bidirectional: boolean;
  batch_first: boolean;
  bias: boolean;
  steps: number;
  batch: number;
  lengths: number[] | null;
  h0: boolean;
}

export interface Golden {
  name: string;
  config: GoldenConfig;
  tensors: StateDict;
  bytes: Uint8Array;
}

const DIR = new URL('../golden/', import.meta.url);

/** The optimizer trajectories made by test/golden/make_optimizer_golden.py. */
export function loadOptimizerGolden(): { tensors: StateDict; metadata: Record<string, string> } {
  return decodeSafetensors(new Uint8Array(readFileSync(new URL('optimizers/optimizers.safetensors', DIR))));
}

export function loadGoldens(): Golden[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.safetensors'))
    .sort()
    .map((file) => {
      const bytes = new Uint8Array(readFileSync(new URL(file, DIR)));
      const { tensors, metadata } = decodeSafetensors(bytes);
      return { name: file.replace('.safetensors', ''), config: JSON.parse(metadata.config!) as GoldenConfig, tensors, bytes };
    });
}

export function networkFor(runtime: Runtime, config: GoldenConfig): RecurrentNetwork {
  const options = {
    inputSize: config.input_size,
    hiddenSize: config.hidden_size,
    numLayers: config.num_layers,
    bidirectional: config.bidirectional,
    batchFirst: config.batch_first,
    bias: config.bias,
  };
  if (config.cell === 'lstm') return new LSTM(runtime, options);
  if (config.cell === 'gru') return new GRU(runtime, options);
  return new RNN(runtime, { ...options, nonlinearity: config.nonlinearity ?? 'tanh' });
}
