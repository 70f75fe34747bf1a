/** Host description of shaders/lstm_forward.wgsl (persistent LSTM forward, optional peepholes). */
import source from '../../shaders/lstm_forward.wgsl?raw';
import { floats, numberOf, recurrentKernel } from './recurrent_common.js';

export const lstmForwardKernel = recurrentKernel({
  name: 'lstm_forward',
  source,
  savedSlots: 7,
  optionalBindings: ['saved', 'peephole'],
  constants: (config, hidden, schedule, save) => ({
    H: hidden,
    BT: schedule.batchTile,
    BB: schedule.batchBlock,
    WG: schedule.workgroupSize,
    SAVE: save,
    PEEPHOLE: config.peephole ?? false,
  }),
  workgroupArrays: (c) => ({ h_buf: floats(2 * numberOf(c.BT) * numberOf(c.H)), c_buf: floats(numberOf(c.BT) * numberOf(c.H)) }),
});
