import { describe, expect, it } from 'vitest';
import { ArgumentError, LSTM, Tensor, exportTuning, importTuning, randomArray, tuneRecurrent, tuningKey } from '../../src/index.js';
import { useRuntime } from '../helpers.js';

describe('tuneRecurrent', () => {
  const runtime = useRuntime();

  it('times every candidate, records the fastest for the shape, and networks then use it', async () => {
    const rt = runtime();
    const network = new LSTM(rt, { inputSize: 3, hiddenSize: 8, init: { seed: 1 } });
    const input = Tensor.from(rt, randomArray(4 * 9 * 3, 2), [4, 9, 3]);
    const before = await network.forward(input).output.read();
    const results = await tuneRecurrent(network, input, { runs: 1 });
    expect(results.map((r) => r.pass)).toEqual(['forward', 'backward']);
    for (const r of results) {
      expect(r.timings.length).toBeGreaterThanOrEqual(3);
      expect(r.choice).toEqual(r.timings[0]!.choice);
      for (let i = 1; i < r.timings.length; i++) expect(r.timings[i]!.milliseconds).toBeGreaterThanOrEqual(r.timings[i - 1]!.milliseconds);
    }
    const table = exportTuning(rt);
    const key = tuningKey(network.config, { steps: 4, batch: 9, hidden: 8, directions: 1 }, 'forward');
    expect(table[key]).toEqual(results[0]!.choice);
    // Tuning leaves no gradients behind and changes no result.
    for (const g of Object.values(await network.gradientStateDict())) expect(Array.from(g.data).every((v) => v === 0)).toBe(true);
    const after = await network.forward(input).output.read();
    for (let i = 0; i < before.length; i++) expect(after[i]).toBeCloseTo(before[i]!, 6);
    network.dispose();
    input.dispose();
  });

  it('tunes a cell with layer norm and heads under its own key, never splitting a head', async () => {
    const rt = runtime();
    const network = new LSTM(rt, { inputSize: 3, hiddenSize: 8, heads: 2, layerNorm: true, init: { seed: 1 } });
    const input = Tensor.from(rt, randomArray(3 * 5 * 3, 2), [3, 5, 3]);
    const results = await tuneRecurrent(network, input, { runs: 1 });
    for (const r of results) for (const t of r.timings) expect(t.choice.strategy).toBe('persistent');
    const key = tuningKey(network.variant, { steps: 3, batch: 5, hidden: 8, directions: 1 }, 'forward');
    expect(key).toContain('lstm+heads2+ln');
    expect(exportTuning(rt)[key]).toEqual(results[0]!.choice);
    expect(() => network.forward(input, {}, { forward: { strategy: 'split' } })).toThrow(/schedules\.forward\.strategy.*'persistent' for a cell with layer norm/);
    network.dispose();
    input.dispose();
  });

  it('imports a table after checking it', () => {
    const rt = runtime();
    expect(() => importTuning(rt, { 'lstm H=8 B=9 D=1 forward': { batchBlock: 0 } })).toThrow(ArgumentError);
    expect(() => importTuning(rt, { 'lstm H=8 B=9 D=1 forward': { batchBlock: 0 } })).toThrow(/table\["lstm H=8 B=9 D=1 forward"\]\.batchBlock/);
    importTuning(rt, { 'lstm H=5 B=2 D=1 forward': { batchBlock: 2, workgroupSize: 64 } });
    expect(exportTuning(rt)['lstm H=5 B=2 D=1 forward']).toEqual({ batchBlock: 2, workgroupSize: 64 });
  });
});
