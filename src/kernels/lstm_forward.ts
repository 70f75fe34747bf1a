/** Host description of shaders/lstm_forward.wgsl (persistent LSTM forward, optional peepholes). */
import source from '../../shaders/lstm_forward.wgsl?raw';
import { sizeConstant } from '../gpu/kernel-descriptor.js';
import { cellFlags, floats, normFloats, recurrentKernel, tileFloats } from './recurrent_common.js';

export const lstmForwardKernel = recurrentKernel({
  name: 'lstm_forward',
  source,
  savedSlots: 7,
  normSlots: 7,
  optionalBindings: ['saved', 'cell_params'],
  constants: (config, hidden, schedule, save) => ({
    NORM_SIZE: normFloats(config, hidden, schedule.batchTile, 4),
    ...cellFlags(config, ['ZONEOUT', 'RECURRENT_DROPOUT']),
    BB: schedule.batchBlock,
    SAVE: save,
    PEEPHOLE: config.peephole ?? false,
  }),
  workgroupArrays: (c) => ({ norm_buf: floats(sizeConstant(c, 'NORM_SIZE')), h_buf: floats(2 * tileFloats(c)), c_buf: floats(tileFloats(c)) }),
});
