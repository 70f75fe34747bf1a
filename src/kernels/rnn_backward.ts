/** Host description of shaders/rnn_backward.wgsl (persistent Elman RNN BPTT, tanh or relu). */
import source from '../../shaders/rnn_backward.wgsl?raw';
import { floats, numberOf, recurrentKernel } from './recurrent_common.js';

export const rnnBackwardKernel = recurrentKernel({
  name: 'rnn_backward',
  source,
  savedSlots: 2,
  optionalBindings: [],
  constants: (config, hidden, schedule) => ({
    H: hidden,
    BT: schedule.batchTile,
    WG: schedule.workgroupSize,
    RELU: config.nonlinearity === 'relu',
  }),
  workgroupArrays: (c) => ({ da_buf: floats(numberOf(c.BT) * numberOf(c.H)), dh_buf: floats(numberOf(c.BT) * numberOf(c.H)) }),
});
