/** Host description of shaders/lstm_backward.wgsl (persistent LSTM BPTT, optional peepholes). */
import source from '../../shaders/lstm_backward.wgsl?raw';
import { cellFlags, floats, recurrentKernel, tileFloats } from './recurrent_common.js';

export const lstmBackwardKernel = recurrentKernel({
  name: 'lstm_backward',
  source,
  savedSlots: 7,
  normSlots: 7,
  optionalBindings: ['cell_params', 'd_cell_terms', 'd_recurrent'],
  constants: (config, _hidden, schedule) => ({
    ...cellFlags(config, ['ZONEOUT', 'RECURRENT_DROPOUT']),
    BB: schedule.batchBlock,
    PEEPHOLE: config.peephole ?? false,
  }),
  workgroupArrays: (c) => ({ dg_buf: floats(4 * tileFloats(c)), dh_buf: floats(tileFloats(c)), dc_buf: floats(tileFloats(c)) }),
});
