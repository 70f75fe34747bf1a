import { describe, expect, it } from 'vitest';
import { ArgumentError, LSTM, Tensor, importTuning } from '../../src/index.js';
import { useRuntime } from '../helpers.js';

describe('planCall', () => {
  const runtime = useRuntime();

  it('rejects bad schedule overrides and choices, naming the field, before any GPU work', () => {
    const rt = runtime();
    const lstm = new LSTM(rt, { inputSize: 2, hiddenSize: 8 });
    const x = Tensor.zeros(rt, [3, 2, 2]);
    rt.submit();
    const largest = Math.min(rt.limits.maxComputeInvocationsPerWorkgroup, rt.limits.maxComputeWorkgroupSizeX);
    const expectRejected = (run: () => unknown, message: string): void => {
      expect(run).toThrow(ArgumentError);
      expect(run).toThrow(message);
      expect(rt.hasPendingWork).toBe(false);
    };
    const forward = (choice: unknown) => () => lstm.forward(x, {}, { forward: choice as never });
    expectRejected(forward({ strategy: 'bogus' }), 'schedules.forward.strategy: expected one of "persistent", "split", got "bogus"');
    expectRejected(forward({ strategy: 'split', unitSpan: 1.5 }), 'schedules.forward.unitSpan: expected an integer ≥ 1, got 1.5');
    expectRejected(forward({ unitSpan: 0 }), 'schedules.forward.unitSpan: expected an integer ≥ 1, got 0');
    expectRejected(forward({ batchBlock: 0 }), 'schedules.forward.batchBlock: expected an integer ≥ 1, got 0');
    expectRejected(forward({ batchBlock: NaN }), 'schedules.forward.batchBlock: expected an integer ≥ 1, got NaN');
    expectRejected(forward({ batchTile: -2 }), 'schedules.forward.batchTile: expected an integer ≥ 1, got -2');
    expectRejected(forward({ workgroupSize: 0 }), `schedules.forward.workgroupSize: expected an integer in [1, ${largest}], got 0`);
    expectRejected(forward({ workgroupSize: largest + 1 }), `schedules.forward.workgroupSize: expected an integer in [1, ${largest}], got ${largest + 1}`);
    expectRejected(forward({ chunkLength: 2 }), 'schedules.forward.chunkLength: expected a schedule choice key (strategy, unitSpan, batchTile, batchBlock, workgroupSize), got an unknown key');
    expectRejected(forward(null), 'schedules.forward: expected an object of schedule choices, got null');
    expectRejected(() => lstm.forward(x, {}, { sideways: {} } as never), 'schedules.sideways: expected a pass: forward or backward, got an unknown key');
    expectRejected(() => lstm.forward(x, {}, null as never), 'schedules: expected an object { forward?, backward? } of schedule choices, got null');
    expectRejected(() => lstm.forwardTrain(x, {}, { backward: { strategy: 'tiled' as never } }), 'schedules.backward.strategy: expected one of "persistent", "split", got "tiled"');

    lstm.scheduleOverrides = { strategy: 'nope' as never };
    expectRejected(() => lstm.forward(x), 'scheduleOverrides.strategy: expected one of "persistent", "split", got "nope"');
    lstm.scheduleOverrides = { workgroupSize: -3 };
    expectRejected(() => lstm.forward(x), `scheduleOverrides.workgroupSize: expected an integer in [1, ${largest}], got -3`);
    lstm.scheduleOverrides = { batchblock: 2 } as never;
    expectRejected(() => lstm.forward(x), 'scheduleOverrides.batchblock: expected a schedule choice key');
    lstm.scheduleOverrides = null as never;
    expectRejected(() => lstm.forward(x), 'scheduleOverrides: expected an object of schedule choices, got null');
    // Imported tables get the same checks, unknown keys included.
    expect(() => importTuning(rt, { 'lstm H=8 B=2 D=1 forward': { strategy: 'x' as never } })).toThrow('table["lstm H=8 B=2 D=1 forward"].strategy: expected one of');
    expect(() => importTuning(rt, { 'lstm H=8 B=2 D=1 forward': { unitspan: 4 } as never })).toThrow('table["lstm H=8 B=2 D=1 forward"].unitspan: expected a schedule choice key');

    // Valid choices still run.
    lstm.scheduleOverrides = { strategy: 'split', unitSpan: 4, workgroupSize: 32 };
    const result = lstm.forward(x, {}, { forward: { batchBlock: 1 } });
    for (const t of [result.output, result.h, result.c]) t?.dispose();
    lstm.dispose();
    x.dispose();
  });
});
