/**
 * Where the cells page's model comes from: trained here on a corpus of the train page (its
 * Trainer, the same model and options), or loaded from a checkpoint in the command line's
 * format (the two files the train page downloads). Either way the page gets the model, its
 * vocabulary and the corpus whose held-out text it reads the model over.
 */
import { loadCharModel, type CharLanguageModel, type CharVocabulary, type Runtime } from '../../src/index.js';
import { readChoice, readNumber } from '../shared/fields.js';
import { readCheckpointFiles } from '../train/checkpoint.js';
import { readSettings } from '../train/form.js';
import { VALIDATION, choiceFor, loadCorpus, type Corpus } from '../train/corpora.js';
import { Trainer, type TrainSettings } from '../train/trainer.js';

export interface ModelSource {
  model: CharLanguageModel;
  vocabulary: CharVocabulary;
  /** What the model is, for the status line: 'LSTM 1×64, trained here for 300 steps'. */
  description: string;
  /** The text it learnt and its held-out share; null when the page lacks that text. */
  corpus: Pick<Corpus, 'name' | 'text' | 'validation'> | null;
  /** Training loss in bits per character at each step, as far as known. */
  losses: number[];
  dispose(): void;
}

/** The train form of the page; a bad value names its field before any GPU work. */
export function readTrainForm(): { corpus: 'moby-dick' | 'names'; settings: TrainSettings; steps: number } {
  return {
    corpus: readChoice('corpus', ['moby-dick', 'names'] as const),
    settings: readSettings(),
    steps: readNumber('steps', { min: 1, max: 1_000_000, integer: true }),
  };
}

const shape = (m: CharLanguageModel) => `${m.config.cell.toUpperCase()} ${m.config.numLayers}×${m.config.hiddenSize}`;

/** A fresh model for the chosen corpus, and the trainer that trains it. */
export async function newTrainer(runtime: Runtime, choice: 'moby-dick' | 'names', settings: TrainSettings): Promise<Trainer> {
  const corpus = await loadCorpus(choice, '', settings.batch, settings.window);
  return Trainer.create(runtime, corpus, settings);
}

/** The trainer's model as a source; disposing it disposes the trainer. */
export function trainedSource(trainer: Trainer): ModelSource {
  const { model, vocabulary, corpus } = trainer;
  return {
    model,
    vocabulary,
    description: `${shape(model)}, trained here for ${trainer.step} steps on ${corpus.name}`,
    corpus,
    losses: trainer.history.losses.map((nats) => nats / Math.LN2),
    dispose: () => trainer.dispose(),
  };
}

/** The model of a checkpoint's two files, and the corpus it names (Moby Dick or names; otherwise none). */
export async function checkpointSource(runtime: Runtime, json: File | undefined, tensors: File | undefined): Promise<ModelSource> {
  const files = await readCheckpointFiles(json, tensors);
  const { model, vocabulary, checkpoint } = await loadCharModel(runtime, files);
  const name = checkpoint.corpus?.name ?? '';
  const choice = choiceFor(name);
  const share = files.json.options?.validation;
  const corpus = choice === 'pasted' ? null : { ...(await loadCorpus(choice, '', 1, 2)), validation: typeof share === 'number' && share > 0 && share < 1 ? share : VALIDATION[choice] };
  const history = checkpoint.history as { losses?: unknown } | undefined;
  const losses = Array.isArray(history?.losses) ? history.losses.map((nats) => (typeof nats === 'number' ? nats / Math.LN2 : Number.NaN)) : [];
  return {
    model,
    vocabulary,
    // A whole-book run (the command line's --data moby-dick) trained on every chapter this page has.
    description: `${shape(model)} of ${json!.name} (step ${checkpoint.step}, ${name || 'an unnamed corpus'}${name === 'moby-dick' ? ': a whole-book run, which trained on the text it is read over here' : ''})`,
    corpus,
    losses,
    dispose: () => model.dispose(),
  };
}
