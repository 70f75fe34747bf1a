/** The canonical benchmark shapes (the table in the README's Benchmarks section). */
export interface BenchShape {
  name: string;
  cell: 'lstm' | 'gru' | 'rnn';
  inputSize: number;
  hiddenSize: number;
  steps: number;
  batch: number;
}

export const CANONICAL_SHAPES: readonly BenchShape[] = [
  { name: 'lm-small', cell: 'lstm', inputSize: 64, hiddenSize: 128, steps: 64, batch: 32 },
  { name: 'wide', cell: 'lstm', inputSize: 512, hiddenSize: 512, steps: 32, batch: 16 },
  { name: 'gru', cell: 'gru', inputSize: 128, hiddenSize: 256, steps: 128, batch: 8 },
  { name: 'stream', cell: 'lstm', inputSize: 256, hiddenSize: 256, steps: 256, batch: 1 },
];

/** Multiply-adds × 2 of one forward: input projection and recurrence, every step. */
export function forwardFlops(s: BenchShape): number {
  const gates = { lstm: 4, gru: 3, rnn: 1 }[s.cell];
  return 2 * s.steps * s.batch * gates * s.hiddenSize * (s.inputSize + s.hiddenSize);
}

/** Forward, then backward (input and weight gradients, about twice the forward). */
export function trainingFlops(s: BenchShape): number {
  return 3 * forwardFlops(s);
}

export interface SweepShape {
  vary: 'T' | 'B' | 'H';
  shape: BenchShape;
}

/** lm-small with one of T, B or H varied at a time. */
export const SWEEP_SHAPES: readonly SweepShape[] = (() => {
  const base = CANONICAL_SHAPES[0]!;
  const at = (vary: SweepShape['vary'], change: Partial<BenchShape>): SweepShape => ({ vary, shape: { ...base, ...change, name: `sweep ${vary}` } });
  return [
    ...[16, 32, 64, 128, 256, 512].map((steps) => at('T', { steps })),
    ...[1, 4, 16, 32, 64].map((batch) => at('B', { batch })),
    ...[32, 64, 128, 256].map((hiddenSize) => at('H', { hiddenSize })),
  ];
})();
