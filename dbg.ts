import { createRuntime, Tensor, encodeAxpy } from './src/index.ts';
const rt = await createRuntime();
const x = Tensor.zeros(rt, [16]); const y = Tensor.zeros(rt, [16]);
const time = async (name: string, f: () => void) => {
  f(); await rt.sync();
  const t0 = performance.now(); for (let i = 0; i < 50; i++) f(); await rt.sync();
  console.log(name, ((performance.now() - t0) / 50 * 1000).toFixed(0), 'µs');
};
await time('axpy same pass', () => encodeAxpy(rt, y.buffer, x.buffer, 16));
await time('axpy pass each', () => { encodeAxpy(rt, y.buffer, x.buffer, 16); rt.commandEncoder(); });
await time('axpy submit each', () => { encodeAxpy(rt, y.buffer, x.buffer, 16); rt.submit(); });
const d = rt.device;
// raw: one pass, 50 dispatches of the cached pipeline
const k = rt.kernels.get({ shader: (await import('./src/ops/elementwise.ts')).ELEMENTWISE_SHADER, constants: { OP: 0, WG: 256 } });
const bg = rt.kernels.bindGroup(k, { x: x.buffer, y: y.buffer }, { count: 16, alpha: 1, p: 0, seed: 0, key_div: 1, key_mod: 1 });
for (const n of [1, 50]) {
  const e = d.createCommandEncoder(); const p = e.beginComputePass(); p.setPipeline(k.pipeline); p.setBindGroup(0, bg);
  for (let i = 0; i < n; i++) p.dispatchWorkgroups(1);
  p.end(); const t0 = performance.now(); d.queue.submit([e.finish()]); await d.queue.onSubmittedWorkDone(); console.log(`raw ${n} dispatches`, (performance.now() - t0).toFixed(2), 'ms');
}
rt.destroy(); process.exit(0);
