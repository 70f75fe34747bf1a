/**
 * The train page: a character model learns the chosen text in this tab. Train, stop and
 * resume the same model and optimizer; watch both loss curves, tokens/s and samples; download
 * the checkpoint in the command line's format, or load one and carry on.
 */
import { createRuntime, type Runtime } from '../../src/index.js';
import { publish, setupPage } from '../shared/page.js';
import { readText } from '../shared/fields.js';
import { choiceFor, loadCorpus, type CorpusChoice } from './corpora.js';
import { checkpointFiles, readCheckpointFiles, restoreTrainer, settingsFromCheckpoint, type Schedule } from './checkpoint.js';
import { lockModelFields, readCorpusChoice, readSchedule, readSettings, readTemperature, showSettings, updateCorpusHint } from './form.js';
import { Trainer, type TrainSettings } from './trainer.js';
import { Throughput, TrainView, clock } from './view.js';

const page = await setupPage('train');
const view = new TrainView();
const button = (id: string) => document.getElementById(id) as HTMLButtonElement;
const trainButton = button('train');
const stopButton = button('stop');
const resetButton = button('reset');
const sampleButton = button('sample-now');
const downloadButton = button('download');
const loadButton = button('load');

let runtime: Runtime | null = null;
let trainer: Trainer | null = null;
let corpusChoice: CorpusChoice = 'moby-dick';
let running = false;
let stopRequested = false;
/** Seconds spent training this model on this page (the x axis of the time chart). */
let seconds = 0;
/** The first step on a runtime compiles its kernels, and is left out of tokens/s. */
let compiled = false;
let throughput = new Throughput();
let downloads = 0;
// GPU work on the trainer runs one piece at a time: a download or sample asked for while
// training waits for the current step, so a checkpoint never mixes two steps.
let queue: Promise<unknown> = Promise.resolve();
function exclusive<T>(work: () => Promise<T>): Promise<T> {
  const result = queue.then(work);
  queue = result.catch(() => undefined);
  return result;
}

publish('train', {
  get step() { return trainer?.step ?? 0; },
  get running() { return running; },
  get downloads() { return downloads; },
});

function refreshButtons(): void {
  const ready = page.webgpu;
  trainButton.disabled = !ready || running;
  trainButton.textContent = trainer && trainer.step > 0 ? 'resume' : 'train';
  stopButton.disabled = !running;
  resetButton.disabled = running || !trainer;
  sampleButton.disabled = !trainer;
  downloadButton.disabled = !trainer;
  loadButton.disabled = !ready || running;
}

async function getRuntime(): Promise<Runtime> {
  runtime ??= await createRuntime();
  return runtime;
}

/** The model being trained, or a new one from the form. */
async function currentTrainer(): Promise<Trainer> {
  if (trainer) return trainer;
  const choice = readCorpusChoice();
  const settings = readSettings();
  page.status.set(choice === 'moby-dick' ? 'loading the Moby Dick excerpt…' : 'preparing the text…');
  const corpus = await loadCorpus(choice, readText('text'), settings.batch, settings.window);
  trainer = Trainer.create(await getRuntime(), corpus, settings);
  corpusChoice = choice;
  lockModelFields(true);
  view.clear();
  seconds = 0;
  throughput = new Throughput();
  return trainer;
}

function describeStep(t: Trainer, schedule: Schedule, bits: number): string {
  const last = t.history.validation.at(-1);
  const rate = throughput.value;
  return [
    `step ${t.step}/${schedule.steps}`,
    `epoch ${t.epoch.toFixed(2)}`,
    `train ${bits.toFixed(3)} bits/char`,
    last ? `val ${last.bitsPerCharacter.toFixed(3)} @${last.step}` : null,
    `unigram ${t.history.unigramBitsPerCharacter.toFixed(2)}`,
    rate === null ? null : `${Math.round(rate).toLocaleString('en-US')} tok/s`,
    `${clock(seconds)} training`,
  ].filter(Boolean).join(' · ');
}

