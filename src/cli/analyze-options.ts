/**
 * Command-line options of `analyze`, parsed and checked before anything is read or run: a
 * bad option names itself, what it expects and what it got. (Kept beside options.ts, whose
 * parsing helpers it shares, so that neither file grows past a screenful of commands.)
 */
import { OptionError, integer, parse } from './options.js';

export interface AnalyzeOptions {
  /** A run directory (its latest.json) or a step-<n>.json file. */
  checkpoint: string;
  /** A UTF-8 file to analyse instead of the run's validation text. */
  text: string | null;
  /** Characters analysed: the first N of the validation text (or of --text). */
  chars: number;
  /** Units shown as heatmaps and printed: the K best distinct ones. */
  units: number;
  /** Steps the last character's gradient is followed back through time. */
  stepsBack: number;
  /** The HTML report; null: analysis.html in the checkpoint's directory. */
  out: string | null;
  /** Also write the gradient-flow chart and each heatmap as SVG files beside the report. */
  svg: boolean;
}

const ANALYZE_SPEC = {
  checkpoint: { type: 'string' },
  text: { type: 'string' },
  chars: { type: 'string' },
  units: { type: 'string' },
  'steps-back': { type: 'string' },
  out: { type: 'string' },
  svg: { type: 'boolean' },
} as const;

/** Every option of analyze, in the order help lists them. */
export const ANALYZE_OPTION_NAMES = Object.keys(ANALYZE_SPEC) as (keyof typeof ANALYZE_SPEC)[];

/** analyze's defaults, by option name. */
export const ANALYZE_DEFAULTS = { chars: 2000, units: 4, 'steps-back': 100, svg: false } as const;

/** Upper bounds that keep one analysis within seconds (the unit search is units × characters × shifts). */
export const MAX_ANALYSIS_CHARS = 20000;
export const MAX_HEATMAP_UNITS = 32;
export const MAX_STEPS_BACK = 2000;

function nonEmpty(name: string, value: string | boolean | undefined, expected: string): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || value.trim() === '') throw new OptionError(`--${name}: expected ${expected}, got an empty string`);
  return value;
}

export function parseAnalyzeOptions(argv: string[]): AnalyzeOptions {
  const v = parse(argv, ANALYZE_SPEC, 'analyze');
  const checkpoint = nonEmpty('checkpoint', v.checkpoint, 'a checkpoint directory or step-<n>.json file');
  if (checkpoint === null) throw new OptionError('analyze: --checkpoint <directory> is required (a directory written by train)');
  return {
    checkpoint,
    text: nonEmpty('text', v.text, 'a UTF-8 text file'),
    chars: integer('chars', v.chars, ANALYZE_DEFAULTS.chars, 1, MAX_ANALYSIS_CHARS),
    units: integer('units', v.units, ANALYZE_DEFAULTS.units, 1, MAX_HEATMAP_UNITS),
    stepsBack: integer('steps-back', v['steps-back'], ANALYZE_DEFAULTS['steps-back'], 1, MAX_STEPS_BACK),
    out: nonEmpty('out', v.out, 'a file path for the HTML report'),
    svg: (v.svg as boolean | undefined) ?? ANALYZE_DEFAULTS.svg,
  };
}
