/** Host description of shaders/optimizer.wgsl: one optimizer step for one parameter tensor, elementwise. */
import source from '../../shaders/optimizer.wgsl?raw';
import { elementwiseGrid } from '../gpu/geometry.js';
import { noWorkgroupArrays, type KernelDescriptor } from '../gpu/kernel-descriptor.js';

export type OptimizerMethod = 'sgd' | 'adam' | 'adagrad';

export interface OptimizerKernelCall {
  method: OptimizerMethod;
  /** SGD: Nesterov momentum. */
  nesterov: boolean;
  /** Adam: decoupled weight decay (AdamW). */
  decoupled: boolean;
  count: number;
  /** SGD's momentum buffer starts at the first gradient. */
  firstStep: boolean;
  lr: number;
  weightDecay: number;
  momentum: number;
  dampening: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** 1 − β^step, Adam's bias corrections. */
  biasCorrection1: number;
  biasCorrection2: number;
}

const WG = 256;
const METHODS = { sgd: 0, adam: 1, adagrad: 2 } as const;

export const optimizerKernel: KernelDescriptor<OptimizerKernelCall> = {
  shader: { name: 'optimizer', code: source },
  entryPoints: ['main'],
  launch(call, device) {
    return {
      constants: { METHOD: METHODS[call.method], NESTEROV: call.nesterov, DECOUPLED: call.decoupled, WG },
      workgroups: elementwiseGrid(call.count, WG, device.limits),
      uniforms: {
        count: call.count,
        first_step: call.firstStep ? 1 : 0,
        lr: call.lr,
        weight_decay: call.weightDecay,
        momentum: call.momentum,
        dampening: call.dampening,
        beta1: call.beta1,
        beta2: call.beta2,
        eps: call.eps,
        bias_correction1: call.biasCorrection1,
        bias_correction2: call.biasCorrection2,
      },
    };
  },
  workgroupArrays: noWorkgroupArrays,
};
