/** Host description of shaders/gru_forward.wgsl (persistent GRU forward, either reset form). */
import source from '../../shaders/gru_forward.wgsl?raw';
import { sizeConstant } from '../gpu/kernel-descriptor.js';
import { cellFlags, floats, recurrentKernel, tileFloats } from './recurrent_common.js';

export const gruForwardKernel = recurrentKernel({
  name: 'gru_forward',
  source,
  savedSlots: 5,
  optionalBindings: ['saved'],
  constants: (config, hidden, schedule, save) => ({
    ...cellFlags(config, ['ZONEOUT', 'RECURRENT_DROPOUT']),
    BB: schedule.batchBlock,
    SAVE: save,
    RESET_AFTER: config.resetAfter,
    // Cho's form keeps r ⊙ h and z of the tile in workgroup memory.
    AUX_SIZE: config.resetAfter ? 1 : (2 * schedule.batchTile * hidden) / (config.heads ?? 1),
  }),
  workgroupArrays: (c) => ({ h_buf: floats(2 * tileFloats(c)), aux: floats(sizeConstant(c, 'AUX_SIZE')) }),
});
