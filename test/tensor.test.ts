import { describe, expect, it } from 'vitest';
import { Runtime, Tensor, createRuntime, gemm } from '../src/index.js';
import { BufferPool, chooseGemmTiling, gemmKernel } from '../src/kernels-entry.js';
import { sizeClass } from '../src/runtime/buffer-pool.js';
import { useRuntime } from './helpers.js';

describe('tensors', () => {
  const runtime = useRuntime();

  it('round-trip f32, i32 and u32 data', async () => {
    const rt = runtime();
    const f = Tensor.from(rt, [1.5, -2.25, 3e-8], [3]);
    const i = Tensor.from(rt, [-7, 0, 2147483647], [3], 'i32');
    const u = Tensor.from(rt, [0, 1, 4294967295], [3], 'u32');
    expect(Array.from(await f.read())).toEqual([1.5, -2.25, Math.fround(3e-8)]);
    expect(await i.read()).toEqual(new Int32Array([-7, 0, 2147483647]));
    expect(await u.read()).toEqual(new Uint32Array([0, 1, 4294967295]));
    expect(f.shape).toEqual([3]);
    expect(i.dtype).toBe('i32');
  });

  it('zeros clears a reused buffer; write() replaces contents after earlier work', async () => {
    const rt = runtime();
    const dirty = Tensor.from(rt, new Float32Array(64).fill(9), [8, 8]);
    dirty.dispose();
    rt.submit();
    const zeros = Tensor.zeros(rt, [8, 8]);
    expect(zeros.buffer).toBe(dirty['gpuBuffer'] ?? zeros.buffer);
    expect(Array.from(await zeros.read()).every((v) => v === 0)).toBe(true);

    const a = Tensor.from(rt, [1, 2, 3, 4], [2, 2]);
    const first = gemm(a, a);
    a.write([0, 0, 0, 0]);
    expect(Array.from(await first.read())).toEqual([7, 10, 15, 22]);
    expect(Array.from(await gemm(a, a).read())).toEqual([0, 0, 0, 0]);
  });

  it('empty tensors read as empty arrays; reading a disposed tensor fails', async () => {
    const rt = runtime();
    const empty = Tensor.zeros(rt, [0, 5]);
    expect((await empty.read()).length).toBe(0);
    const t = Tensor.zeros(rt, [2]);
    t.dispose();
    t.dispose();
    await expect(t.read()).rejects.toThrow(/expected a live tensor, got a disposed tensor/);
  });

  it('every GPU object carries a label', async () => {
    const rt = runtime();
    const t = Tensor.from(rt, [1, 2, 3, 4], [2, 2], 'f32', 'weights');
    const out = gemm(t, t);
    await out.read();
    expect(t.buffer.label).toContain('weights f32[2,2]');
    expect(out.buffer.label).toContain('gemm.out');
    const tiling = chooseGemmTiling(2, 2, rt.limits);
    const launch = gemmKernel.launch({ M: 2, N: 2, K: 2, lda: 2, ldb: 2, ldc: 2, hasBias: false, tiling }, rt.traits);
    const kernel = rt.kernels.get({ shader: gemmKernel.shader, entryPoint: launch.entryPoint, constants: launch.constants });
    expect(kernel.pipeline.label).toMatch(/^gemm:main\{/);
    expect(kernel.bindGroupLayout.label).toBe(kernel.pipeline.label);
  });
});

describe('buffer pool', () => {
  const runtime = useRuntime();

  it('size classes waste under 25%', () => {
    for (const n of [1, 255, 256, 257, 1000, 4097, 1 << 20, (1 << 20) + 1, 123456789]) {
      const size = sizeClass(n);
      expect(size).toBeGreaterThanOrEqual(n);
      if (n > 256) expect(size / n).toBeLessThan(1.25);
    }
  });

  it("never asks for a buffer past the device's maxBufferSize when the size itself fits", () => {
    // A device whose largest buffer is not a power of two (as many GPUs report): only sizes are recorded.
    const sizes: number[] = [];
    const device = { limits: { maxBufferSize: 2 ** 31 - 4, maxStorageBufferBindingSize: 2 ** 31 - 4 }, createBuffer: ({ size }: { size: number }) => (sizes.push(size), { destroy() {} }) } as unknown as GPUDevice;
    const pool = new BufferPool(device);
    pool.acquire(2 ** 31 - 8, GPUBufferUsage.STORAGE, 'nearly the largest');
    pool.acquire(2 ** 31 - 4, GPUBufferUsage.STORAGE, 'the largest');
    pool.acquire(1000, GPUBufferUsage.STORAGE, 'small');
    pool.acquire(2 ** 31 - 8, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'a read-back');
    expect(sizes).toEqual([2 ** 31 - 4, 2 ** 31 - 4, sizeClass(1000), 2 ** 31 - 4]);
  });

  it('refuses a tensor past maxStorageBufferBindingSize up front, naming the limit', () => {
    const rt = runtime();
    const elements = rt.limits.maxStorageBufferBindingSize / 4 + 1;
    expect(() => Tensor.empty(rt, [elements])).toThrow(`shape: expected at most ${rt.limits.maxStorageBufferBindingSize} bytes (maxStorageBufferBindingSize), got [${elements}] = ${elements * 4} bytes`);
  });

  it('takes buffers back only after their work is submitted', () => {
    const pool = new BufferPool(runtime().device);
    const usage = GPUBufferUsage.STORAGE;
    const first = pool.acquire(1000, usage, 'first');
    pool.release(first);
    const second = pool.acquire(1000, usage, 'second');
    expect(second).not.toBe(first);
    pool.onSubmitted();
    const third = pool.acquire(1000, usage, 'third');
    expect(third).toBe(first);
    expect(third.label).toBe('third');
    expect(pool.acquire(1000, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC, 'other usage')).not.toBe(first);
    pool.release(third);
    expect(() => pool.release(third)).toThrow(/released twice/);
    pool.destroy();
    expect(pool.stats().allocatedBytes).toBe(0);
  });

  it('a steady loop of ops reuses buffers and bind groups instead of creating new ones', async () => {
    const rt: Runtime = await createRuntime();
    try {
      const a = Tensor.from(rt, new Float32Array(64 * 32).fill(1), [64, 32]);
      const step = async () => {
        const c = gemm(a, a, { transB: true });
        await c.read();
        c.dispose();
      };
      await step();
      await step();
      const before = { ...rt.pool.stats(), ...rt.kernels.counts() };
      for (let i = 0; i < 5; i++) await step();
      const after = { ...rt.pool.stats(), ...rt.kernels.counts() };
      expect(after.allocatedBytes).toBe(before.allocatedBytes);
      expect(after.buffers).toBe(before.buffers);
      expect(after.bindGroups).toBe(before.bindGroups);
      expect(after.pipelines).toBe(before.pipelines);
      expect(after.uniformBuffers).toBe(before.uniformBuffers);
    } finally {
      rt.destroy();
    }
  });
});
