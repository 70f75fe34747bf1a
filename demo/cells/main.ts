/**
 * The cells page: train a character model here or load a checkpoint, read it over held-out
 * text, rank its units by correlation with features of the text, and colour the text by
 * the unit chosen in the ranking or the picker.
 */
import { createRuntime, type Runtime } from '../../src/index.js';
import { FieldError, readChoice, readNumber, readText } from '../shared/fields.js';
import { publish, setupPage } from '../shared/page.js';
import type { Trainer } from '../train/trainer.js';
import { analyse, heldOutText, knownCharacters, type CellAnalysis, type UnitRef } from './analysis.js';
import { checkpointSource, newTrainer, readTrainForm, trainedSource, type ModelSource } from './source.js';
import { CellsView, RANKING_ROWS } from './view.js';

const page = await setupPage('cells');
const button = (id: string) => document.getElementById(id) as HTMLButtonElement;
const buttons = { train: button('train'), stop: button('stop'), load: button('load'), analyse: button('analyse'), prev: button('prev'), next: button('next') };

let runtime: Runtime | null = null;
let source: ModelSource | null = null;
/** The model being trained, until training ends and it becomes the source. */
let training: Trainer | null = null;
let analysis: CellAnalysis | null = null;
let selected: UnitRef | null = null;
let busy = false;
let stopRequested = false;
/** Analyses shown so far: the tests wait for this to grow. */
let analyses = 0;
/** The last analysis's status line, shown again once a picker error is put right. */
let headline = '';

const view = new CellsView((ref) => show(ref));

publish('cells', {
  get busy() { return busy; },
  get step() { return training?.step ?? null; },
  get analyses() { return analyses; },
  get source() { return source?.description ?? null; },
  get analysed() { return analysis ? Array.from(analysis.text).length : 0; },
  get ranking() { return analysis?.findings.slice(0, RANKING_ROWS) ?? []; },
  get selected() { return selected; },
});

function refresh(): void {
  buttons.train.disabled = !page.webgpu || busy;
  buttons.stop.disabled = !training;
  buttons.load.disabled = !page.webgpu || busy;
  buttons.analyse.disabled = !source || busy;
  buttons.prev.disabled = buttons.next.disabled = !analysis || busy;
}

/** Runs a button's work with errors in the status line and the buttons kept in step. */
function action(work: () => Promise<void>): () => void {
  return () => {
    if (busy) return;
    busy = true;
    stopRequested = false;
    refresh();
    work()
      .catch((error: unknown) => page.status.error(error))
      .finally(() => {
        busy = false;
        refresh();
      });
  };
}

const readCount = () => readNumber('chars', { min: 100, max: 20_000, integer: true });

/** Replaces the page's model (the old one is freed) and forgets its analysis. */
function adopt(next: ModelSource | null): void {
  source?.dispose();
  source = next;
  analysis = null;
  selected = null;
  view.clear();
}

async function train(): Promise<void> {
  const form = readTrainForm();
  const count = readCount();
  adopt(null);
  page.status.set(form.corpus === 'moby-dick' ? 'loading the Moby Dick excerpt…' : 'preparing the names…');
  runtime ??= await createRuntime();
  const trainer = await newTrainer(runtime, form.corpus, form.settings);
  training = trainer;
  refresh();
  try {
    page.status.set('compiling WebGPU kernels… (the first step builds every pipeline it runs)');
    let since = 0;
    while (!stopRequested && trainer.step < form.steps) {
      const { bitsPerCharacter } = await trainer.trainStep();
      // Tokens per second from the second step: the first compiles the kernels.
      if (trainer.step === 1) since = performance.now();
      const rate = trainer.step > 1 ? ((trainer.step - 1) * trainer.tokensPerStep) / ((performance.now() - since) / 1000) : null;
      view.loss.add(trainer.step, [bitsPerCharacter]);
      page.status.set(`training: step ${trainer.step}/${form.steps} · ${bitsPerCharacter.toFixed(3)} bits/char${rate ? ` · ${Math.round(rate).toLocaleString('en-US')} tok/s` : ''}${stopRequested ? ' · stopping…' : ''}`);
    }
  } catch (error) {
    trainer.dispose();
    throw error;
  } finally {
    training = null;
  }
  source = trainedSource(trainer);
  await analyseSource(count);
}

