/** Host description of shaders/rnn_forward.wgsl (persistent Elman RNN forward, tanh or relu). */
import source from '../../shaders/rnn_forward.wgsl?raw';
import { cellFlags, floats, recurrentKernel, tileFloats } from './recurrent_common.js';

export const rnnForwardKernel = recurrentKernel({
  name: 'rnn_forward',
  source,
  savedSlots: 2,
  optionalBindings: ['saved'],
  // The kernel always blocks 4 sequences per work item (its BB is a const).
  constants: (config, _hidden, _schedule, save) => ({
    ...cellFlags(config, ['ZONEOUT']),
    SAVE: save,
    RELU: config.nonlinearity === 'relu',
  }),
  workgroupArrays: (c) => ({ h_buf: floats(2 * tileFloats(c)) }),
});
