/** Host description of shaders/gru_forward.wgsl (persistent GRU forward, either reset form). */
import source from '../../shaders/gru_forward.wgsl?raw';
import { floats, numberOf, recurrentKernel } from './recurrent_common.js';

export const gruForwardKernel = recurrentKernel({
  name: 'gru_forward',
  source,
  savedSlots: 5,
  optionalBindings: ['saved'],
  constants: (config, hidden, schedule, save) => ({
    H: hidden,
    BT: schedule.batchTile,
    BB: schedule.batchBlock,
    WG: schedule.workgroupSize,
    SAVE: save,
    RESET_AFTER: config.resetAfter,
    // Cho's form keeps r ⊙ h and z of the tile in workgroup memory.
    AUX_SIZE: config.resetAfter ? 1 : 2 * schedule.batchTile * hidden,
  }),
  workgroupArrays: (c) => ({ h_buf: floats(2 * numberOf(c.BT) * numberOf(c.H)), aux: floats(numberOf(c.AUX_SIZE ?? 1)) }),
});
