/**
 * The layout of what a training forward keeps of one layer for backward: the saved
 * activations per unit, rows × [D, saved slots, H] (the cell table's `saved`), then, with
 * an input norm, the projection X·W_ihᵀ (rows × [D, G·H]) and its statistics (rows × D × 2).
 */
import type { CellVariant } from './cells.js';
import type { RecurrentShape } from './schedule.js';

/** Bytes of activations one layer keeps for backward: as the layout above. */
export function savedBytes(variant: CellVariant, shape: RecurrentShape): number {
  const units = shape.steps * shape.batch * shape.directions * variant.saved.length * shape.hidden;
  return (units + (variant.inputProjection.norm ? inputNormFloats(variant, shape) : 0)) * 4;
}

/** Floats the input norm keeps: the projection X·W_ihᵀ (rows × [D, G·H]) and its statistics (rows × D × 2). */
function inputNormFloats(variant: CellVariant, shape: RecurrentShape): number {
  const rows = shape.steps * shape.batch * shape.directions;
  return rows * variant.gates.length * shape.hidden + rows * 2;
}

/** Where the input norm's projection and statistics start in a layer's saved activations (elements). */
export function inputNormLayout(variant: CellVariant, shape: RecurrentShape): { projection: number; stats: number } {
  const projection = shape.steps * shape.batch * shape.directions * variant.saved.length * shape.hidden;
  return { projection, stats: projection + shape.steps * shape.batch * shape.directions * variant.gates.length * shape.hidden };
}

