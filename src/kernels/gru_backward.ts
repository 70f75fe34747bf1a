/** Host description of shaders/gru_backward.wgsl (persistent GRU BPTT, either reset form). */
import source from '../../shaders/gru_backward.wgsl?raw';
import { cellFlags, floats, recurrentKernel, tileFloats } from './recurrent_common.js';

export const gruBackwardKernel = recurrentKernel({
  name: 'gru_backward',
  source,
  savedSlots: 5,
  normSlots: 4,
  optionalBindings: ['d_gates_h', 'cell_params', 'd_recurrent'],
  constants: (config, _hidden, schedule) => ({
    ...cellFlags(config, ['ZONEOUT', 'RECURRENT_DROPOUT']),
    BB: schedule.batchBlock,
    RESET_AFTER: config.resetAfter,
  }),
  workgroupArrays: (c) => ({ dg_buf: floats(3 * tileFloats(c)), dh_buf: floats(tileFloats(c)), direct: floats(tileFloats(c)) }),
});
