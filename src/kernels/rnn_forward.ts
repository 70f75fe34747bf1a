/** Host description of shaders/rnn_forward.wgsl (persistent Elman RNN forward, tanh or relu). */
import source from '../../shaders/rnn_forward.wgsl?raw';
import { sizeConstant } from '../gpu/kernel-descriptor.js';
import { cellFlags, floats, normFloats, recurrentKernel, tileFloats } from './recurrent_common.js';

export const rnnForwardKernel = recurrentKernel({
  name: 'rnn_forward',
  source,
  savedSlots: 2,
  normSlots: 2,
  optionalBindings: ['saved', 'cell_params'],
  // The kernel always blocks 4 sequences per work item (its BB is a const).
  constants: (config, hidden, schedule, save) => ({
    NORM_SIZE: normFloats(config, hidden, schedule.batchTile, 1),
    ...cellFlags(config, ['ZONEOUT']),
    SAVE: save,
    RELU: config.nonlinearity === 'relu',
  }),
  workgroupArrays: (c) => ({ norm_buf: floats(sizeConstant(c, 'NORM_SIZE')), h_buf: floats(2 * tileFloats(c)) }),
});
