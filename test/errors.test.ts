import { describe, expect, it } from 'vitest';
import { ArgumentError, Tensor, createRuntime, gemm, sumColumns } from '../src/index.js';
import { useRuntime } from './helpers.js';

describe('bad arguments fail before any GPU work is queued', () => {
  const runtime = useRuntime();

  /** Expects an ArgumentError naming `argument` and matching `message`, with nothing recorded. */
  function expectRejected(run: () => unknown, argument: string, message: RegExp): void {
    const rt = runtime();
    rt.submit();
    let caught: unknown;
    try {
      run();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ArgumentError);
    expect((caught as ArgumentError).argument).toBe(argument);
    expect((caught as Error).message).toMatch(message);
    expect(rt.hasPendingWork).toBe(false);
  }

  it('gemm: mismatched inner dimension names both shapes', () => {
    const a = Tensor.zeros(runtime(), [3, 4]);
    const b = Tensor.zeros(runtime(), [5, 6]);
    runtime().submit();
    expectRejected(() => gemm(a, b), 'b', /b: expected an inner dimension of 4 to match op\(a\) \[3, 4\], got op\(b\) \[5, 6\]/);
    expectRejected(() => gemm(a, b, { transB: true }), 'b', /inner dimension of 4.*\[6, 5\].*transposed/);
  });

  it('gemm: wrong rank, wrong dtype, disposed tensor, bad bias and out', () => {
    const rt = runtime();
    const a = Tensor.zeros(rt, [2, 3]);
    const b = Tensor.zeros(rt, [3, 2]);
    const ids = Tensor.zeros(rt, [3, 2], 'i32');
    const vector = Tensor.zeros(rt, [3]);
    const gone = Tensor.zeros(rt, [3, 2]);
    const batchOf2 = Tensor.zeros(rt, [2, 2, 3]);
    const batchOf3 = Tensor.zeros(rt, [3, 3, 2]);
    gone.dispose();
    rt.submit();
    expectRejected(() => gemm(vector, b), 'a', /rank 2 \[rows, cols\] or rank 3.*got shape \[3\]/);
    expectRejected(() => gemm(a, ids), 'b', /expected dtype f32, got dtype i32/);
    expectRejected(() => gemm(a, gone), 'b', /expected a live tensor, got disposed Tensor/);
    expectRejected(() => gemm(a, b, { bias: vector }), 'options.bias', /expected shape \[2\], got shape \[3\]/);
    expectRejected(() => gemm(a, b, { out: vector }), 'options.out', /expected shape \[2, 2\], got shape \[3\]/);
    expectRejected(() => gemm(a, b, { beta: 1 }), 'options.beta', /0 when no options.out is given/);
    expectRejected(() => gemm(a, b, { alpha: NaN }), 'options.alpha', /a finite number, got NaN/);
    expectRejected(() => gemm(a, [1, 2] as never), 'b', /expected a Tensor, got \[1, 2\]/);
    expectRejected(() => gemm(batchOf2, batchOf3), 'b', /batch 2 to match a, got batch 3/);
  });

  it('sumColumns: wrong rank and out shape', () => {
    const rt = runtime();
    const x = Tensor.zeros(rt, [4, 5]);
    const vector = Tensor.zeros(rt, [4]);
    rt.submit();
    expectRejected(() => sumColumns(vector), 'x', /rank 2, got shape \[4\] \(rank 1\)/);
    expectRejected(() => sumColumns(x, { out: vector }), 'options.out', /shape \[5\], got shape \[4\]/);
  });

  it('tensors: bad shape, data length, dtype and values', () => {
    const rt = runtime();
    expectRejected(() => Tensor.from(rt, [1, 2, 3], [2, 2]), 'data', /4 values for shape \[2, 2\], got 3 values/);
    expectRejected(() => Tensor.from(rt, [1], [1.5]), 'shape', /non-negative integers, got \[1.5\]/);
    expectRejected(() => Tensor.from(rt, [1], [1], 'f64' as never), 'dtype', /one of "f32", "i32", "u32", got "f64"/);
    expectRejected(() => Tensor.from(rt, [1.5], [1], 'i32'), 'data[0]', /representable as i32, got 1.5/);
    expectRejected(() => Tensor.from(rt, [-1], [1], 'u32'), 'data[0]', /representable as u32, got -1/);
  });

  it('tensors from another runtime are rejected', async () => {
    const other = await createRuntime();
    try {
      const foreign = Tensor.zeros(other, [2, 2]);
      const local = Tensor.zeros(runtime(), [2, 2]);
      runtime().submit();
      expectRejected(() => gemm(local, foreign), 'b', /a tensor of the same runtime/);
    } finally {
      other.destroy();
    }
  });

  it('createRuntime: bad options', async () => {
    await expect(createRuntime({ adapter: 'gpu' as never })).rejects.toThrow(/options.adapter: expected one of "auto", "hardware", "swiftshader", got "gpu"/);
    await expect(createRuntime({ device: {} as GPUDevice })).rejects.toThrow(/options.device: expected a GPUDevice, got Object/);
  });
});
