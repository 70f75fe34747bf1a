/**
 * Writes a model made here, with an input and this engine's output, for
 * check_export.py to run in PyTorch:  npx vite-node test/golden/export-sample.ts OUT_DIR
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GRU, LSTM, RNN, Tensor, createRuntime, encodeSafetensors, randomArray, type RecurrentNetwork } from '../../src/index.js';

const outDir = process.argv[2] ?? '.';
const runtime = await createRuntime();
const models: [string, RecurrentNetwork, Record<string, unknown>][] = [
  ['lstm', new LSTM(runtime, { inputSize: 4, hiddenSize: 6, numLayers: 2, bidirectional: true, init: { seed: 3, forgetBias: 1 } }), { cell: 'lstm', num_layers: 2, bidirectional: true }],
  ['gru', new GRU(runtime, { inputSize: 4, hiddenSize: 5, init: { seed: 4, recurrent: 'orthogonal' } }), { cell: 'gru', num_layers: 1, bidirectional: false }],
  ['rnn', new RNN(runtime, { inputSize: 4, hiddenSize: 7, nonlinearity: 'relu', init: { seed: 5 } }), { cell: 'rnn', nonlinearity: 'relu', num_layers: 1, bidirectional: false }],
];
for (const [name, network, config] of models) {
  const [T, B] = [6, 2];
  const x = randomArray(T * B * 4, 9);
  const result = network.forward(Tensor.from(runtime, x, [T, B, 4]));
  const weights = await network.stateDict();
  const tensors = {
    ...Object.fromEntries(Object.entries(weights).map(([k, v]) => [`weights.${k}`, v])),
    input: { shape: [T, B, 4], data: x },
    output: { shape: result.output.shape, data: await result.output.read() },
    h_n: { shape: result.h.shape, data: await result.h.read() },
  };
  const file = join(outDir, `${name}.export.safetensors`);
  writeFileSync(file, encodeSafetensors(tensors, { config: JSON.stringify({ ...config, input_size: 4, hidden_size: network.hiddenSize }) }));
  console.log(`wrote ${file}`);
}
runtime.destroy();
process.exit(0);