async function train(): Promise<void> {
  running = true;
  stopRequested = false;
  refreshButtons();
  try {
    const t = await currentTrainer();
    const schedule = readSchedule(corpusChoice);
    // The learning rate may change between runs; the model's other fields may not.
    t.optimizer.baseLearningRate = readSettings().lr;
    const compiling = () => page.status.set('compiling WebGPU kernels… (the first step builds every pipeline it runs; this can take a while)');
    let mark = performance.now();
    const tick = () => {
      const now = performance.now();
      seconds += (now - mark) / 1000;
      mark = now;
    };
    if (t.step >= schedule.steps) {
      page.status.set(`the model is at step ${t.step}, which "stop at step" (${schedule.steps}) has reached: raise it to train on`);
      return;
    }
    if (!compiled) compiling();
    if (t.step === 0 && !t.history.validation.some((v) => v.step === 0)) {
      const bits = await exclusive(() => t.validate());
      tick();
      view.validationPoint(0, seconds, bits);
    }
    while (!stopRequested && t.step < schedule.steps) {
      if (!compiled) compiling();
      const started = performance.now();
      const { bitsPerCharacter } = await exclusive(() => t.trainStep());
      if (compiled) throughput.add(t.tokensPerStep, (performance.now() - started) / 1000);
      compiled = true;
      tick();
      view.trainPoint(t.step, seconds, bitsPerCharacter);
      const last = t.step === schedule.steps;
      if (t.step % schedule.evalEvery === 0 || last) {
        const bits = await exclusive(() => t.validate());
        tick();
        view.validationPoint(t.step, seconds, bits);
      }
      if (t.step % schedule.sampleEvery === 0 || last) await sample(schedule.sampleLength);
      tick();
      page.status.set(describeStep(t, schedule, bitsPerCharacter) + (stopRequested ? ' · stopped' : ''));
    }
  } catch (error) {
    page.status.error(error);
  } finally {
    running = false;
    refreshButtons();
  }
}

/** A sample at the temperature set now, listed with its step and temperature. */
async function sample(length: number): Promise<void> {
  const t = trainer!;
  const temperature = readTemperature();
  const text = await exclusive(() => t.sample(temperature, length));
  view.sample(t.step, temperature, text);
}

function saveFile(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function download(): Promise<void> {
  const t = trainer!;
  const files = await exclusive(() => checkpointFiles(t, readSchedule(corpusChoice)));
  saveFile(`${files.base}.json`, files.json, 'application/json');
  saveFile(`${files.base}.safetensors`, files.tensors as Uint8Array<ArrayBuffer>, 'application/octet-stream');
  downloads++;
  document.getElementById('download-note')!.textContent = `Downloaded ${files.base}.json and ${files.base}.safetensors (step ${t.step}). Sample from them with: node dist/cli.js sample --checkpoint ${files.base}.json`;
}

/** Fallbacks for what a checkpoint leaves out: the form's values, or the command line's defaults. */
function formSettings(): TrainSettings {
  try {
    return readSettings();
  } catch {
    return { cell: 'lstm', hidden: 128, layers: 1, embedding: 32, lr: 0.01, window: 64, batch: 32, clip: 5, seed: 1 };
  }
}

async function load(): Promise<void> {
  const chosen = (id: string) => (document.getElementById(id) as HTMLInputElement).files?.[0];
  const { json, tensors } = await readCheckpointFiles(chosen('load-json'), chosen('load-tensors'));
  const settings = settingsFromCheckpoint(json, formSettings());
  const choice = choiceFor(json.corpus?.name ?? '');
  let corpus;
  try {
    corpus = await loadCorpus(choice, readText('text'), settings.batch, settings.window);
  } catch (error) {
    showSettings(settings, choice);
    throw new Error(`the checkpoint was trained on ${JSON.stringify(json.corpus?.name)}, not a corpus of this page: paste that text (or any text in its vocabulary) into the text box and load again (${(error as Error).message})`);
  }
  const restored = await restoreTrainer(await getRuntime(), corpus, settings, json, tensors);
  trainer?.dispose();
  trainer = restored;
  corpusChoice = choice;
  showSettings(settings, choice);
  lockModelFields(true);
  view.showHistory(restored.history);
  seconds = 0;
  throughput = new Throughput();
  const steps = document.getElementById('steps') as HTMLInputElement;
  if (Number(steps.value) <= restored.step) steps.value = String(restored.step + 100);
  page.status.set(`loaded step ${restored.step} (${json.corpus.name}, ${restored.model.config.cell.toUpperCase()} ${restored.model.config.numLayers}×${restored.model.config.hiddenSize}, ${restored.vocabulary.size} characters): resume to continue training, or sample`);
}

/** Runs a button's action with errors in the status line and the buttons kept in step. */
function action(work: () => Promise<void>): () => void {
  return () => {
    work()
      .catch((error: unknown) => page.status.error(error))
      .finally(refreshButtons);
  };
}

trainButton.onclick = () => void train();
stopButton.onclick = () => {
  stopRequested = true;
  page.status.set(`${page.status.element.textContent} · stopping after this step…`);
};
resetButton.onclick = action(() =>
  exclusive(async () => {
    trainer?.dispose();
    trainer = null;
    lockModelFields(false);
    view.clear();
    page.status.set('new model: set the options and press train');
  }),
);
sampleButton.onclick = action(() => sample(readSchedule(corpusChoice).sampleLength));
downloadButton.onclick = action(download);
loadButton.onclick = action(load);
for (const id of ['corpus', 'batch', 'window', 'text']) document.getElementById(id)!.addEventListener('input', updateCorpusHint);
updateCorpusHint();
refreshButtons();
