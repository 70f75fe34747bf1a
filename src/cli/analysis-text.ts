/**
 * The text `analyze` reads the model over: by default the start of the run's held-out
 * validation text (the same split the trainer makes, so the model never trained on it),
 * or a UTF-8 file (--text). Characters the model's vocabulary lacks are skipped, with a
 * note naming them, so any file can be analysed; a text left with none is an error.
 */
import { readFileSync, statSync } from 'node:fs';
import type { CharVocabulary } from '../data/vocabulary.js';
import { splitStream } from '../data/batches.js';
import { CorpusError } from './corpora.js';
import { loadCorpus } from './trainer.js';
import { OptionError } from './options.js';
import type { AnalyzeOptions } from './analyze-options.js';

export interface AnalysisText {
  /** The characters analysed, every one in the vocabulary. */
  text: string;
  /** Where it came from, for the report. */
  source: string;
  /** What the reader should know: skipped characters, a text shorter than asked for. */
  notes: string[];
}

/** What analyze needs of the checkpoint's train options to find its validation text. */
interface RunData {
  data: string;
  validation: number;
}

function runData(checkpointOptions: unknown, where: string): RunData {
  const o = checkpointOptions as Partial<RunData> | null;
  const ok = o !== null && typeof o === 'object' && typeof o.data === 'string' && o.data !== '' && typeof o.validation === 'number' && o.validation > 0 && o.validation < 1;
  if (!ok) {
    throw new OptionError(
      `--checkpoint ${where}: expected options.data and options.validation (the run's text and held-out share) to find its validation text, ` +
        `got ${JSON.stringify({ data: o?.data, validation: o?.validation })}; give a text to analyse with --text FILE`,
    );
  }
  return { data: o.data!, validation: o.validation! };
}

/** The held-out end of the run's text, as code points: the split trainer.ts makes of its token ids. */
function validationCharacters(run: RunData, where: string): string[] {
  let text: string;
  try {
    text = loadCorpus(run.data, 0).text;
  } catch (error) {
    if (!(error instanceof CorpusError)) throw error;
    throw new OptionError(`--checkpoint ${where}: expected its training text (options.data ${JSON.stringify(run.data)}) to read the validation text from, got: ${error.message}; or give a text with --text FILE`);
  }
  const characters = Array.from(text);
  // splitStream over positions gives the trainer's cut without encoding the whole corpus.
  const { validation } = splitStream(Int32Array.from({ length: characters.length }, (_, i) => i), run.validation);
  return characters.slice(validation[0] ?? characters.length);
}

function fileCharacters(path: string): string[] {
  let bytes: Buffer;
  try {
    if (!statSync(path).isFile()) throw new OptionError(`--text ${path}: expected a text file, got a directory or special file`);
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof OptionError) throw error;
    throw new OptionError(`--text ${path}: expected a readable UTF-8 text file, got ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  if (text.includes('\uFFFD') || bytes.includes(0)) throw new OptionError(`--text ${path}: expected UTF-8 text, got binary data or bytes that are not UTF-8`);
  return Array.from(text);
}

/**
 * The first `options.chars` characters the vocabulary knows, of the validation text or of
 * --text; `where` is the checkpoint's JSON file, `checkpointOptions` its train options.
 */
export function analysisText(options: Pick<AnalyzeOptions, 'text' | 'chars'>, checkpointOptions: unknown, vocabulary: CharVocabulary, where: string): AnalysisText {
  const fromFile = options.text !== null;
  const run = fromFile ? null : runData(checkpointOptions, where);
  const available = fromFile ? fileCharacters(options.text!) : validationCharacters(run!, where);
  const kept: string[] = [];
  const skipped = new Map<string, number>();
  for (const character of available) {
    if (kept.length === options.chars) break;
    if (vocabulary.has(character)) kept.push(character);
    else skipped.set(character, (skipped.get(character) ?? 0) + 1);
  }
  const source = fromFile ? `--text ${options.text}` : `the validation text of ${run!.data} (its last ${run!.validation * 100}%)`;
  const flag = fromFile ? `--text ${options.text}` : `--checkpoint ${where}`;
  if (kept.length === 0) throw new OptionError(`${flag}: expected text in the model's vocabulary of ${vocabulary.size} characters, got ${available.length === 0 ? 'an empty text' : 'none of its characters'}`);
  const notes: string[] = [];
  if (skipped.size > 0) {
    const count = [...skipped.values()].reduce((a, b) => a + b, 0);
    const listed = [...skipped].slice(0, 12).map(([character, n]) => `${JSON.stringify(character)} ×${n}`);
    notes.push(`skipped ${count} character${count === 1 ? '' : 's'} the model's vocabulary lacks: ${listed.join(', ')}${skipped.size > 12 ? ', …' : ''}`);
  }
  if (kept.length < options.chars) notes.push(`${source} holds ${kept.length} usable characters, fewer than --chars ${options.chars}: all of them are analysed`);
  return { text: kept.join(''), source, notes };
}
