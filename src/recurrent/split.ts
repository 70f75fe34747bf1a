/**
 * The split-hidden strategy: one dispatch per step, the hidden units of the step split over
 * workgroups (each owns `unitSpan` units of a batch tile; the kernels' `split_step`), every
 * step of the layer recorded in the same compute pass. Every workgroup reads the whole
 * previous state while others write the next, so the carried state ping-pongs between the
 * two halves of a scratch pair, copied in before the first step and out after the last.
 * For small batches and large hidden sizes, where the persistent kernel leaves most of the
 * device idle.
 */
import type { Runtime } from '../runtime/runtime.js';
import { reflectEntryPoint, selectBindings } from '../gpu/reflection.js';
import type { RecurrentKernel } from '../kernels/recurrent_common.js';
import { passCall, type LayerPlan, type RecurrentBuffers, type RecurrentPlan, type RecurrentStrategy } from './plan.js';
import type { StepTrace } from './gradient-trace.js';

/** Bindings of the state a kernel carries from step to step. */
const CARRIED = ['h_state', 'c_state', 'dh_state', 'dc_state'];

function encodeSteps(runtime: Runtime, plan: RecurrentPlan, layer: LayerPlan, kernel: RecurrentKernel, buffers: RecurrentBuffers, pass: 'forward' | 'backward', save: boolean, trace?: StepTrace): void {
  const call = passCall(plan, layer, pass, save);
  const { steps: T, batch: B, hidden: H, directions: D } = plan.shape;
  const bytes = D * B * H * 4;
  const layout = reflectEntryPoint(kernel.shader, 'split_step');
  const pairs = CARRIED.filter((name) => buffers[name] && layout.bindings.some((b) => b.name === name)).map((name) => ({
    name,
    state: buffers[name]!,
    pair: runtime.pool.acquire(2 * bytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, `${plan.variant.name} ${name} (ping-pong)`),
  }));
  const offset = layer.stateOffset * 4;
  for (const { state, pair } of pairs) runtime.commandEncoder().copyBufferToBuffer(state, offset, pair, 0, bytes);
  const bound = selectBindings(layout, { ...buffers, ...Object.fromEntries(pairs.map((p) => [p.name, p.pair])) }, kernel.optionalBindings, (access, slot) => runtime.placeholder(access, slot));
  const half = D * B * H;
  const dh = pairs.find((p) => p.name === 'dh_state');
  for (let n = 0; n < T; n++) {
    const [read, write] = n % 2 === 0 ? [0, half] : [half, 0];
    runtime.launch(kernel, { ...call, stateOffset: read, stateWrite: write, begin: pass === 'forward' ? n : T - 1 - n }, bound);
    if (trace && dh) trace.afterStep(T - 1 - n, dh.pair, write * 4);
  }
  for (const { state, pair } of pairs) {
    runtime.commandEncoder().copyBufferToBuffer(pair, (T % 2) * bytes, state, offset, bytes);
    runtime.pool.release(pair);
  }
}

export const splitHidden: RecurrentStrategy = {
  name: 'split',
  encodeForward: (runtime, plan, layer, buffers, save) => encodeSteps(runtime, plan, layer, plan.variant.forward, buffers, 'forward', save),
  encodeBackward: (runtime, plan, layer, buffers, trace) => encodeSteps(runtime, plan, layer, plan.variant.backward, buffers, 'backward', false, trace),
};
