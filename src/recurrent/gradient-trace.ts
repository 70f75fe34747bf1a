/**
 * ∂L/∂h_t at every step of every layer, from the engine's own backward: the backward of a
 * traced call runs one step per dispatch and copies the gradient it carries into the
 * previous step after each one, beside the layer's output gradient. One read-back gives
 * the lot; `norms` is the picture of vanishing and exploding gradients.
 *
 *   const trace = new GradientTrace();
 *   const pass = lstm.forwardTrain(x, { gradientTrace: trace });
 *   pass.backward({ output: dOutput });
 *   const gradients = await trace.read(); // gradients.norms(layer) = ‖∂L/∂h_t‖ for t = 0 … T−1
 *   trace.dispose();
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor } from '../tensor.js';
import { ArgumentError } from '../errors.js';
import type { RecurrentShape } from './schedule.js';

/** Per-step copies of one layer's carried gradient: where backward puts them. */
export interface StepTrace {
  /** Copies D·B·H floats of the carried gradient after processing step `step` ran backward. */
  afterStep(step: number, source: GPUBuffer, byteOffset: number): void;
}

/** The layout of one traced call: per layer, T + 1 carried snapshots, then the output gradient. */
export interface GradientTraceLayout {
  shape: RecurrentShape;
  layers: number;
  batchFirst: boolean;
  lengths: readonly number[] | null;
}

export class GradientTrace {
  private tensor: Tensor<'f32'> | null = null;
  private layout: GradientTraceLayout | null = null;

  /** Floats per layer: T + 1 snapshots of [D, B, H], then rows × [D·H] of the output gradient. */
  private static layerFloats({ steps: T, batch: B, hidden: H, directions: D }: RecurrentShape): number {
    return (T + 1) * D * B * H + T * B * D * H;
  }

  /** Called by the traced call's backward before any copy. */
  begin(runtime: Runtime, layout: GradientTraceLayout): void {
    if (this.tensor) throw new ArgumentError('gradientTrace', 'a trace not yet used by a backward (one trace per backward)', 'one already filled');
    this.layout = layout;
    this.tensor = Tensor.zeros(runtime, [layout.layers * GradientTrace.layerFloats(layout.shape)], 'f32', 'gradient trace');
  }

  /** The copies of one layer: its seed and each step's carried gradient, and its output gradient. */
  layer(runtime: Runtime, index: number): StepTrace & { seed(source: GPUBuffer, byteOffset: number): void; output(dOutput: GPUBuffer): void } {
    const { shape } = this.layout!;
    const target = this.tensor!.buffer;
    const base = index * GradientTrace.layerFloats(shape) * 4;
    const state = shape.directions * shape.batch * shape.hidden * 4;
    const copy = (source: GPUBuffer, byteOffset: number, slot: number): void =>
      runtime.commandEncoder().copyBufferToBuffer(source, byteOffset, target, base + slot * state, state);
    return {
      seed: (source, byteOffset) => copy(source, byteOffset, shape.steps),
      afterStep: (step, source, byteOffset) => copy(source, byteOffset, step),
      output: (dOutput) => runtime.commandEncoder().copyBufferToBuffer(dOutput, 0, target, base + (shape.steps + 1) * state, shape.steps * state),
    };
  }

  /** Reads the traced gradients back (one read); the trace can then be disposed. */
  async read(): Promise<HiddenGradients> {
    if (!this.tensor || !this.layout) throw new ArgumentError('gradientTrace', 'a trace filled by a backward', 'one whose call has not run backward');
    return new HiddenGradients(this.layout, await this.tensor.read());
  }

  dispose(): void {
    this.tensor?.dispose();
    this.tensor = null;
  }
}

/** ∂L/∂h_t of every layer, step, direction, sequence and unit: the recurrent path plus the output's own gradient. */
export class HiddenGradients {
  readonly steps: number;
  readonly batch: number;
  readonly hidden: number;
  readonly directions: number;
  readonly layers: number;
  private readonly byLayer: Float32Array[];

  constructor(layout: GradientTraceLayout, data: Float32Array) {
    const { steps: T, batch: B, hidden: H, directions: D } = layout.shape;
    this.steps = T;
    this.batch = B;
    this.hidden = H;
    this.directions = D;
    this.layers = layout.layers;
    const per = (T + 1) * D * B * H + T * B * D * H;
    this.byLayer = Array.from({ length: layout.layers }, (_, l) => totals(layout, data.subarray(l * per, (l + 1) * per)));
  }

  /** ∂L/∂h_t of `layer`, [T, D, B, H]: zero past a sequence's length. */
  values(layer: number): Float32Array {
    return this.byLayer[this.checkLayer(layer)]!;
  }

  /** ‖∂L/∂h_t‖ over every sequence and unit of one direction, for t = 0 … T−1. */
  norms(layer: number, direction = 0): Float64Array {
    const values = this.values(layer);
    if (!Number.isInteger(direction) || direction < 0 || direction >= this.directions) {
      throw new ArgumentError('direction', `an integer in [0, ${this.directions})`, String(direction));
    }
    const width = this.batch * this.hidden;
    return Float64Array.from({ length: this.steps }, (_, t) => {
      const start = (t * this.directions + direction) * width;
      let sum = 0;
      for (let k = start; k < start + width; k++) sum += values[k]! * values[k]!;
      return Math.sqrt(sum);
    });
  }

  private checkLayer(layer: number): number {
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.layers) throw new ArgumentError('layer', `an integer in [0, ${this.layers})`, String(layer));
    return layer;
  }
}

/**
 * The total gradient at each time from one layer's trace: after processing step p ran
 * backward, the carried gradient is that of the state before p, the state after p − 1;
 * snapshot T is the seed, the gradient of the state after the last step. The state after
 * processing step p is time p forward, L_b − 1 − p in reverse; the output gradient there adds
 * in. Past a sequence's length backward leaves its gradient alone, so snapshot L_b is the seed too.
 */
function totals(layout: GradientTraceLayout, data: Float32Array): Float32Array {
  const { steps: T, batch: B, hidden: H, directions: D } = layout.shape;
  const snapshot = (p: number, d: number, b: number): number => ((p * D + d) * B + b) * H;
  const outputs = (T + 1) * D * B * H;
  const row = (t: number, b: number): number => (layout.batchFirst ? b * T + t : t * B + b);
  const result = new Float32Array(T * D * B * H);
  for (let b = 0; b < B; b++) {
    const length = layout.lengths?.[b] ?? T;
    for (let d = 0; d < D; d++) {
      for (let p = 0; p < length; p++) {
        const t = d === 0 ? p : length - 1 - p;
        const carried = snapshot(p + 1, d, b);
        const direct = outputs + (row(t, b) * D + d) * H;
        const into = ((t * D + d) * B + b) * H;
        for (let j = 0; j < H; j++) result[into + j] = data[carried + j]! + data[direct + j]!;
      }
    }
  }
  return result;
}
