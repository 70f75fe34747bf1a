/**
 * What the train page shows: the two loss charts (against step and against training time),
 * the samples with their temperature, and the status line's numbers.
 */
import { LiveChart } from '../shared/charts.js';
import type { History } from './trainer.js';

const TRAIN = { label: 'train', color: '#0b62d6' };
const VALIDATION = { label: 'validation', color: '#d1242f', points: true };
/** Samples kept on the page, newest first. */
const KEPT_SAMPLES = 6;

export class TrainView {
  readonly byStep: LiveChart;
  readonly byTime: LiveChart;

  constructor() {
    this.byStep = new LiveChart(document.getElementById('chart-step')!, { title: 'Loss against step', x: 'step', y: 'bits / char', series: [TRAIN, VALIDATION] });
    this.byTime = new LiveChart(document.getElementById('chart-time')!, { title: 'Loss against training time', x: 'seconds', y: 'bits / char', series: [TRAIN, VALIDATION] });
    window.demo.charts.loss = this.byStep.plot;
    window.demo.charts.lossTime = this.byTime.plot;
  }

  /** A new model: empty charts and no samples. */
  clear(): void {
    this.byStep.clear();
    this.byTime.clear();
    document.getElementById('samples')!.replaceChildren();
  }

  /** A loaded checkpoint's curve against step (its times are not recorded, so the time chart starts now). */
  showHistory(history: History): void {
    this.clear();
    const validation = new Map(history.validation.map((v) => [v.step, v.bitsPerCharacter]));
    for (let step = 0; step <= history.losses.length; step++) {
      const loss = step === 0 ? null : history.losses[step - 1];
      const train = loss === null || loss === undefined || !Number.isFinite(loss) ? null : loss / Math.LN2;
      const held = validation.get(step) ?? null;
      if (train !== null || held !== null) this.byStep.add(step, [train, held]);
    }
  }

  trainPoint(step: number, seconds: number, bitsPerCharacter: number): void {
    this.byStep.add(step, [bitsPerCharacter, null]);
    this.byTime.add(seconds, [bitsPerCharacter, null]);
  }

  validationPoint(step: number, seconds: number, bitsPerCharacter: number): void {
    this.byStep.add(step, [null, bitsPerCharacter]);
    this.byTime.add(seconds, [null, bitsPerCharacter]);
  }

  sample(step: number, temperature: number, text: string): void {
    const list = document.getElementById('samples')!;
    const item = document.createElement('li');
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = `step ${step} · temperature ${temperature}`;
    const body = document.createElement('pre');
    body.textContent = text;
    item.append(meta, body);
    list.prepend(item);
    while (list.children.length > KEPT_SAMPLES) list.lastElementChild!.remove();
  }
}

/** Minutes and seconds, for the status line. */
export function clock(seconds: number): string {
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Tokens per second as an exponential moving average; the step that compiled kernels is left out. */
export class Throughput {
  private average: number | null = null;

  add(tokens: number, seconds: number): void {
    const rate = tokens / seconds;
    this.average = this.average === null ? rate : 0.9 * this.average + 0.1 * rate;
  }

  get value(): number | null {
    return this.average;
  }
}
