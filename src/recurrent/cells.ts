/**
 * What differs between the recurrent cells on the host side: gate count, shader, override
 * constants and the workgroup memory each sequence of a batch tile needs.
 */
import lstmForwardSource from '../../shaders/lstm_forward.wgsl?raw';
import gruForwardSource from '../../shaders/gru_forward.wgsl?raw';
import rnnForwardSource from '../../shaders/rnn_forward.wgsl?raw';
import lstmBackwardSource from '../../shaders/lstm_backward.wgsl?raw';
import gruBackwardSource from '../../shaders/gru_backward.wgsl?raw';
import rnnBackwardSource from '../../shaders/rnn_backward.wgsl?raw';
import type { ShaderSource } from '../gpu/reflection.js';
import type { ConstantValue } from '../gpu/kernel-cache.js';
import type { CellType, Nonlinearity } from '../core/types.js';

export const LSTM_FORWARD_SHADER: ShaderSource = { name: 'lstm_forward', code: lstmForwardSource };
export const GRU_FORWARD_SHADER: ShaderSource = { name: 'gru_forward', code: gruForwardSource };
export const RNN_FORWARD_SHADER: ShaderSource = { name: 'rnn_forward', code: rnnForwardSource };
export const LSTM_BACKWARD_SHADER: ShaderSource = { name: 'lstm_backward', code: lstmBackwardSource };
export const GRU_BACKWARD_SHADER: ShaderSource = { name: 'gru_backward', code: gruBackwardSource };
export const RNN_BACKWARD_SHADER: ShaderSource = { name: 'rnn_backward', code: rnnBackwardSource };

/** A cell with its variant: GRU reset form, RNN nonlinearity. */
export interface CellConfig {
  cell: CellType;
  /** GRU: PyTorch's form (reset after the recurrent product). */
  resetAfter: boolean;
  nonlinearity: Nonlinearity;
}

export interface TileShape {
  hidden: number;
  /** Sequences per workgroup. */
  batchTile: number;
  /** Sequences per work item (LSTM, GRU). */
  batchBlock: number;
  workgroupSize: number;
}

export function gatesOf(cell: CellType): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
}

/** Bytes of workgroup memory the forward kernel declares for a batch tile: each array rounded to 16. */
export function forwardWorkgroupBytes(config: CellConfig, hidden: number, batchTile: number): number {
  const array = (floats: number): number => Math.ceil((floats * 4) / 16) * 16;
  const h = array(2 * batchTile * hidden); // h, double buffered
  if (config.cell === 'lstm') return h + array(batchTile * hidden); // + c
  if (config.cell === 'gru') return h + array(config.resetAfter ? 1 : 2 * batchTile * hidden); // + r ⊙ h and z
  return h;
}

/** Bytes of workgroup memory the backward kernel declares for a batch tile. */
export function backwardWorkgroupBytes(config: CellConfig, hidden: number, batchTile: number): number {
  const array = (floats: number): number => Math.ceil((floats * 4) / 16) * 16;
  const perUnit = config.cell === 'lstm' ? [4, 1, 1] : config.cell === 'gru' ? [3, 1, 1] : [1, 1];
  return perUnit.reduce((sum, n) => sum + array(n * batchTile * hidden), 0);
}

/** Which saved slot holds h_prev, the input of W_hh for the weight gradient. */
export function previousHiddenSlot(cell: CellConfig['cell']): number {
  return cell === 'lstm' ? 6 : cell === 'gru' ? 4 : 1;
}

export function backwardKernel(config: CellConfig, tile: TileShape): { shader: ShaderSource; constants: Record<string, ConstantValue> } {
  const common = { H: tile.hidden, BT: tile.batchTile, WG: tile.workgroupSize };
  switch (config.cell) {
    case 'lstm':
      return { shader: LSTM_BACKWARD_SHADER, constants: { ...common, BB: tile.batchBlock } };
    case 'gru':
      return { shader: GRU_BACKWARD_SHADER, constants: { ...common, BB: tile.batchBlock, RESET_AFTER: config.resetAfter } };
    case 'rnn':
      return { shader: RNN_BACKWARD_SHADER, constants: { ...common, RELU: config.nonlinearity === 'relu' } };
  }
}

/** Activations per unit that the forward keeps for backward (see each forward shader's `saved`). */
export function savedSlots(cell: CellConfig['cell']): number {
  return cell === 'lstm' ? 7 : cell === 'gru' ? 5 : 2;
}

export function forwardKernel(config: CellConfig, tile: TileShape, save: boolean): { shader: ShaderSource; constants: Record<string, ConstantValue> } {
  const common = { H: tile.hidden, BT: tile.batchTile, WG: tile.workgroupSize, SAVE: save };
  switch (config.cell) {
    case 'lstm':
      return { shader: LSTM_FORWARD_SHADER, constants: { ...common, BB: tile.batchBlock } };
    case 'gru':
      return {
        shader: GRU_FORWARD_SHADER,
        constants: {
          ...common,
          BB: tile.batchBlock,
          RESET_AFTER: config.resetAfter,
          AUX_SIZE: config.resetAfter ? 1 : 2 * tile.batchTile * tile.hidden,
        },
      };
    case 'rnn':
      return { shader: RNN_FORWARD_SHADER, constants: { ...common, RELU: config.nonlinearity === 'relu' } };
  }
}
