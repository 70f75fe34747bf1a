/** Host description of shaders/gru_backward.wgsl (persistent GRU BPTT, either reset form). */
import source from '../../shaders/gru_backward.wgsl?raw';
import { floats, numberOf, recurrentKernel } from './recurrent_common.js';

export const gruBackwardKernel = recurrentKernel({
  name: 'gru_backward',
  source,
  savedSlots: 5,
  optionalBindings: ['d_gates_h'],
  constants: (config, hidden, schedule) => ({
    H: hidden,
    BT: schedule.batchTile,
    BB: schedule.batchBlock,
    WG: schedule.workgroupSize,
    RESET_AFTER: config.resetAfter,
  }),
  workgroupArrays: (c) => {
    const unitRows = numberOf(c.BT) * numberOf(c.H);
    return { dg_buf: floats(3 * unitRows), dh_buf: floats(unitRows), direct: floats(unitRows) };
  },
});
