/**
 * Self-check: prints the adapter and its limits, checks one GEMM against the float64
 * reference, and measures GEMM throughput on square sizes.
 */
import { createRuntime } from '../runtime/create-runtime.js';
import type { Runtime } from '../runtime/runtime.js';
import { Tensor } from '../tensor.js';
import { gemm } from '../ops/gemm.js';
import { referenceGemm } from '../reference/linear-algebra.js';

export async function selfCheck(log: (line: string) => void = console.log): Promise<boolean> {
  const runtime = await createRuntime();
  try {
    const { adapter, limits } = runtime;
    log(`adapter: ${adapter.vendor} ${adapter.architecture} (${adapter.description || adapter.device})${adapter.isSoftware ? ' [software]' : ''}`);
    log(`limits: workgroup storage ${limits.maxComputeWorkgroupStorageSize} B, ${limits.maxComputeInvocationsPerWorkgroup} invocations, storage binding ${limits.maxStorageBufferBindingSize} B`);
    log(`features: ${[...runtime.features].filter((f) => ['timestamp-query', 'shader-f16', 'subgroups'].includes(f)).join(', ') || 'none of timestamp-query, shader-f16, subgroups'}`);

    const correct = await checkOnce(runtime);
    log(`gemm 97×89×101 against float64: ${correct ? 'ok' : 'MISMATCH'}`);
    for (const n of [256, 512, 1024]) {
      const { seconds, gflops } = await timeGemm(runtime, n);
      log(`gemm ${n}×${n}×${n}: ${(seconds * 1e3).toFixed(1)} ms, ${gflops.toFixed(2)} GFLOP/s`);
    }
    return correct;
  } finally {
    runtime.destroy();
  }
}

async function checkOnce(runtime: Runtime): Promise<boolean> {
  const [M, N, K] = [97, 89, 101];
  const a = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i));
  const ta = Tensor.from(runtime, a, [M, K]);
  const tb = Tensor.from(runtime, b, [K, N]);
  const tc = gemm(ta, tb);
  const actual = await tc.read();
  const expected = referenceGemm({ M, N, K, a, b });
  for (const t of [ta, tb, tc]) t.dispose();
  return actual.every((v, i) => Math.abs(v - expected.value[i]!) <= 1e-5 * expected.magnitude[i]!);
}

/** Median of 5 timed runs after one warmup; each run waits for the GPU. */
async function timeGemm(runtime: Runtime, n: number): Promise<{ seconds: number; gflops: number }> {
  const a = Tensor.zeros(runtime, [n, n]);
  const b = Tensor.zeros(runtime, [n, n]);
  const c = Tensor.empty(runtime, [n, n]);
  const times: number[] = [];
  for (let run = 0; run < 6; run++) {
    const start = performance.now();
    gemm(a, b, { out: c });
    await runtime.sync();
    if (run > 0) times.push((performance.now() - start) / 1e3);
  }
  for (const t of [a, b, c]) t.dispose();
  times.sort((x, y) => x - y);
  const seconds = times[Math.floor(times.length / 2)]!;
  return { seconds, gflops: (2 * n * n * n) / seconds / 1e9 };
}
