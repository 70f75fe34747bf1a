/** Host description of shaders/lstm_backward.wgsl (persistent LSTM BPTT, optional peepholes). */
import source from '../../shaders/lstm_backward.wgsl?raw';
import { floats, numberOf, recurrentKernel } from './recurrent_common.js';

export const lstmBackwardKernel = recurrentKernel({
  name: 'lstm_backward',
  source,
  savedSlots: 7,
  optionalBindings: ['peephole', 'd_peephole'],
  constants: (config, hidden, schedule) => ({
    H: hidden,
    BT: schedule.batchTile,
    BB: schedule.batchBlock,
    WG: schedule.workgroupSize,
    PEEPHOLE: config.peephole ?? false,
  }),
  workgroupArrays: (c) => {
    const unitRows = numberOf(c.BT) * numberOf(c.H);
    return { dg_buf: floats(4 * unitRows), dh_buf: floats(unitRows), dc_buf: floats(unitRows) };
  },
});
