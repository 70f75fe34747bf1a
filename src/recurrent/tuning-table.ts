/**
 * Tuned schedule choices per runtime, cell variant and shape: what tuneRecurrent measured,
 * consulted by every plan on that runtime. The table exports to JSON and loads again, so a
 * page or a job tunes once per adapter.
 */
import type { Runtime } from '../runtime/runtime.js';
import { ArgumentError, checkInteger, checkOneOf, describe } from '../errors.js';
import { cellVariant, type CellConfig, type CellVariant } from './cells.js';
import type { RecurrentPass, RecurrentShape, ScheduleOptions } from './schedule.js';

/** The scheduler choices a tuner may fix: the strategy and its shape. */
export type TunedChoice = Pick<ScheduleOptions, 'strategy' | 'unitSpan' | 'batchTile' | 'batchBlock' | 'workgroupSize'>;

const STRATEGIES = ['persistent', 'split'] as const;

const tables = new WeakMap<Runtime, Map<string, TunedChoice>>();

export function tuningTable(runtime: Runtime): Map<string, TunedChoice> {
  let table = tables.get(runtime);
  if (!table) tables.set(runtime, (table = new Map()));
  return table;
}

/** Per-step cost depends on the cell variant, hidden size, batch and directions, not on T. */
export function tuningKey(cell: CellConfig | CellVariant, shape: RecurrentShape, pass: RecurrentPass): string {
  const variant = 'forward' in cell ? cell : cellVariant(cell);
  return `${variant.name} H=${shape.hidden} B=${shape.batch} D=${shape.directions} ${pass}`;
}

export function tunedChoice(runtime: Runtime, cell: CellConfig | CellVariant, shape: RecurrentShape, pass: RecurrentPass): TunedChoice | undefined {
  return tables.get(runtime)?.get(tuningKey(cell, shape, pass));
}

/** The runtime's tuned choices, as plain JSON. */
export function exportTuning(runtime: Runtime): Record<string, TunedChoice> {
  return Object.fromEntries(tables.get(runtime) ?? []);
}

/** Loads choices from exportTuning (from the same adapter); checks them all first. */
export function importTuning(runtime: Runtime, table: Record<string, TunedChoice>): void {
  if (table === null || typeof table !== 'object') throw new ArgumentError('table', 'an object from exportTuning', describe(table));
  const checked: [string, TunedChoice][] = Object.entries(table).map(([key, choice]) => {
    if (choice === null || typeof choice !== 'object') throw new ArgumentError(`table["${key}"]`, 'an object of schedule choices', describe(choice));
    const entry: TunedChoice = {};
    if (choice.strategy !== undefined) entry.strategy = checkOneOf(`table["${key}"].strategy`, choice.strategy, STRATEGIES);
    for (const name of ['unitSpan', 'batchTile', 'batchBlock', 'workgroupSize'] as const) {
      if (choice[name] !== undefined) entry[name] = checkInteger(`table["${key}"].${name}`, choice[name], 1);
    }
    return [key, entry];
  });
  const target = tuningTable(runtime);
  for (const [key, entry] of checked) target.set(key, entry);
}
