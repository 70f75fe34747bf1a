/** `sample`: loads a checkpoint and generates text, by sampling or by beam search. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Runtime } from '../runtime/runtime.js';
import { CharLanguageModel } from '../models/char-lm.js';
import { CharVocabulary } from '../data/vocabulary.js';
import { decodeSafetensors } from '../io/safetensors.js';
import { generate, promptBlock } from '../generate/sampling.js';
import { beamSearch } from '../generate/beam-search.js';
import { disposeState } from '../generate/token-model.js';
import { Tensor } from '../tensor.js';
import { OptionError, type SampleOptions } from './options.js';
import { readCheckpointJson } from './trainer.js';
import { firstNameSet } from './corpora.js';

export async function sampleFromCheckpoint(runtime: Runtime, options: SampleOptions): Promise<string[]> {
  const { json, directory } = readCheckpointJson(options.checkpoint);
  const vocabulary = new CharVocabulary(json.vocabulary);
  const prompt = options.prompt ?? json.corpus.primer;
  if (prompt.length === 0) throw new OptionError('--prompt: expected at least one character, got an empty string');
  const ids = vocabulary.encode(prompt, '--prompt');
  const { tensors } = decodeSafetensors(new Uint8Array(readFileSync(join(directory, json.tensors))));
  const model = new CharLanguageModel(runtime, json.model);
  try {
    const weights = Object.fromEntries(Object.entries(tensors).filter(([k]) => k.startsWith('model.')).map(([k, v]) => [k.slice('model.'.length), v]));
    model.loadStateDict(weights);
    if (options.beam > 0) {
      // All but the prompt's last character set the state; the search starts from the last.
      const primed = ids.length > 1 ? model.step(primingTensor(runtime, ids.subarray(0, -1), options.samples, vocabulary.size), null) : null;
      primed?.logits.dispose();
      try {
        const best = await beamSearch(runtime, model, { start: ids[ids.length - 1]!, inputs: options.samples, width: options.beam, maxLength: options.length, ...(primed ? { state: primed.state } : {}) });
        return best.map((b) => prompt + vocabulary.decode(b.tokens));
      } finally {
        disposeState(primed?.state ?? null);
      }
    }
    const samples = await generate(runtime, model, { prompt: ids, samples: options.samples, length: options.length, temperature: options.temperature, topK: options.topK, seed: options.seed });
    return samples.map((tokens) => prompt + vocabulary.decode(tokens));
  } finally {
    model.dispose();
  }
}

/** The same ids for every sample, as a [length, samples] block. */
function primingTensor(runtime: Runtime, ids: Int32Array, samples: number, vocabularySize: number): Tensor<'i32'> {
  const block = promptBlock(ids, samples, vocabularySize);
  return Tensor.from(runtime, block.ids, [block.steps, block.rows], 'i32', 'sample.prompt');
}

/** For a names model: how many generated names (whole lines) are not in the training list. */
export function namesNovelty(checkpoint: string, texts: string[]): string | null {
  const { json } = readCheckpointJson(checkpoint);
  if (json.corpus.name !== 'names') return null;
  const known = firstNameSet();
  // The first and last lines may be cut by the prompt or the length.
  const names = texts.flatMap((t) => t.split('\n').slice(1, -1)).filter((n) => n.length > 0);
  const fresh = names.filter((n) => !known.has(n));
  return `${fresh.length} of ${names.length} generated names are not in the training list${fresh.length > 0 ? `: ${fresh.slice(0, 12).join(', ')}` : ''}`;
}