async function load(): Promise<void> {
  const chosen = (id: string) => (document.getElementById(id) as HTMLInputElement).files?.[0];
  const count = readCount();
  page.status.set('loading the checkpoint…');
  runtime ??= await createRuntime();
  const loaded = await checkpointSource(runtime, chosen('load-json'), chosen('load-tensors'));
  adopt(loaded);
  view.showLosses(loaded.losses);
  await analyseSource(count);
}

/**
 * The text to read the model over: for a Moby Dick model the chapters after the excerpt
 * (unseen, and with dialogue), else the held-out end of its corpus, or a pasted text.
 */
async function analysisText(m: ModelSource, count: number): Promise<{ text: string; where: string }> {
  const choice = readChoice('analysis-source', ['unseen', 'held-out', 'pasted'] as const);
  if (choice === 'pasted') {
    const pasted = readText('analysis-text');
    if (pasted.trim() === '') throw new FieldError('text to analyse', 'a pasted text', 'nothing (the field is empty)');
    return { text: knownCharacters(pasted, m.vocabulary, count), where: 'the pasted text' };
  }
  if (!m.corpus) throw new FieldError('text to analyse', 'a pasted text (the checkpoint\'s corpus is not one this page has)', `"${choice}"`);
  if (choice === 'unseen' && m.corpus.name.startsWith('moby-dick')) {
    const { MOBY_DICK_UNSEEN } = await import('./unseen-text.js');
    return { text: knownCharacters(MOBY_DICK_UNSEEN, m.vocabulary, count), where: 'Moby Dick chapters 21–22 (after the excerpt)' };
  }
  return { text: heldOutText(m.corpus.text, m.corpus.validation, m.vocabulary, count), where: `the held-out text of ${m.corpus.name}` };
}

async function analyseSource(count = readCount()): Promise<void> {
  const m = source!;
  const { text, where } = await analysisText(m, count);
  const length = Array.from(text).length;
  if (length < 2) throw new FieldError('text to analyse', 'at least 2 characters the model knows', `${length}`);
  page.status.set(`analysing ${length.toLocaleString('en-US')} characters of ${where}…`);
  const result = await analyse(m.model, m.vocabulary, text);
  analysis = result;
  view.showAnalysis(result);
  const best = result.findings[0];
  show(best ? { layer: best.layer, kind: best.kind, unit: best.unit } : { layer: 0, kind: 'h', unit: 0 });
  analyses++;
  const found = best ? `best: layer ${best.layer} ${best.kind} unit ${best.unit}, ${best.feature}, r = ${best.correlation.toFixed(2)} (chance ${best.chance.toFixed(2)})` : 'every feature is constant over this text: nothing to search';
  headline = `${m.description}; read over ${length.toLocaleString('en-US')} characters of ${where}; ${found}`;
  page.status.set(headline);
}

/** Colours the text by `ref` (from a row, the picker or prev/next). */
function show(ref: UnitRef): void {
  if (!analysis) return;
  selected = ref;
  view.select(analysis, ref);
}

/** The picker's unit; a bad value names its field. */
function pickerUnit(): UnitRef {
  const a = analysis!;
  return {
    layer: readNumber('layer', { min: 0, max: a.layers - 1, integer: true }),
    kind: readChoice('kind', a.kinds),
    unit: readNumber('unit', { min: 0, max: a.hidden - 1, integer: true }),
  };
}

function fromPicker(step = 0): void {
  if (!analysis || busy) return;
  try {
    const ref = pickerUnit();
    show({ ...ref, unit: (ref.unit + step + analysis.hidden) % analysis.hidden });
    page.status.set(headline);
  } catch (error) {
    page.status.error(error);
  }
}

buttons.train.onclick = action(train);
buttons.stop.onclick = () => {
  stopRequested = true;
  refresh();
};
buttons.load.onclick = action(load);
buttons.analyse.onclick = action(() => analyseSource());
buttons.prev.onclick = () => fromPicker(-1);
buttons.next.onclick = () => fromPicker(1);
// Typing a text to analyse chooses it.
document.getElementById('analysis-text')!.addEventListener('input', () => ((document.getElementById('analysis-source') as HTMLSelectElement).value = 'pasted'));
for (const id of ['layer', 'kind', 'unit']) document.getElementById(id)!.addEventListener('change', () => fromPicker());
refresh();
