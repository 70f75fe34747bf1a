/**
 * The persistent chunk strategy: the recurrence of one layer (both directions) runs as one
 * dispatch per time chunk of the cell's persistent kernel, each workgroup owning a batch
 * tile for the whole chunk; the state is carried between chunks in the state buffers.
 * Strategies plug in at the plan (RecurrentStrategy): another, say hidden units split over
 * workgroups, gives the same two functions.
 */
import type { Runtime } from '../runtime/runtime.js';
import { reflectEntryPoint, selectBindings } from '../gpu/reflection.js';
import type { RecurrentKernel } from '../kernels/recurrent_common.js';
import { passCall, type LayerPlan, type RecurrentBuffers, type RecurrentPlan, type RecurrentStrategy } from './plan.js';
import type { StepTrace } from './gradient-trace.js';

/** First steps of the chunks covering T steps, in forward order. */
export function chunkStarts(steps: number, chunkLength: number): number[] {
  return Array.from({ length: Math.ceil(steps / chunkLength) }, (_, i) => i * chunkLength);
}

function encodeChunks(runtime: Runtime, plan: RecurrentPlan, layer: LayerPlan, kernel: RecurrentKernel, buffers: RecurrentBuffers, pass: 'forward' | 'backward', save: boolean, trace?: StepTrace): void {
  const call = passCall(plan, layer, pass, save);
  if (trace && call.schedule.chunkLength !== 1) throw new Error('a traced backward runs one step per chunk (planned with stepwiseBackward)');
  const bound = selectBindings(reflectEntryPoint(kernel.shader), buffers, kernel.optionalBindings, (access, slot) => runtime.placeholder(access, slot));
  const starts = chunkStarts(plan.shape.steps, call.schedule.chunkLength);
  for (const begin of pass === 'forward' ? starts : starts.reverse()) {
    runtime.launch(kernel, { ...call, stateOffset: layer.stateOffset, stateWrite: layer.stateOffset, begin }, bound);
    trace?.afterStep(begin, buffers.dh_state!, layer.stateOffset * 4);
  }
}

export const persistentChunks: RecurrentStrategy = {
  name: 'persistent',
  encodeForward: (runtime, plan, layer, buffers, save) => encodeChunks(runtime, plan, layer, plan.variant.forward, buffers, 'forward', save),
  encodeBackward: (runtime, plan, layer, buffers, trace) => encodeChunks(runtime, plan, layer, plan.variant.backward, buffers, 'backward', false, trace),
};
