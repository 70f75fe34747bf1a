import { describe, expect, it } from 'vitest';
import { ArgumentError, GRU, LSTM, RNN, initialStateDict } from '../../src/index.js';
import { useRuntime } from '../helpers.js';

const lstm = { cell: 'lstm' as const, resetAfter: true, nonlinearity: 'tanh' as const };
const dims = { inputSize: 3, hiddenSize: 4, numLayers: 1, directions: 1, bias: true };

describe('initialStateDict', () => {
  it('rejects unknown initialisers, keys, seeds and forget biases, naming the field', () => {
    const rejects = (init: unknown, message: string, config: typeof lstm | { cell: 'gru' | 'rnn'; resetAfter: boolean; nonlinearity: 'tanh' } = lstm): void => {
      expect(() => initialStateDict(config, dims, init as never)).toThrow(ArgumentError);
      expect(() => initialStateDict(config, dims, init as never)).toThrow(message);
    };
    rejects({ recurrent: 'xavier' }, 'init.recurrent: expected one of "uniform", "orthogonal", "identity", got "xavier"');
    rejects({ recurent: 'orthogonal' }, 'init.recurent: expected an init option (seed, recurrent, forgetBias), got an unknown key');
    rejects({ seed: 1.5 }, 'init.seed: expected an integer ≥ 0, got 1.5');
    rejects({ seed: -1 }, 'init.seed: expected an integer ≥ 0, got -1');
    rejects({ seed: NaN }, 'init.seed: expected an integer ≥ 0, got NaN');
    rejects({ seed: '3' }, 'init.seed: expected an integer ≥ 0, got "3"');
    rejects({ forgetBias: NaN }, 'init.forgetBias: expected a finite number, got NaN');
    rejects({ forgetBias: '1' }, 'init.forgetBias: expected a finite number, got "1"');
    rejects({ forgetBias: 1 }, 'init.forgetBias: expected nothing: only LSTM has a forget gate, this is GRU, got 1', { ...lstm, cell: 'gru' });
    rejects(null, 'init: expected an object { seed?, recurrent?, forgetBias? }, got null');
    rejects(5, 'init: expected an object { seed?, recurrent?, forgetBias? }, got 5');
    // What is valid still initialises.
    expect(initialStateDict(lstm, dims, { seed: 2 ** 32 + 2, recurrent: 'orthogonal', forgetBias: 1 }).bias_ih_l0!.data[4]).toBe(1);
  });
});

describe('networks', () => {
  const runtime = useRuntime();

  it('name their init options in errors, before any GPU work', () => {
    const rt = runtime();
    rt.submit();
    expect(() => new LSTM(rt, { inputSize: 2, hiddenSize: 4, init: { recurrent: 'xavier' as never } })).toThrow('options.init.recurrent: expected one of "uniform", "orthogonal", "identity", got "xavier"');
    expect(() => new GRU(rt, { inputSize: 2, hiddenSize: 4, init: { forgetBias: 1 } })).toThrow('options.init.forgetBias: expected nothing: only LSTM has a forget gate, this is GRU, got 1');
    expect(() => new RNN(rt, { inputSize: 2, hiddenSize: 4, init: null as never })).toThrow('options.init: expected an object');
    expect(rt.hasPendingWork).toBe(false);
  });
});
