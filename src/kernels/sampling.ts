/** Host description of shaders/sampling.wgsl: the next token of each row, greedy or drawn (temperature, top-k). */
import source from '../../shaders/sampling.wgsl?raw';
import { elementwiseGrid } from '../gpu/geometry.js';
import { noWorkgroupArrays, type KernelDescriptor } from '../gpu/kernel-descriptor.js';

export interface SamplingKernelCall {
  rows: number;
  classes: number;
  /** 0: greedy. */
  temperature: number;
  /** 0: no limit. */
  topK: number;
  seed: number;
  /** Row of the sequence to write. */
  step: number;
  /** Element offset of row 0 in the logits. */
  logitsOffset: number;
}

const WG = 64;

export const samplingKernel: KernelDescriptor<SamplingKernelCall> = {
  shader: { name: 'sampling', code: source },
  entryPoints: ['main'],
  launch(call, device) {
    return {
      constants: { WG },
      workgroups: elementwiseGrid(call.rows, WG, device.limits),
      uniforms: {
        rows: call.rows,
        classes: call.classes,
        temperature: call.temperature,
        top_k: call.topK,
        seed: call.seed,
        step: call.step,
        logits_offset: call.logitsOffset,
      },
    };
  },
  workgroupArrays: noWorkgroupArrays,
};
