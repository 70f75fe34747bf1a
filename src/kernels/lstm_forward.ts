/** Host description of shaders/lstm_forward.wgsl (persistent LSTM forward, optional peepholes). */
import source from '../../shaders/lstm_forward.wgsl?raw';
import { cellFlags, floats, recurrentKernel, tileFloats } from './recurrent_common.js';

export const lstmForwardKernel = recurrentKernel({
  name: 'lstm_forward',
  source,
  savedSlots: 7,
  optionalBindings: ['saved', 'peephole'],
  constants: (config, _hidden, schedule, save) => ({
    ...cellFlags(config, ['ZONEOUT', 'RECURRENT_DROPOUT']),
    BB: schedule.batchBlock,
    SAVE: save,
    PEEPHOLE: config.peephole ?? false,
  }),
  workgroupArrays: (c) => ({ h_buf: floats(2 * tileFloats(c)), c_buf: floats(tileFloats(c)) }),
});
