/**
 * What the float64 recurrent reference needs of one cell variant: one step forward and
 * its backward. Each variant's math lives in src/reference/<family>.ts; the cell table
 * (src/recurrent/cells.ts) names the step of each variant, and the reference driver
 * (src/reference/recurrent.ts) reads it from there.
 */

/** One layer and direction's weights in PyTorch's layout, and the cell's own extra parameters. */
export interface ReferenceWeights {
  wIh: ArrayLike<number>;
  wHh: ArrayLike<number>;
  bIh: ArrayLike<number> | undefined;
  bHh: ArrayLike<number> | undefined;
  /** The variant's own parameters by kind (e.g. weight_peephole), without the layer suffix. */
  extra: Readonly<Record<string, ArrayLike<number>>>;
  inputSize: number;
  hiddenSize: number;
}

/** Gradients of one layer and direction, laid out like ReferenceWeights; added to. */
export interface ReferenceWeightGrads {
  wIh: Float64Array;
  wHh: Float64Array;
  bIh: Float64Array;
  bHh: Float64Array;
  extra: Record<string, Float64Array>;
}

export interface ReferenceStep<Cache> {
  h: Float64Array;
  /** The cell state after the step (zeros for cells without one). */
  c: Float64Array;
  cache: Cache;
}

/**
 * What one step does beyond the plain cell (src/reference/cell-options.ts); absent, or with
 * heads 1, no layer norm and no dropout, the step is the plain cell. The block-diagonal
 * W_hh of heads and zoneout are the driver's (src/reference/recurrent.ts): neither changes
 * the step's math.
 */
export interface CellStepOptions {
  /** The recurrent, cell-state and Elman layer norms normalise each head's units apart. */
  heads: number;
  /** Layer norm's ε, or null for none; its parameters are in `extra` by kind (cell-layer-norm.ts). */
  layerNormEps: number | null;
  /** Recurrent dropout's factor on each unit's candidate (g of an LSTM, n of a GRU): keep / (1 − p); null for none. */
  dropout: Float64Array | null;
}

export interface ReferenceCell<Cache = unknown> {
  /** One step from (h_prev, c_prev) on input x. */
  forward(w: ReferenceWeights, x: Float64Array, hPrev: Float64Array, cPrev: Float64Array, options?: CellStepOptions): ReferenceStep<Cache>;
  /** Backward of one step (with the forward's options): adds weight gradients into `grads`; returns dx, dh_prev, dc_prev. */
  backward(
    w: ReferenceWeights,
    cache: Cache,
    dh: Float64Array,
    dc: Float64Array,
    grads: ReferenceWeightGrads,
    options?: CellStepOptions,
  ): { dx: Float64Array; dhPrev: Float64Array; dcPrev: Float64Array };
}
