/**
 * What a sequence task provides to the tasks page: a model that trains one step at a time on
 * fresh random batches, its accuracy on held-out inputs (one value per chart series), and
 * a few held-out examples to show next to the curve.
 */
import type { Runtime } from '../../src/index.js';
import type { SeriesSpec } from '../shared/charts.js';

/** A table cell; `ok` colours a prediction right or wrong. */
export interface Cell {
  text: string;
  ok?: boolean;
}

/** One evaluation: accuracy per series, and examples from the same outputs (no second pass). */
export interface Evaluation {
  /** Accuracy on the held-out sets, in the order of the task's series (null: not measured). */
  accuracy: (number | null)[];
  /** A few held-out inputs with their targets and the model's outputs, as table rows. */
  examples: Cell[][];
}

export interface TaskModel {
  /** One optimizer step on a new random batch; the loss in nats. */
  trainStep(): Promise<number>;
  /**
   * Scores the held-out sets. Each task decodes all its held-out inputs in one batch of one
   * shape: every new shape compiles new kernels, which costs seconds on a software GPU.
   */
  evaluate(): Promise<Evaluation>;
  /** Something the page should say about this model (a decoder the device cannot run, say). */
  readonly note?: string | null;
  dispose(): void;
}

export interface TaskSpec {
  id: string;
  title: string;
  /** A paragraph of HTML: the task, its model and what the curve shows. */
  description: string;
  series: SeriesSpec[];
  /** Header of the examples table. */
  columns: string[];
  defaults: { steps: number; evalEvery: number };
  create(runtime: Runtime): TaskModel;
}

/** Accuracy of predictions against targets (both as strings, or numbers). */
export function accuracy<T>(predicted: readonly T[], expected: readonly T[]): number {
  return predicted.filter((p, i) => p === expected[i]).length / expected.length;
}

/** A generator of random bits / digits, from a seed (held-out sets are fixed, training batches fresh). */
export function integers(random: () => number, below: number): () => number {
  return () => Math.floor(random() * below);
}
