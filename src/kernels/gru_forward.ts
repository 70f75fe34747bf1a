/** Host description of shaders/gru_forward.wgsl (persistent GRU forward, either reset form). */
import source from '../../shaders/gru_forward.wgsl?raw';
import { sizeConstant } from '../gpu/kernel-descriptor.js';
import { cellFlags, floats, normFloats, recurrentKernel, tileFloats } from './recurrent_common.js';

export const gruForwardKernel = recurrentKernel({
  name: 'gru_forward',
  source,
  savedSlots: 5,
  normSlots: 4,
  optionalBindings: ['saved', 'cell_params'],
  constants: (config, hidden, schedule, save) => ({
    NORM_SIZE: normFloats(config, hidden, schedule.batchTile, 3),
    ...cellFlags(config, ['ZONEOUT', 'RECURRENT_DROPOUT']),
    BB: schedule.batchBlock,
    SAVE: save,
    RESET_AFTER: config.resetAfter,
    // Cho's form keeps r ⊙ h and z of the tile in workgroup memory.
    AUX_SIZE: config.resetAfter ? 1 : (2 * schedule.batchTile * hidden) / (config.heads ?? 1),
  }),
  workgroupArrays: (c) => ({ norm_buf: floats(sizeConstant(c, 'NORM_SIZE')), h_buf: floats(2 * tileFloats(c)), aux: floats(sizeConstant(c, 'AUX_SIZE')) }),
});
