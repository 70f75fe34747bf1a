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
  const checked = Object.entries(table).map(([key, choice]): [string, TunedChoice] => [key, checkTunedChoice(`table["${key}"]`, choice)]);
  const target = tuningTable(runtime);
  for (const [key, entry] of checked) target.set(key, entry);
}

const CHOICE_KEYS: readonly string[] = ['strategy', 'unitSpan', 'batchTile', 'batchBlock', 'workgroupSize'];

/**
 * A choice checked field by field, before any GPU work: a strategy the plan has, sizes that
 * are integers ≥ 1 (workgroupSize at most `maxWorkgroupSize`), no unknown keys (a misspelt
 * key would otherwise be ignored without a word). Absent fields stay absent.
 */
export function checkTunedChoice(argument: string, choice: unknown, maxWorkgroupSize = Number.MAX_SAFE_INTEGER): TunedChoice {
  if (choice === null || typeof choice !== 'object' || Array.isArray(choice)) throw new ArgumentError(argument, 'an object of schedule choices', describe(choice));
  const entry: TunedChoice = {};
  for (const [key, value] of Object.entries(choice)) {
    const field = `${argument}.${key}`;
    if (!CHOICE_KEYS.includes(key)) throw new ArgumentError(field, `a schedule choice key (${CHOICE_KEYS.join(', ')})`, 'an unknown key');
    if (value === undefined) continue;
    if (key === 'strategy') entry.strategy = checkOneOf(field, value, STRATEGIES);
    else entry[key as 'unitSpan'] = checkInteger(field, value, 1, key === 'workgroupSize' ? maxWorkgroupSize : Number.MAX_SAFE_INTEGER);
  }
  return entry;
}
