/**
 * The demo page: trains a CharLanguageModel on the page's text with WebGPU and shows the
 * loss and a sample every few steps. Run it with `npm run demo`.
 */
import { Adam, CharLanguageModel, CharVocabulary, StreamBatches, createRuntime, disposeState, generate, type RecurrentState } from '../src/index.js';

const DEFAULT_TEXT = `It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season of Light, it was the season of Darkness, it was the spring of hope, it was the winter of despair, we had everything before us, we had nothing before us, we were all going direct to Heaven, we were all going direct the other way.
`.repeat(8);

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const text = element<HTMLTextAreaElement>('text');
const status = element<HTMLDivElement>('status');
const sample = element<HTMLPreElement>('sample');
const start = element<HTMLButtonElement>('start');
const stop = element<HTMLButtonElement>('stop');
text.value = DEFAULT_TEXT;
let stopping = false;

async function trainOnPage(): Promise<void> {
  const runtime = await createRuntime();
  const vocabulary = CharVocabulary.fromText(text.value);
  const ids = vocabulary.encode(text.value);
  const [B, T] = [16, 48];
  const batches = new StreamBatches(ids, { batch: B, steps: T });
  const model = new CharLanguageModel(runtime, { vocabularySize: vocabulary.size, hiddenSize: Number(element<HTMLInputElement>('hidden').value), embeddingDim: 32, seed: 1 });
  const optimizer = new Adam(runtime, model.parameters(), { lr: 0.01 });
  const steps = Number(element<HTMLInputElement>('steps').value);
  let carried: RecurrentState | null = null;
  const started = performance.now();
  try {
    for (let step = 0; step < steps && !stopping; step++) {
      const { loss: value, state } = await model.trainStep(batches.window(step), carried, optimizer, 5);
      carried = state;
      const perSecond = ((step + 1) * B * T) / ((performance.now() - started) / 1000);
      status.textContent = `step ${step + 1}/${steps}  loss ${(value / Math.LN2).toFixed(3)} bits/char  ${Math.round(perSecond)} chars/s  (${runtime.adapter.description || runtime.adapter.vendor})`;
      if (step % 25 === 24 || step === steps - 1) {
        const temperature = Number(element<HTMLInputElement>('temperature').value);
        const [out] = await generate(runtime, model, { prompt: vocabulary.encode(text.value[0]!), length: 300, temperature, seed: step });
        sample.textContent = text.value[0]! + vocabulary.decode(out!);
      }
    }
  } finally {
    disposeState(carried);
    optimizer.dispose();
    model.dispose();
    runtime.destroy();
  }
}

start.onclick = () => {
  stopping = false;
  start.disabled = true;
  stop.disabled = false;
  trainOnPage()
    .catch((error: unknown) => (status.textContent = `error: ${error instanceof Error ? error.message : String(error)}`))
    .finally(() => {
      start.disabled = false;
      stop.disabled = true;
    });
};
stop.onclick = () => (stopping = true);
