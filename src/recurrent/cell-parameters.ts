/**
 * The host side of a cell's own parameters (peepholes, layer-norm gains and shifts, as the
 * cell table lists them): the cell_params buffer the kernels read, the bias they add with
 * the shifts folded in, and the sums of the parameters' gradients after backward.
 */
import type { Runtime } from '../runtime/runtime.js';
import { encodeAxpy } from '../ops/elementwise.js';
import { encodeColumnReduce } from '../ops/reduce.js';
import { savedSlot, type CellVariant, type GradientRows } from './cells.js';
import type { LayerParameters } from './parameters.js';
import type { LayerPlan, RecurrentPlan } from './plan.js';

/** A buffer for the kernels, and what to do when the pass that reads it is recorded. */
export interface Bound {
  readonly buffer: GPUBuffer | null;
  release(): void;
}

const KEEP = (): void => {};
/** Usage of scratch buffers that copies fill (read when called: GPUBufferUsage exists only once WebGPU is loaded). */
export const copyUsage = (): GPUBufferUsageFlags => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;

/** The kernels' cell_params: one parameter's tensor as it is, several packed per direction ([D, Σ size, H]). */
export function kernelCellParameters(runtime: Runtime, plan: RecurrentPlan, layer: LayerPlan): Bound {
  const { variant } = plan;
  const { hidden: H, directions: D } = plan.shape;
  const kinds = variant.kernelParameters;
  if (kinds.length === 0) return { buffer: null, release: KEEP };
  if (kinds.length === 1) return { buffer: layer.weights.cell[kinds[0]!]!.buffer, release: KEEP };
  const sizes = kinds.map((kind) => variant.cellParameters.find((p) => p.kind === kind)!.size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const packed = runtime.pool.acquire(D * total * H * 4, copyUsage(), `${variant.name} cell_params`);
  const encoder = runtime.commandEncoder();
  for (let d = 0; d < D; d++) {
    let at = d * total;
    kinds.forEach((kind, k) => {
      encoder.copyBufferToBuffer(layer.weights.cell[kind]!.buffer, d * sizes[k]! * H * 4, packed, at * H * 4, sizes[k]! * H * 4);
      at += sizes[k]!;
    });
  }
  return { buffer: packed, release: () => runtime.pool.release(packed) };
}

/** The bias the kernels add: b_hh (or zeros), plus the folded shifts and, where the kernels add it, b_ih. */
export function kernelBias(runtime: Runtime, plan: RecurrentPlan, layer: LayerPlan): Bound {
  const { variant } = plan;
  const added = [
    ...variant.foldedBiases.map((kind) => layer.weights.cell[kind]!),
    ...(variant.inputProjection.biasInKernel && layer.weights.bIh ? [layer.weights.bIh] : []),
  ];
  if (added.length === 0) return { buffer: layer.recurrentBias.buffer, release: KEEP };
  const base = layer.recurrentBias;
  const bias = runtime.pool.acquire(base.byteLength, copyUsage(), `${variant.name} kernel bias`);
  runtime.commandEncoder().copyBufferToBuffer(base.buffer, 0, bias, 0, base.byteLength);
  for (const tensor of added) encodeAxpy(runtime, bias, tensor.buffer, base.size);
  return { buffer: bias, release: () => runtime.pool.release(bias) };
}

/** Vectors of H per direction in each row buffer a backward kernel writes. */
export function gradientRowWidth(variant: CellVariant, rows: GradientRows): number {
  if (rows !== 'd_cell_terms') return variant.gates.length;
  return Math.max(...variant.parameterGradients.filter((g) => g.rows === rows).map((g) => g.column + g.width));
}

/** The row buffers the variant's backward writes: d_gates always, the others where the table reads them. */
export function gradientRowsUsed(variant: CellVariant): GradientRows[] {
  const { inputBias, recurrentBias, recurrentWeights } = variant.gradientSources;
  return [...new Set<GradientRows>(['d_gates', inputBias, recurrentBias, recurrentWeights, ...variant.parameterGradients.map((g) => g.rows)])];
}

/**
 * Adds the bias gradients (b_ih, b_hh and the shifts folded into the kernels' bias) and the
 * cell parameters' gradients, each a column sum over all rows of its row buffer (gains:
 * of the rows times their saved normalised values).
 */
export function encodeCellGradients(runtime: Runtime, plan: RecurrentPlan, rows: ReadonlyMap<GradientRows, GPUBuffer>, saved: GPUBuffer, grads: LayerParameters): void {
  const { variant } = plan;
  const { steps: T, batch: B, hidden: H, directions: D } = plan.shape;
  const count = T * B;
  const width = D * variant.gates.length * H;
  // Bias targets by the rows they sum; one set of sums serves several targets.
  const targets = new Map<GradientRows, GPUBuffer[]>();
  const target = (source: GradientRows, buffer: GPUBuffer | undefined) => buffer && targets.set(source, [...(targets.get(source) ?? []), buffer]);
  const { inputBias, recurrentBias } = variant.gradientSources;
  target(inputBias, grads.bIh?.buffer);
  target(recurrentBias, grads.bHh?.buffer);
  for (const kind of variant.foldedBiases) target(recurrentBias, grads.cell[kind]!.buffer);
  for (const [source, outs] of targets) {
    if (outs.length === 1) {
      encodeColumnReduce(runtime, { rows: count, cols: width, x: rows.get(source)!, out: outs[0]!, beta: 1 });
      continue;
    }
    const sums = runtime.pool.acquire(width * 4, GPUBufferUsage.STORAGE, `${variant.name} bias sums`);
    encodeColumnReduce(runtime, { rows: count, cols: width, x: rows.get(source)!, out: sums });
    for (const out of outs) encodeAxpy(runtime, out, sums, width);
    runtime.pool.release(sums);
  }
  const slots = variant.saved.length;
  for (const g of variant.parameterGradients) {
    const rowWidth = gradientRowWidth(variant, g.rows);
    for (let d = 0; d < D; d++) {
      encodeColumnReduce(runtime, {
        rows: count, cols: g.width * H, x: rows.get(g.rows)!, ld: D * rowWidth * H, offsetX: (d * rowWidth + g.column) * H,
        out: grads.cell[g.kind]!.buffer, offsetOut: d * g.width * H, beta: 1,
        ...(g.slot ? { product: { y: saved, ld: D * slots * H, offset: (d * slots + savedSlot(variant, g.slot)) * H } } : {}),
      });
    }
  }
}
