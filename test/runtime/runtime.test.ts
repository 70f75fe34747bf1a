/**
 * The runtime's life cycle: a lost device fails every later call fast with a DeviceLostError
 * that says what happened, and disposing after destroy() is harmless.
 */
import { describe, expect, it } from 'vitest';
import { DeviceLostError, Embedding, IdRangeError, LSTM, Tensor, createRuntime, gemm } from '../../src/index.js';

describe('runtime life cycle', () => {
  it('after the device is lost, reads, ops, new tensors and new modules fail with DeviceLostError, and isLost says so', async () => {
    const rt = await createRuntime();
    const a = Tensor.from(rt, [1, 2, 3, 4], [2, 2]);
    const product = gemm(a, a);
    expect(Array.from(await product.read())).toEqual([7, 10, 15, 22]);
    expect(rt.isLost).toBe(false);

    const pending = gemm(a, a);
    rt.device.destroy(); // as a driver reset or a removed GPU would
    const read = pending.read();
    await expect(read).rejects.toThrow(DeviceLostError);
    await expect(read).rejects.toThrow(/the GPU device was lost \(reason "destroyed"/);
    expect(rt.isLost).toBe(true);

    expect(() => Tensor.from(rt, [1], [1])).toThrow(DeviceLostError);
    expect(() => gemm(a, a)).toThrow(DeviceLostError);
    expect(() => new LSTM(rt, { inputSize: 2, hiddenSize: 2 })).toThrow(DeviceLostError);
    await expect(a.read()).rejects.toThrow(DeviceLostError);
    await expect(rt.sync()).rejects.toThrow(DeviceLostError);
    // Releasing what was made before the loss is still fine.
    for (const t of [a, product, pending]) t.dispose();
    rt.destroy();
  });

  it('a WebGPU validation error in work with id checks pending is reported as itself, not as ids out of range', async () => {
    const runtime = await createRuntime();
    try {
      const embedding = new Embedding(runtime, { numEmbeddings: 5, embeddingDim: 2 });
      const ids = Tensor.from(runtime, [1, 2, 3], [3], 'i32');
      const rows = embedding.forward(ids);
      // An out-of-range copy makes the submitted command buffer invalid, so the flags are never copied.
      const small = Tensor.empty(runtime, [2]);
      runtime.commandEncoder().copyBufferToBuffer(rows.buffer, 0, small.buffer, 0, 1024);
      const error = await rows.read().then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(IdRangeError);
      expect((error as Error).message).toMatch(/WebGPU reported \d+ error\(s\)/);
      for (const t of [ids, rows, small]) t.dispose();
      embedding.dispose();
    } finally {
      runtime.destroy();
    }
  });

  it('dispose() after runtime.destroy() is harmless', async () => {
    const rt = await createRuntime();
    const lstm = new LSTM(rt, { inputSize: 2, hiddenSize: 3 });
    const t = Tensor.from(rt, [1, 2], [2]);
    rt.destroy();
    expect(() => t.dispose()).not.toThrow();
    expect(() => lstm.dispose()).not.toThrow();
    expect(() => Tensor.from(rt, [1], [1])).toThrow(/runtime: expected a live runtime, got a destroyed one/);
  });

  it('write() on i32 and u32 tensors refuses values they cannot hold, as Tensor.from does', async () => {
    const rt = await createRuntime();
    const ids = Tensor.from(rt, [1, 2], [2], 'i32');
    expect(() => ids.write([1, 2 ** 31])).toThrow(/data\[1\]: expected a value representable as i32, got 2147483648/);
    expect(() => ids.write([0.5, 1])).toThrow(/data\[0\]/);
    const counts = Tensor.from(rt, [1, 2], [2], 'u32');
    expect(() => counts.write([-1, 0])).toThrow(/data\[0\]: expected a value representable as u32/);
    expect(Array.from(await ids.read())).toEqual([1, 2]);
    rt.destroy();
  });

  it("in Node a destroyed runtime's device serves the next createRuntime (Dawn keeps memory per device), and a lost one never does", async () => {
    const first = await createRuntime();
    const device = first.device;
    await gemm(Tensor.from(first, [1, 2], [1, 2]), Tensor.from(first, [3, 4], [2, 1])).read();
    first.destroy();
    const second = await createRuntime();
    expect(second.device).toBe(device);
    // Its compiled kernels came with it; the bind groups (of the old runtime's buffers) did not.
    expect(second.kernels.counts().pipelines).toBeGreaterThan(0);
    expect(second.kernels.counts().bindGroups).toBe(0);
    const a = Tensor.from(second, [1, 2, 3, 4], [2, 2]);
    expect(Array.from(await gemm(a, a).read())).toEqual([7, 10, 15, 22]);
    second.device.destroy();
    second.destroy();
    const third = await createRuntime();
    expect(third.device).not.toBe(device);
    expect(Array.from(await gemm(Tensor.from(third, [1, 2, 3, 4], [2, 2]), Tensor.from(third, [1, 0, 0, 1], [2, 2])).read())).toEqual([1, 2, 3, 4]);
    third.destroy();
  });
});
