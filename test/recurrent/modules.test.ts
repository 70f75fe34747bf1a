import { describe, expect, it } from 'vitest';
import { ArgumentError, DeviceLimitError, GRU, LSTM, RNN, Tensor, initialStateDict } from '../../src/index.js';
import { randomArray } from '../../src/util/random.js';
import { compareArrays } from '../checks/compare.js';
import { makeNetwork, RECURRENT_RTOL, type RecurrentCase } from '../checks/recurrent-checks.js';
import { useRuntime } from '../helpers.js';

describe('streaming', () => {
  const runtime = useRuntime();

  const cases: RecurrentCase[] = [
    { cell: 'lstm', inputSize: 6, hiddenSize: 32, numLayers: 2, bidirectional: false, steps: 37, batch: 3 },
    { cell: 'gru', resetAfter: false, inputSize: 6, hiddenSize: 16, numLayers: 1, bidirectional: false, steps: 37, batch: 2, batchFirst: true },
    { cell: 'rnn', inputSize: 6, hiddenSize: 8, numLayers: 3, bidirectional: false, steps: 37, batch: 5, withInitialState: true },
    // The options inside the cell, in evaluation: zoneout's expectation, layer norm, heads.
    { cell: 'lstm', inputSize: 6, hiddenSize: 8, numLayers: 2, bidirectional: false, steps: 37, batch: 3, inside: { layerNorm: true, heads: 2, zoneout: { hidden: 0.2, cell: 0.4 }, recurrentDropout: 0.3 } },
    { cell: 'gru', inputSize: 6, hiddenSize: 6, numLayers: 1, bidirectional: false, steps: 37, batch: 2, batchFirst: true, inside: { layerNorm: true, zoneout: 0.3 } },
    { cell: 'rnn', inputSize: 6, hiddenSize: 9, numLayers: 2, bidirectional: false, steps: 37, batch: 2, withInitialState: true, inside: { layerNorm: true, heads: 3 } },
  ];
  for (const c of cases) {
    it(`${c.cell}${c.batchFirst ? ' batch-first' : ''}${c.inside ? ` ${JSON.stringify(c.inside)}` : ''}: pieces of 1, 5, 13 and 18 steps equal one call on all 37`, async () => {
      const rt = runtime();
      const network = makeNetwork(rt, c);
      const { steps: T, batch: B, inputSize: I, hiddenSize: H } = c;
      const x = randomArray(T * B * I, 11);
      const stateShape = [c.numLayers, B, H];
      const h0 = c.withInitialState ? Tensor.from(rt, randomArray(c.numLayers * B * H, 12), stateShape) : undefined;
      const layoutOf = (t0: number, t1: number): Tensor => {
        const steps = t1 - t0;
        const data = new Float32Array(steps * B * I);
        for (let t = t0; t < t1; t++) {
          for (let b = 0; b < B; b++) {
            const at = c.batchFirst ? (b * steps + (t - t0)) * I : ((t - t0) * B + b) * I;
            data.set(x.subarray((t * B + b) * I, (t * B + b + 1) * I), at);
          }
        }
        return Tensor.from(rt, data, c.batchFirst ? [B, steps, I] : [steps, B, I]);
      };
      const whole = network.forward(layoutOf(0, T), h0 ? { h0 } : {});
      const wholeOut = await whole.output.read();

      const stream = network.stream(h0 ? { h0 } : {});
      const cuts = [0, 1, 6, 19, 37];
      const pieces: Float32Array[] = [];
      for (let i = 0; i + 1 < cuts.length; i++) pieces.push(await stream.forward(layoutOf(cuts[i]!, cuts[i + 1]!)).read());
      // Reassemble the pieces in the whole call's layout.
      const streamed = new Float32Array(wholeOut.length);
      for (let i = 0; i + 1 < cuts.length; i++) {
        const [t0, t1] = [cuts[i]!, cuts[i + 1]!];
        for (let t = t0; t < t1; t++) {
          for (let b = 0; b < B; b++) {
            const from = c.batchFirst ? (b * (t1 - t0) + (t - t0)) * H : ((t - t0) * B + b) * H;
            const to = c.batchFirst ? (b * T + t) * H : (t * B + b) * H;
            streamed.set(pieces[i]!.subarray(from, from + H), to);
          }
        }
      }
      const tol = { rtol: RECURRENT_RTOL, atol: RECURRENT_RTOL };
      const outputs = compareArrays(streamed, wholeOut, tol);
      expect(outputs.ok, outputs.message).toBe(true);
      const finalH = compareArrays(await stream.state!.h.read(), await whole.h.read(), tol);
      expect(finalH.ok, finalH.message).toBe(true);
      if (whole.c) {
        const finalC = compareArrays(await stream.state!.c!.read(), await whole.c.read(), tol);
        expect(finalC.ok, finalC.message).toBe(true);
      }
      stream.dispose();
      network.dispose();
    });
  }

  it('refuses to stream a bidirectional network', () => {
    const lstm = new LSTM(runtime(), { inputSize: 2, hiddenSize: 3, bidirectional: true });
    expect(() => lstm.stream()).toThrow(/stream: expected a unidirectional network/);
    lstm.dispose();
  });
});

