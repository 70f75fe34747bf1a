/** This engine on one shape: inference (forward, read back) and one training step (Adam). */
import { Adam, GRU, LSTM, RNN, Tensor, randomArray, type RecurrentNetwork, type RecurrentOptions, type Runtime, type TunedChoice } from '../src/index.js';
import { measure, type Measurement } from './measure.js';
import { forwardFlops, trainingFlops, type BenchShape } from './shapes.js';

/** The two timed operations on one shape, each leaving nothing queued after a sync. */
export interface EngineCase {
  inference: () => Promise<void>;
  trainingStep: () => void;
  dispose: () => void;
}

const MODULES = { lstm: LSTM, gru: GRU, rnn: RNN } as const;

/**
 * `schedule` fixes scheduler choices (a strategy, say) over the tuned and default ones;
 * `options` adds network options (the options inside the cell, say).
 */
export function engineCase(runtime: Runtime, shape: BenchShape, schedule: TunedChoice = {}, options: Partial<RecurrentOptions> = {}): EngineCase {
  const { inputSize: I, hiddenSize: H, steps: T, batch: B } = shape;
  const network: RecurrentNetwork = new MODULES[shape.cell](runtime, { inputSize: I, hiddenSize: H, init: { seed: 1 }, ...options });
  network.scheduleOverrides = schedule;
  const optimizer = new Adam(runtime, network.parameters(), { lr: 1e-3 });
  const x = Tensor.from(runtime, randomArray(T * B * I, 2), [T, B, I]);
  const seed = Tensor.from(runtime, new Float32Array(T * B * H).fill(1 / (T * B * H)), [T, B, H]);
  return {
    inference: async () => {
      const { output, h, c } = network.forward(x);
      await output.read();
      for (const t of [output, h, c]) t?.dispose();
    },
    trainingStep: () => {
      optimizer.zeroGradients();
      const pass = network.forwardTrain(x);
      const grads = pass.backward({ output: seed });
      optimizer.update();
      for (const t of [pass.output, pass.h, pass.c, grads.input, grads.h0, grads.c0]) t?.dispose();
    },
    dispose: () => {
      for (const t of [x, seed]) t.dispose();
      optimizer.dispose();
      network.dispose();
    },
  };
}

export async function benchEngine(runtime: Runtime, shape: BenchShape, peakGflops: number): Promise<Measurement[]> {
  const bench = engineCase(runtime, shape);
  const inference = await measure(runtime, `${shape.name} inference`, bench.inference);
  const training = await measure(runtime, `${shape.name} training step`, bench.trainingStep);
  bench.dispose();
  const withRate = (m: Measurement, flops: number): Measurement => {
    const gflops = flops / (m.value / 1e3) / 1e9;
    return { ...m, gflops, shareOfPeak: gflops / peakGflops };
  };
  return [withRate(inference, forwardFlops(shape)), withRate(training, trainingFlops(shape))];
}
