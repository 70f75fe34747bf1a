/**
 * tfjs on the same shapes and in the same process: its webgpu backend (on the same Dawn
 * adapter as this engine) and its cpu backend. Inference is predict() with the output read
 * back; a training step is one Adam minimize() on the mean output, as in benchEngine.
 */
import * as tf from '@tensorflow/tfjs';
import { measure, type Measurement } from './measure.js';
import type { BenchShape } from './shapes.js';
import type { Runtime } from '../src/index.js';

/**
 * Gives tfjs's webgpu backend the Dawn GPU object (Node 20 has no navigator), then loads
 * the backend, which registers itself only when navigator.gpu exists at import time.
 */
export async function registerTfjsWebgpu(gpu: GPU): Promise<void> {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  g.navigator ??= {};
  g.navigator.gpu = gpu;
  await import('@tensorflow/tfjs-backend-webgpu');
}

export async function benchTfjs(runtime: Runtime, backend: 'webgpu' | 'cpu', shape: BenchShape, runs = 5): Promise<Measurement[]> {
  await tf.setBackend(backend);
  await tf.ready();
  const { inputSize: I, hiddenSize: H, steps: T, batch: B } = shape;
  const layer = shape.cell === 'lstm' ? tf.layers.lstm : tf.layers.gru;
  const model = tf.sequential({ layers: [layer({ units: H, returnSequences: true, inputShape: [T, I] })] });
  const x = tf.randomNormal([B, T, I]);
  const optimizer = tf.train.adam(1e-3);
  // `measure` syncs the engine's runtime; tfjs work is awaited inside each run.
  const inference = await measure(runtime, `${shape.name} inference`, async () => {
    const y = model.predict(x) as tf.Tensor;
    await y.data();
    y.dispose();
  }, runs);
  const training = await measure(runtime, `${shape.name} training step`, async () => {
    const loss = optimizer.minimize(() => tf.mean(model.apply(x) as tf.Tensor) as tf.Scalar, true);
    await loss!.data();
    loss!.dispose();
  }, runs);
  x.dispose();
  optimizer.dispose();
  model.dispose();
  return [inference, training].map((m) => ({ ...m, name: `${m.name} (tfjs-${backend})` }));
}