describe('module arguments and device limits', () => {
  const runtime = useRuntime();

  it('a hidden size the device cannot hold names the limit', () => {
    const limit = runtime().limits.maxComputeWorkgroupStorageSize;
    const tooBig = Math.ceil(limit / 12) + 1; // LSTM keeps 3 floats per unit per sequence
    let caught: unknown;
    try {
      new LSTM(runtime(), { inputSize: 1, hiddenSize: tooBig });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DeviceLimitError);
    expect((caught as Error).message).toMatch(new RegExp(`LSTM forward with hiddenSize ${tooBig} needs maxComputeWorkgroupStorageSize ≥ \\d+, but this device allows ${limit}`));
  });

  it('a device with fewer storage buffers per stage than a kernel binds is refused by name, before any GPU work', async () => {
    const rt = runtime();
    const real = rt.limits;
    // WebGPU's default of 8: an LSTM's forward binds 9, a GRU's forward 8 and its backward 9.
    const eight = new Proxy(real, { get: (target, key) => (key === 'maxStorageBuffersPerShaderStage' ? 8 : (target as unknown as Record<string | symbol, unknown>)[key]) });
    Object.defineProperty(rt, 'limits', { value: eight, configurable: true });
    try {
      await rt.sync();
      const lstm = new LSTM(rt, { inputSize: 2, hiddenSize: 4 });
      const gru = new GRU(rt, { inputSize: 2, hiddenSize: 4 });
      const x = Tensor.from(rt, new Float32Array(6), [3, 1, 2]);
      await rt.sync();
      expect(() => lstm.forward(x)).toThrow(/LSTM forward needs maxStorageBuffersPerShaderStage ≥ 9, but this device allows 8/);
      expect(() => gru.forwardTrain(x)).toThrow(DeviceLimitError);
      expect(() => gru.forwardTrain(x)).toThrow(/GRU backward needs maxStorageBuffersPerShaderStage ≥ 9/);
      expect(rt.hasPendingWork).toBe(false);
      const { output, h } = gru.forward(x);
      expect(output.shape).toEqual([3, 1, 4]);
      for (const t of [x, output, h]) t.dispose();
      lstm.dispose();
      gru.dispose();
    } finally {
      Object.defineProperty(rt, 'limits', { value: real, configurable: true });
    }
  });

  it('rejects bad options and inputs before any GPU work', () => {
    const rt = runtime();
    expect(() => new GRU(rt, { inputSize: 0, hiddenSize: 4 })).toThrow(/options.inputSize: expected an integer ≥ 1, got 0/);
    expect(() => new RNN(rt, { inputSize: 2, hiddenSize: 4, nonlinearity: 'sigmoid' as never })).toThrow(/options.nonlinearity: expected one of "tanh", "relu", got "sigmoid"/);
    expect(() => new LSTM(rt, { inputSize: 2, hiddenSize: 4, bidirectional: 1 as never })).toThrow(/options.bidirectional: expected true or false, got 1/);

    const lstm = new LSTM(rt, { inputSize: 2, hiddenSize: 4, numLayers: 2 });
    const gru = new GRU(rt, { inputSize: 2, hiddenSize: 4 });
    const x = Tensor.zeros(rt, [5, 3, 2]);
    const wrongFeatures = Tensor.zeros(rt, [5, 3, 7]);
    const h0 = Tensor.zeros(rt, [1, 3, 4]);
    const ids = Tensor.zeros(rt, [5, 3, 2], 'i32');
    rt.submit();
    const expectRejected = (run: () => unknown, pattern: RegExp): void => {
      expect(run).toThrow(ArgumentError);
      expect(run).toThrow(pattern);
      expect(rt.hasPendingWork).toBe(false);
    };
    expectRejected(() => lstm.forward(wrongFeatures), /input: expected shape \[T, B, inputSize\] with inputSize 2, got shape \[5, 3, 7\]/);
    expectRejected(() => lstm.forward(ids), /input: expected dtype f32, got dtype i32/);
    expectRejected(() => lstm.forward(x, { h0 }), /state.h0: expected shape \[2, 3, 4\] \[layers·directions, B, H\], got shape \[1, 3, 4\]/);
    expectRejected(() => lstm.forward(x, { lengths: [5, 5] }), /state.lengths: expected 3 lengths \(one per sequence\), got 2/);
    expectRejected(() => lstm.forward(x, { lengths: [5, 0, 2] }), /state.lengths\[1\]: expected an integer in \[1, 5\], got 0/);
    expectRejected(() => lstm.forward(x, { lengths: [6, 1, 2] }), /state.lengths\[0\]: expected an integer in \[1, 5\], got 6/);
    expectRejected(() => gru.forward(x, { c0: h0 }), /state.c0: expected nothing: only LSTM has a cell state, this is GRU/);
    lstm.dispose();
    gru.dispose();
  });
});

