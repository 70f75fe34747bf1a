/**
 * One task on the tasks page: its description, step and evaluation fields, train / stop /
 * new-model buttons, a held-out accuracy curve against step and a table of examples. The
 * model is built on the first train and kept, so stop and train again resumes it.
 */
import type { Runtime } from '../../src/index.js';
import { LiveChart } from '../shared/charts.js';
import { readNumber } from '../shared/fields.js';
import { Status } from '../shared/page.js';
import type { Cell, TaskModel, TaskSpec } from './task.js';

export class TaskCard {
  private model: TaskModel | null = null;
  step = 0;
  running = false;
  private stopRequested = false;
  private readonly chart: LiveChart;
  private readonly status: Status;
  private readonly buttons: { train: HTMLButtonElement; stop: HTMLButtonElement; reset: HTMLButtonElement };

  constructor(
    readonly spec: TaskSpec,
    container: HTMLElement,
    private readonly runtime: () => Promise<Runtime>,
    private readonly gpu: boolean,
  ) {
    const { id } = spec;
    const card = document.createElement('section');
    card.className = 'card';
    card.id = `${id}-card`;
    card.innerHTML = `
      <h2></h2>
      <p class="hint">${spec.description}</p>
      <label data-field="${id}: steps"><span class="name">steps</span><input id="${id}-steps" type="number" min="1" value="${spec.defaults.steps}" /></label>
      <label data-field="${id}: evaluate every"><span class="name">evaluate every</span><input id="${id}-eval-every" type="number" min="1" value="${spec.defaults.evalEvery}" /></label>
      <div class="buttons">
        <button id="${id}-train" class="primary" data-needs-gpu>train</button>
        <button id="${id}-stop" disabled>stop</button>
        <button id="${id}-reset" disabled>new model</button>
      </div>
      <div class="task-status" id="${id}-status"></div>
      <div class="charts">
        <div class="chart" id="${id}-chart"></div>
        <div class="table-scroll"><table class="examples" id="${id}-examples"></table></div>
      </div>`;
    card.querySelector('h2')!.textContent = spec.title;
    container.append(card);
    const button = (name: string) => card.querySelector<HTMLButtonElement>(`#${id}-${name}`)!;
    this.buttons = { train: button('train'), stop: button('stop'), reset: button('reset') };
    this.status = new Status(card.querySelector(`#${id}-status`)!);
    this.status.set(gpu ? 'not trained yet' : 'needs WebGPU');
    this.chart = new LiveChart(card.querySelector(`#${id}-chart`)!, { title: 'Held-out accuracy', x: 'step', y: 'accuracy', series: spec.series, yRange: [0, 1] });
    window.demo.charts[id] = this.chart.plot;
    this.buttons.train.onclick = () => void this.train();
    this.buttons.stop.onclick = () => (this.stopRequested = true);
    this.buttons.reset.onclick = () => this.reset();
    this.refresh();
  }

  private refresh(): void {
    this.buttons.train.disabled = !this.gpu || this.running;
    this.buttons.train.textContent = this.step > 0 ? 'resume' : 'train';
    this.buttons.stop.disabled = !this.running;
    this.buttons.reset.disabled = this.running || !this.model;
  }

  /** Trains up to the steps field's count; resolves when it stops, finishes or fails. */
  async train(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopRequested = false;
    this.refresh();
    const { id } = this.spec;
    try {
      const steps = readNumber(`${id}-steps`, { min: 1, max: 1_000_000, integer: true });
      const evalEvery = readNumber(`${id}-eval-every`, { min: 1, max: 1_000_000, integer: true });
      if (!this.model) {
        this.status.set('compiling WebGPU kernels… (the first evaluation and step build every pipeline they run)');
        this.model = this.spec.create(await this.runtime());
        await this.evaluate();
      }
      const started = performance.now();
      const first = this.step;
      let loss = Number.NaN;
      while (!this.stopRequested && this.step < steps) {
        loss = await this.model.trainStep();
        this.step++;
        if (this.step % evalEvery === 0 || this.step === steps) await this.evaluate();
        const rate = (this.step - first) / ((performance.now() - started) / 1000);
        const note = this.model.note ? ` · ${this.model.note}` : '';
        this.status.set(`step ${this.step}/${steps} · loss ${loss.toFixed(3)} · ${rate.toFixed(1)} steps/s${this.stopRequested ? ' · stopped' : ''}${note}`);
      }
    } catch (error) {
      this.status.error(error);
    } finally {
      this.running = false;
      this.refresh();
    }
  }

  /** Accuracy on the held-out sets (a point on the curve) and the examples table. */
  private async evaluate(): Promise<void> {
    const { accuracy, examples } = await this.model!.evaluate();
    this.chart.add(this.step, accuracy);
    this.showExamples(examples);
  }

  private showExamples(rows: Cell[][]): void {
    const table = document.getElementById(`${this.spec.id}-examples`)!;
    const header = document.createElement('tr');
    for (const column of this.spec.columns) header.append(Object.assign(document.createElement('th'), { textContent: column }));
    const body = rows.map((row) => {
      const tr = document.createElement('tr');
      for (const cell of row) {
        const td = Object.assign(document.createElement('td'), { textContent: cell.text });
        if (cell.ok !== undefined) td.className = cell.ok ? 'right' : 'wrong';
        tr.append(td);
      }
      return tr;
    });
    const caption = Object.assign(document.createElement('caption'), { textContent: `held-out examples at step ${this.step}` });
    table.replaceChildren(caption, header, ...body);
  }

  private reset(): void {
    this.model?.dispose();
    this.model = null;
    this.step = 0;
    this.chart.clear();
    document.getElementById(`${this.spec.id}-examples`)!.replaceChildren();
    this.status.set('not trained yet');
    this.refresh();
  }
}
