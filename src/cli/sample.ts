/**
 * `sample`: loads a checkpoint and generates text, by sampling or by beam search. A names
 * model gives whole names (each ends at its line break); a prose model gives passages.
 */
import type { Runtime } from '../runtime/runtime.js';
import { loadCharModel } from '../models/char-lm-checkpoint.js';
import { generate, promptBlock } from '../generate/sampling.js';
import { beamSearch } from '../generate/beam-search.js';
import { disposeState } from '../generate/token-model.js';
import { Tensor } from '../tensor.js';
import { OptionError, type SampleOptions } from './options.js';
import { firstNameSet } from './corpora.js';

export interface Samples {
  /** The corpus the checkpoint learned. */
  corpus: string;
  /** 'names': one name per text, without its line break; 'passages': the prompt and what follows it. */
  kind: 'names' | 'passages';
  texts: string[];
}

export async function sampleFromCheckpoint(runtime: Runtime, options: SampleOptions): Promise<Samples> {
  const { model, vocabulary, checkpoint } = await loadCharModel(runtime, options.checkpoint);
  try {
    const kind = checkpoint.corpus.name === 'names' ? 'names' : 'passages';
    const prompt = options.prompt ?? checkpoint.corpus.primer;
    if (prompt.length === 0) throw new OptionError('--prompt: expected at least one character, got an empty string');
    const ids = vocabulary.encode(prompt, '--prompt');
    const lineEnd = vocabulary.has('\n') ? vocabulary.id('\n') : undefined;
    let continuations: string[];
    if (options.beam > 0) {
      if (options.samples > 1) throw new OptionError(`--samples: beam search gives the one most likely text, so expected 1 with --beam, got ${options.samples}`);
      // All but the prompt's last character set the state; the search starts from the last.
      const primed = ids.length > 1 ? model.step(primingTensor(runtime, ids.subarray(0, -1), vocabulary.size), null) : null;
      primed?.logits.dispose();
      try {
        const [best] = await beamSearch(runtime, model, {
          start: ids[ids.length - 1]!,
          width: options.beam,
          maxLength: options.length,
          noRepeatNgram: options.noRepeatNgram,
          // A name ends at its line break.
          ...(kind === 'names' && lineEnd !== undefined ? { eos: lineEnd } : {}),
          ...(primed ? { state: primed.state } : {}),
        });
        continuations = [vocabulary.decode(best!.tokens)];
      } finally {
        disposeState(primed?.state ?? null);
      }
    } else {
      const samples = await generate(runtime, model, { prompt: ids, samples: options.samples, length: options.length, temperature: options.temperature, topK: options.topK, seed: options.seed });
      continuations = samples.map((tokens) => vocabulary.decode(tokens));
    }
    if (kind === 'passages') return { corpus: checkpoint.corpus.name, kind, texts: continuations.map((text) => prompt + text) };
    // A name: the prompt's last line, continued up to the next line break.
    const start = prompt.slice(prompt.lastIndexOf('\n') + 1);
    return { corpus: checkpoint.corpus.name, kind, texts: continuations.map((text) => start + text.split('\n')[0]) };
  } finally {
    model.dispose();
  }
}

/** The same ids for one sequence, as a [length, 1] block. */
function primingTensor(runtime: Runtime, ids: Int32Array, vocabularySize: number): Tensor<'i32'> {
  const block = promptBlock(ids, 1, vocabularySize);
  return Tensor.from(runtime, block.ids, [block.steps, block.rows], 'i32', 'sample.prompt');
}

/** Samples as the command line prints them: names one per line, passages between rules. */
export function formatSamples(samples: Samples): string {
  if (samples.kind === 'passages') return samples.texts.join('\n---\n');
  const known = firstNameSet();
  const fresh = samples.texts.filter((name) => name.length > 0 && !known.has(name));
  const note = `${fresh.length} of ${samples.texts.length} names are not in the training list${fresh.length > 0 ? `: ${fresh.slice(0, 12).join(', ')}` : ''}`;
  return `${samples.texts.join('\n')}\n(${note})`;
}