describe('weights', () => {
  const runtime = useRuntime();

  it('stateDict uses PyTorch names, shapes and order, and round-trips through loadStateDict', async () => {
    const rt = runtime();
    const lstm = new LSTM(rt, { inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, init: { seed: 1 } });
    const dict = await lstm.stateDict();
    expect(Object.keys(dict)).toEqual([
      'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0',
      'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse',
      'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1',
      'weight_ih_l1_reverse', 'weight_hh_l1_reverse', 'bias_ih_l1_reverse', 'bias_hh_l1_reverse',
    ]);
    expect(dict.weight_ih_l0!.shape).toEqual([20, 3]);
    expect(dict.weight_ih_l1!.shape).toEqual([20, 10]);
    expect(dict.weight_hh_l1_reverse!.shape).toEqual([20, 5]);
    // Non-square recurrent blocks make a transposition mistake visible.
    const other = initialStateDict(lstm.config, lstm.dims, { seed: 99 });
    lstm.loadStateDict(other);
    const back = await lstm.stateDict();
    for (const name of Object.keys(other)) expect(Array.from(back[name]!.data)).toEqual(Array.from(other[name]!.data));
    lstm.dispose();
  });

  it('loadStateDict rejects missing, unexpected and misshapen entries and changes nothing', async () => {
    const rt = runtime();
    const gru = new GRU(rt, { inputSize: 2, hiddenSize: 3, bias: false, init: { seed: 3 } });
    const before = await gru.stateDict();
    expect(Object.keys(before)).toEqual(['weight_ih_l0', 'weight_hh_l0']);
    const changed = { weight_ih_l0: { shape: [9, 2], data: new Float32Array(18).fill(1) }, weight_hh_l0: { shape: [9, 3], data: new Float32Array(27).fill(1) } };
    expect(() => gru.loadStateDict({ ...changed, bias_ih_l0: { shape: [9], data: new Float32Array(9) } })).toThrow(/unexpected keys bias_ih_l0/);
    expect(() => gru.loadStateDict({ weight_ih_l0: changed.weight_ih_l0 })).toThrow(/stateDict: expected key weight_hh_l0, got no such key/);
    expect(() => gru.loadStateDict({ ...changed, weight_hh_l0: { shape: [3, 9], data: new Float32Array(27) } })).toThrow(/stateDict.weight_hh_l0: expected shape \[9, 3\], got shape \[3, 9\]/);
    expect(() => gru.loadStateDict({ ...changed, weight_hh_l0: { shape: [9, 3], data: new Float32Array(26) } })).toThrow(/weight_hh_l0.data: expected 27 values, got 26 values/);
    const after = await gru.stateDict();
    for (const name of Object.keys(before)) expect(Array.from(after[name]!.data)).toEqual(Array.from(before[name]!.data));
    gru.dispose();
  });

  it('initialisers: PyTorch uniform bound, orthogonal and identity blocks, forget-gate bias, seeded', () => {
    const config = { cell: 'lstm' as const, resetAfter: true, nonlinearity: 'tanh' as const };
    const dims = { inputSize: 3, hiddenSize: 16, numLayers: 1, directions: 1, bias: true };
    const uniform = initialStateDict(config, dims, { seed: 5 });
    const bound = 1 / Math.sqrt(16);
    expect(Math.max(...Array.from(uniform.weight_hh_l0!.data, Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...Array.from(uniform.weight_hh_l0!.data, Math.abs))).toBeGreaterThan(bound * 0.9);
    expect(Array.from(initialStateDict(config, dims, { seed: 5 }).weight_ih_l0!.data)).toEqual(Array.from(uniform.weight_ih_l0!.data));

    const orthogonal = initialStateDict(config, dims, { seed: 5, recurrent: 'orthogonal', forgetBias: 1 }).weight_hh_l0!.data;
    for (let g = 0; g < 4; g++) {
      for (let i = 0; i < 16; i++) {
        for (let j = 0; j < 16; j++) {
          let dot = 0;
          for (let k = 0; k < 16; k++) dot += orthogonal[g * 256 + i * 16 + k]! * orthogonal[g * 256 + j * 16 + k]!;
          expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
        }
      }
    }
    const withBias = initialStateDict(config, dims, { seed: 5, forgetBias: 1 });
    expect(Array.from(withBias.bias_ih_l0!.data).slice(16, 32)).toEqual(new Array(16).fill(1));
    expect(Array.from(withBias.bias_hh_l0!.data).slice(16, 32)).toEqual(new Array(16).fill(0));

    const identity = initialStateDict({ ...config, cell: 'rnn' }, dims, { recurrent: 'identity' });
    expect(identity.weight_hh_l0!.data[0]).toBe(1);
    expect(identity.weight_hh_l0!.data[1]).toBe(0);
    expect(identity.weight_hh_l0!.data[17]).toBe(1);
    expect(Array.from(identity.bias_ih_l0!.data).every((v) => v === 0)).toBe(true);
  });
});
