// The options inside the cell (heads, zoneout, recurrent dropout, layer norm) in the
// persistent kernels, against the float64 reference with the same hashed masks.
import { describe, expect, it } from 'vitest';
import { LSTM, GRU, RNN, ArgumentError } from '../../src/index.js';
import { checkGradientCase } from '../checks/gradient-checks.js';
import { caseName, checkRecurrentCase } from '../checks/recurrent-checks.js';
import { insideCases } from '../checks/recurrent-grid.js';
import { expectAllPass, useRuntime } from '../helpers.js';

const runtime = useRuntime();
const cases = insideCases();

describe('options inside the cell: forward against the float64 reference, every step (1e-5)', () => {
  for (const c of [...cases.forward, ...cases.both]) {
    it(caseName(c), async () => expectAllPass(await checkRecurrentCase(runtime(), c)));
  }
});

describe('options inside the cell: gradients against the float64 BPTT reference (1e-4)', () => {
  for (const c of cases.both) {
    it(caseName(c), async () => expectAllPass(await checkGradientCase(runtime(), c)));
  }
});

describe('options inside the cell: bad options are refused before any GPU work', () => {
  const base = { inputSize: 2, hiddenSize: 6 };
  it('names heads that do not divide hiddenSize', () => {
    expect(() => new LSTM(runtime(), { ...base, heads: 4 })).toThrow(/options\.heads.*divisor of hiddenSize 6.*4/);
  });
  it('names rates outside [0, 1)', () => {
    expect(() => new GRU(runtime(), { ...base, zoneout: 1 })).toThrow(/options\.zoneout.*\[0, 1\).*1/);
    expect(() => new LSTM(runtime(), { ...base, recurrentDropout: { p: -0.1 } })).toThrow(/options\.recurrentDropout\.p/);
  });
  it('refuses what a cell family does not have', () => {
    expect(() => new RNN(runtime(), { ...base, recurrentDropout: 0.2 })).toThrow(ArgumentError);
    expect(() => new GRU(runtime(), { ...base, zoneout: { cell: 0.2 } })).toThrow(/options\.zoneout\.cell/);
  });
  it('refuses a multi-head W_hh with entries between the heads, and changes nothing', async () => {
    const lstm = new LSTM(runtime(), { ...base, heads: 2 });
    const before = await lstm.stateDict();
    const dict = await lstm.stateDict();
    const wHh = Float32Array.from(dict.weight_hh_l0!.data);
    wHh[0 * 6 + 4] = 0.5; // row 0 (head 0), column 4 (head 1)
    expect(() => lstm.loadStateDict({ ...dict, weight_hh_l0: { shape: dict.weight_hh_l0!.shape, data: wHh } })).toThrow(/weight_hh_l0.*between the 2 heads.*row 0, column 4/);
    expect(await lstm.stateDict()).toEqual(before);
    lstm.dispose();
  });
  it('starts multi-head W_hh with zeros between the heads', async () => {
    const rnn = new RNN(runtime(), { ...base, heads: 3, init: { recurrent: 'orthogonal' } });
    const wHh = (await rnn.stateDict()).weight_hh_l0!.data;
    for (let r = 0; r < 6; r++) for (let k = 0; k < 6; k++) if (Math.floor(r / 2) !== Math.floor(k / 2)) expect(wHh[r * 6 + k]).toBe(0);
    rnn.dispose();
  });
});
