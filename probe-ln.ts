import { createRuntime } from './src/index.js';
import { engineCase } from './bench/engine.js';
import { measure, profileOnce } from './bench/measure.js';
const runtime = await createRuntime();
const shape = { name: 'x', cell: 'lstm' as const, inputSize: 64, hiddenSize: 128, steps: 32, batch: 16 };
for (const options of [{}, { layerNorm: true }, {}, { layerNorm: true }]) {
  const bench = engineCase(runtime, shape, {}, options);
  const times = await profileOnce(runtime, bench.trainingStep);
  const gpu = times.reduce((a, t) => a + t.milliseconds, 0);
  const dispatches = times.reduce((a, t) => a + t.dispatches, 0);
  const wall = await measure(runtime, 'x', bench.trainingStep, 5);
  console.log(JSON.stringify(options), `gpu ${gpu.toFixed(1)} dispatches ${dispatches} wall ${wall.value.toFixed(1)}`);
  bench.dispose();
}
runtime.destroy();
