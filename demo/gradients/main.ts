/**
 * The gradients page: the lectures' vanishing-gradient experiment on Moby Dick with this
 * engine's backward (gradientFlow): each of TEXTBOOK_CELLS measured at initialisation,
 * trained, measured again; the curves, the loss and the surviving fractions as they come.
 */
import { CharVocabulary, TEXTBOOK_CELLS, createRuntime, gradientFlow, type Runtime } from '../../src/index.js';
import { readChoice, readNumber } from '../shared/fields.js';
import { publish, setupPage } from '../shared/page.js';
import { FlowView, type FlowRun } from './view.js';

/** Probe windows, and the training batch (gradientFlow's default). */
const BATCH = 8;

const page = await setupPage('gradients');
const view = new FlowView(TEXTBOOK_CELLS.map((c) => c.label));
const runButton = document.getElementById('run') as HTMLButtonElement;
const stopButton = document.getElementById('stop') as HTMLButtonElement;
const clipField = document.getElementById('clip') as HTMLSelectElement;

let runtime: Runtime | null = null;
let text: { ids: Int32Array; size: number } | null = null;
let current: FlowRun | null = null;
let running = false;
let stopRequested = false;
/** Runs finished (stopped ones too): the tests wait for this to grow. */
let runs = 0;
/** Cells whose kernels this runtime has built (the first measurement of a cell compiles them). */
const compiled = new Set<string>();

publish('gradients', {
  get running() { return running; },
  get runs() { return runs; },
  /** The current (or last) run: settings and per-cell norms by steps back, and losses. */
  get run() { return current; },
});

function refresh(): void {
  runButton.disabled = !page.webgpu || running;
  stopButton.disabled = !running;
}

interface Settings {
  hiddenSize: number;
  steps: number;
  trainSteps: number;
  clip: number | null;
  learningRate: number;
}

/** The form's values; a bad one stops before any GPU work, naming its field. */
function readSettings(): Settings {
  return {
    hiddenSize: readNumber('hidden', { min: 2, max: 512, integer: true }),
    steps: readNumber('steps', { min: 2, max: 256, integer: true }),
    trainSteps: readNumber('train-steps', { min: 0, max: 100_000, integer: true }),
    clip: readChoice('clip', ['1', 'off'] as const) === 'off' ? null : 1,
    learningRate: readNumber('lr', { min: 0.00001, max: 1 }),
  };
}

/** The excerpt's ids, encoded once (a separate chunk of 200 kB, loaded on the first run). */
async function mobyDick(): Promise<{ ids: Int32Array; size: number }> {
  if (text) return text;
  const { MOBY_DICK_EXCERPT } = await import('../train/moby-dick-excerpt.js');
  const vocabulary = CharVocabulary.fromText(MOBY_DICK_EXCERPT);
  text = { ids: vocabulary.encode(MOBY_DICK_EXCERPT), size: vocabulary.size };
  return text;
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

async function run(): Promise<void> {
  if (running) return;
  running = true;
  stopRequested = false;
  refresh();
  const started = performance.now();
  let measuring = false;
  try {
    const settings = readSettings();
    page.status.set('loading the Moby Dick excerpt…');
    const { ids, size } = await mobyDick();
    runtime ??= await createRuntime();
    const flow: FlowRun = { clip: settings.clip, steps: settings.steps, trainSteps: settings.trainSteps, cells: TEXTBOOK_CELLS.map((c) => ({ label: c.label, initial: null, trained: null, losses: [] })) };
    current = flow;
    measuring = true;
    view.show(flow);
    for (const [i, cell] of TEXTBOOK_CELLS.entries()) {
      if (stopRequested) break;
      const where = `${cell.label} (${i + 1}/${TEXTBOOK_CELLS.length})`;
      const kernels = `${cell.cell} ${cell.nonlinearity ?? 'tanh'}`;
      page.status.set(compiled.has(kernels) ? `${where}: measuring at initialisation…` : `compiling WebGPU kernels… ${where}: the first measurement and step build its pipelines`);
      const entry = flow.cells[i]!;
      const result = await gradientFlow(runtime, ids, size, cell, { ...settings, batch: BATCH }, (step, bits) => {
        compiled.add(kernels);
        entry.losses.push(bits);
        view.show(flow);
        page.status.set(`${where}: step ${step + 1}/${settings.trainSteps} · ${bits.toFixed(3)} bits/char · ${seconds(started)}${stopRequested ? ' · stopping…' : ''}`);
        return !stopRequested;
      });
      compiled.add(kernels);
      // By steps back: index 0 is the step of the loss.
      const byStepsBack = (norms: Float64Array) => Array.from(norms).reverse();
      Object.assign(entry, { initial: byStepsBack(result.initial), trained: byStepsBack(result.trained), losses: result.losses });
      view.show(flow);
    }
    view.keep(flow);
    page.status.set(summary(flow, stopRequested, seconds(started)));
  } catch (error) {
    page.status.error(error);
  } finally {
    if (measuring) runs++;
    running = false;
    refresh();
  }
}

/** The run's headline: how far back the tanh RNN and the LSTM still get a tenth of a percent of the gradient. */
function summary(flow: FlowRun, stopped: boolean, time: string): string {
  const far = flow.steps - 1;
  const parts = flow.cells
    .filter((c) => c.initial && c.trained)
    .map((c) => `${c.label} ${(c.initial![far]! / c.initial![0]!).toExponential(1)} → ${(c.trained![far]! / c.trained![0]!).toExponential(1)}`);
  const clip = flow.clip === null ? 'no clipping' : `clip ${flow.clip}`;
  return `${stopped ? 'stopped' : 'done'} in ${time} (${flow.trainSteps} training steps, ${clip}). Surviving fraction ${far} steps back, at init → trained: ${parts.join(' · ')}`;
}

runButton.onclick = () => void run();
stopButton.onclick = () => {
  stopRequested = true;
};
// Clipping acts during training: a new setting trains every cell again.
clipField.addEventListener('change', () => {
  if (runs > 0 && !running) void run();
});
refresh();
