/**
 * Per-step activations of every layer, as the interpretable-cell pictures need them: h
 * from each layer's output and, where the cell table's saved slots hold them, the cell
 * state c and the gates. The evaluation forward saves them as for backward; one copy into
 * one buffer and one read-back bring them to the CPU.
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor } from '../tensor.js';
import { ArgumentError, describe } from '../errors.js';
import type { CellVariant } from './cells.js';
import type { RecurrentShape } from './schedule.js';

/** The activations a cell's saved slots hold as they are: every gated cell keeps its gates (and LSTM c), layer norm or not. */
function savedActivations(variant: CellVariant): string[] {
  return variant.saved.filter((name) => name !== 'h' && (name === 'c' || variant.gates.includes(name)));
}

/** What can be read of a cell: 'h', then its gates and (LSTM) 'c'; the Elman cell has only 'h'. */
export function activationNames(variant: CellVariant): string[] {
  return ['h', ...savedActivations(variant)];
}

export interface ActivationLayout {
  shape: RecurrentShape;
  batchFirst: boolean;
  lengths: readonly number[] | null;
  names: readonly string[];
}

/** Reads `outputs` (one per layer, rows × [D·H]) and the wanted slots of `saved` (rows × [D, slots, H]) back at once. */
export async function readActivations(runtime: Runtime, variant: CellVariant, layout: Omit<ActivationLayout, 'names'>, outputs: readonly Tensor[], saved: readonly Tensor[]): Promise<RecurrentActivations> {
  const { steps: T, batch: B, hidden: H, directions: D } = layout.shape;
  const unitsPerSlot = T * B * D * H * 4;
  const savedBytes = unitsPerSlot * variant.saved.length;
  const layerBytes = unitsPerSlot + savedBytes;
  const gathered = Tensor.empty(runtime, [(outputs.length * layerBytes) / 4], 'f32', 'activations');
  try {
    const encoder = runtime.commandEncoder();
    outputs.forEach((output, l) => {
      encoder.copyBufferToBuffer(output.buffer, 0, gathered.buffer, l * layerBytes, unitsPerSlot);
      encoder.copyBufferToBuffer(saved[l]!.buffer, 0, gathered.buffer, l * layerBytes + unitsPerSlot, savedBytes);
    });
    const data = await gathered.read();
    const names = activationNames(variant);
    const perLayer = layerBytes / 4;
    const layers = outputs.map((_, l) => {
      const block = data.subarray(l * perLayer, (l + 1) * perLayer);
      const byName = new Map<string, Float32Array>([['h', reorder(layout, block, 0, 1)]]);
      for (const name of savedActivations(variant)) byName.set(name, reorder(layout, block.subarray(T * B * D * H), variant.saved.indexOf(name), variant.saved.length));
      return byName;
    });
    return new RecurrentActivations({ ...layout, names }, layers);
  } finally {
    gathered.dispose();
  }
}

/** Slot `slot` of rows × [D, width, H] as [T, D, B, H], zero past each sequence's length (where the kernels leave slots as they were). */
function reorder({ shape, batchFirst, lengths }: Omit<ActivationLayout, 'names'>, data: Float32Array, slot: number, width: number): Float32Array {
  const { steps: T, batch: B, hidden: H, directions: D } = shape;
  const result = new Float32Array(T * D * B * H);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      if (lengths && t >= lengths[b]!) continue;
      const row = batchFirst ? b * T + t : t * B + b;
      for (let d = 0; d < D; d++) {
        const from = ((row * D + d) * width + slot) * H;
        result.set(data.subarray(from, from + H), ((t * D + d) * B + b) * H);
      }
    }
  }
  return result;
}

/** Activations of every layer by name, each [T, D, B, H]; zero past a sequence's length. */
export class RecurrentActivations {
  readonly steps: number;
  readonly batch: number;
  readonly hidden: number;
  readonly directions: number;
  /** 'h', then 'c' and the gates where the cell keeps them ('i', 'f', 'g', 'o' for LSTM; 'r', 'z', 'n' for GRU). */
  readonly names: readonly string[];

  constructor(layout: ActivationLayout, private readonly layers: readonly Map<string, Float32Array>[]) {
    ({ steps: this.steps, batch: this.batch, hidden: this.hidden, directions: this.directions } = layout.shape);
    this.names = layout.names;
  }

  get numLayers(): number {
    return this.layers.length;
  }

  /** One activation of one layer, [T, D, B, H]. */
  get(layer: number, name: string): Float32Array {
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.layers.length) throw new ArgumentError('layer', `an integer in [0, ${this.layers.length})`, describe(layer));
    const values = this.layers[layer]!.get(name);
    if (!values) throw new ArgumentError('name', `one of ${this.names.map((n) => `'${n}'`).join(', ')} (what this cell keeps)`, describe(name));
    return values;
  }

  /** One unit's activation over time: `name` of `layer` at unit `unit`, for one sequence and direction. */
  unit(layer: number, name: string, unit: number, where: { batch?: number; direction?: number } = {}): Float32Array {
    const values = this.get(layer, name);
    const index = (argument: string, value: number, count: number): number => {
      if (!Number.isInteger(value) || value < 0 || value >= count) throw new ArgumentError(argument, `an integer in [0, ${count})`, describe(value));
      return value;
    };
    const j = index('unit', unit, this.hidden);
    const b = index('where.batch', where.batch ?? 0, this.batch);
    const d = index('where.direction', where.direction ?? 0, this.directions);
    return Float32Array.from({ length: this.steps }, (_, t) => values[((t * this.directions + d) * this.batch + b) * this.hidden + j]!);
  }
}
