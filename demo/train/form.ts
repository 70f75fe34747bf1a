/**
 * The train page's form: corpus, model and schedule options read and checked (each error
 * names its field), the pasted text's minimum shown as the batch and window change, and
 * the model's fields locked while a model exists, since they cannot change under it.
 */
import { FieldError, readChoice, readNumber, readText, setDisabled, writeValue } from '../shared/fields.js';
import { VALIDATION, minimumCharacters, type CorpusChoice } from './corpora.js';
import type { Schedule } from './checkpoint.js';
import type { TrainSettings } from './trainer.js';

/** Fields fixed once a model exists (the learning rate and the schedule may change on resume). */
const MODEL_FIELDS = ['corpus', 'text', 'cell', 'hidden', 'layers', 'window', 'batch'] as const;

export function readCorpusChoice(): CorpusChoice {
  return readChoice('corpus', ['moby-dick', 'names', 'pasted'] as const);
}

export function readSettings(): TrainSettings {
  const hidden = readNumber('hidden', { min: 4, max: 1024, integer: true });
  return {
    cell: readChoice('cell', ['lstm', 'gru'] as const),
    hidden,
    layers: readNumber('layers', { min: 1, max: 4, integer: true }),
    // The command line's default embedding, never wider than the hidden state.
    embedding: Math.min(32, hidden),
    lr: readNumber('lr', { min: 0.00001, max: 1 }),
    window: readNumber('window', { min: 2, max: 512, integer: true }),
    batch: readNumber('batch', { min: 1, max: 256, integer: true }),
    clip: 5,
    seed: 1,
  };
}

export function readSchedule(corpus: CorpusChoice): Schedule {
  return {
    steps: readNumber('steps', { min: 1, max: 1_000_000, integer: true }),
    evalEvery: readNumber('eval-every', { min: 1, max: 100_000, integer: true }),
    sampleEvery: readNumber('sample-every', { min: 1, max: 100_000, integer: true }),
    temperature: readTemperature(),
    // Names are short: a shorter sample still shows a dozen of them.
    sampleLength: corpus === 'names' ? 120 : 240,
  };
}

export function readTemperature(): number {
  return readNumber('temperature', { min: 0, max: 2 });
}

/** Shows the corpus's own controls and the pasted text's minimum for the current batch and window. */
export function updateCorpusHint(): void {
  const choice = readText('corpus');
  document.getElementById('pasted')!.hidden = choice !== 'pasted';
  const hint = document.getElementById('text-minimum')!;
  let minimum: number;
  try {
    minimum = minimumCharacters(readNumber('batch', { min: 1, max: 256, integer: true }), readNumber('window', { min: 2, max: 512, integer: true }), VALIDATION.pasted);
  } catch (error) {
    hint.textContent = error instanceof FieldError ? `Set a valid batch and window to see the minimum (${error.message}).` : String(error);
    return;
  }
  const length = Array.from(readText('text')).length;
  hint.textContent = `At least ${minimum.toLocaleString('en-US')} characters for this batch and window (10% is held out for validation); pasted so far: ${length.toLocaleString('en-US')}.`;
  hint.classList.toggle('error-text', length > 0 && length < minimum);
}

/** Locks (or unlocks) the fields of the model. */
export function lockModelFields(locked: boolean): void {
  setDisabled(MODEL_FIELDS, locked);
}

/** Shows a loaded checkpoint's settings in the form. */
export function showSettings(settings: TrainSettings, corpus: CorpusChoice): void {
  writeValue('corpus', corpus);
  writeValue('cell', settings.cell);
  writeValue('hidden', settings.hidden);
  writeValue('layers', settings.layers);
  writeValue('lr', settings.lr);
  writeValue('window', settings.window);
  writeValue('batch', settings.batch);
  updateCorpusHint();
}
