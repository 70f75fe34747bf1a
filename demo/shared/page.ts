/**
 * Page chrome shared by every demo page: the nav bar, the WebGPU check on load, the status
 * line and `window.demo`, where pages publish their charts and state for the browser tests.
 */
import './style.css';
import { checkWebGPU, renderNoWebGPU } from './webgpu-check.js';

export type PageName = 'train' | 'cells' | 'gradients' | 'tasks';

/** Every page of the site, in nav order; relative links, so the static build works under any path. */
export const PAGES: { name: PageName; href: string; label: string; title: string }[] = [
  { name: 'train', href: './index.html', label: 'Train', title: 'Train a character model live' },
  { name: 'cells', href: './cells.html', label: 'Cells', title: 'Interpretable cells' },
  { name: 'gradients', href: './gradients.html', label: 'Gradients', title: 'Vanishing and exploding gradients' },
  { name: 'tasks', href: './tasks.html', label: 'Tasks', title: 'Sequence tasks' },
];

/** What a page publishes for tests and curious users (`window.demo` in the console). */
export interface DemoGlobal {
  page: PageName;
  /** The WebGPU check's result, once it has run. */
  webgpu: { ok: boolean; detail: string } | null;
  /** uPlot instances by name: `window.demo.charts.loss.data` is the loss chart's data. */
  charts: Record<string, unknown>;
  [more: string]: unknown;
}

declare global {
  interface Window {
    demo: DemoGlobal;
  }
}

export interface Page {
  /** True when WebGPU works here; the page's controls stay disabled otherwise. */
  webgpu: boolean;
  status: Status;
}

/** One line that says what the page is doing; errors in red, with the message as it came. */
export class Status {
  constructor(readonly element: HTMLElement) {}

  set(text: string): void {
    this.element.classList.remove('error');
    this.element.textContent = text;
  }

  error(error: unknown): void {
    this.element.classList.add('error');
    this.element.textContent = `error: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Draws the nav, runs the WebGPU check and sets up `window.demo`; call it first on every page. */
export async function setupPage(name: PageName): Promise<Page> {
  window.demo = { page: name, webgpu: null, charts: {} };
  const nav = document.createElement('nav');
  nav.className = 'site-nav';
  nav.innerHTML = `<span class="brand">webgpu-rnn</span>`;
  for (const page of PAGES) {
    const link = document.createElement('a');
    link.href = page.href;
    link.textContent = page.label;
    link.title = page.title;
    if (page.name === name) link.setAttribute('aria-current', 'page');
    nav.append(link);
  }
  document.body.prepend(nav);

  const status = new Status(document.getElementById('status') ?? document.body.appendChild(document.createElement('div')));
  status.set('checking for WebGPU…');
  const check = await checkWebGPU();
  window.demo.webgpu = { ok: check.ok, detail: check.ok ? check.adapter : check.reason };
  if (check.ok) {
    status.set(`ready (WebGPU: ${check.adapter})`);
    return { webgpu: true, status };
  }
  // Controls that need the GPU stay visible but disabled, so the page still shows what it does.
  for (const control of Array.from(document.querySelectorAll<HTMLButtonElement>('button[data-needs-gpu]'))) control.disabled = true;
  const message = document.getElementById('no-webgpu') ?? nav.insertAdjacentElement('afterend', document.createElement('section'))!;
  renderNoWebGPU(message as HTMLElement, check.reason);
  status.set('WebGPU is not available: see above');
  return { webgpu: false, status };
}

/** Publishes a value for the tests under `window.demo[name]`. */
export function publish(name: string, value: unknown): void {
  window.demo[name] = value;
}
