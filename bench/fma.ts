/** The adapter's measured FMA peak (GFLOP/s), from bench/fma-peak.wgsl. */
import fmaSource from './fma-peak.wgsl?raw';
import type { Runtime } from '../src/index.js';
import { measure, type Measurement } from './measure.js';

const ITERATIONS = 4096;
const FLOPS_PER_INVOCATION = ITERATIONS * 64;

export async function fmaPeak(runtime: Runtime, groups = 64): Promise<Measurement> {
  const shader = { name: 'fma_peak', code: fmaSource };
  const out = runtime.pool.acquire(groups * 256 * 4, GPUBufferUsage.STORAGE, 'fma peak out');
  const result = await measure(runtime, 'fma peak', () => {
    runtime.dispatch({ shader, constants: { ITERATIONS } }, { buffers: { out }, workgroups: [groups] });
  });
  runtime.pool.release(out);
  const flops = groups * 256 * FLOPS_PER_INVOCATION;
  return { ...result, gflops: flops / (result.value / 1e3) / 1e9 };
}
