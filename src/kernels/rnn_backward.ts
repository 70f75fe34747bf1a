/** Host description of shaders/rnn_backward.wgsl (persistent Elman RNN BPTT, tanh or relu). */
import source from '../../shaders/rnn_backward.wgsl?raw';
import { cellFlags, floats, recurrentKernel, tileFloats } from './recurrent_common.js';

export const rnnBackwardKernel = recurrentKernel({
  name: 'rnn_backward',
  source,
  savedSlots: 2,
  normSlots: 2,
  optionalBindings: ['cell_params', 'd_bias'],
  constants: (config) => ({
    ...cellFlags(config, ['ZONEOUT']),
    RELU: config.nonlinearity === 'relu',
  }),
  workgroupArrays: (c) => ({ da_buf: floats(tileFloats(c)), dh_buf: floats(tileFloats(c)) }),
});
