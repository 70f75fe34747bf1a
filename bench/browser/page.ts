/**
 * The engine benchmark in a browser tab: FMA peak, then the canonical shapes named in the
 * page's ?shapes= query (all by default). Results go to window.__bench for bench/browser/run.mjs.
 */
import { createRuntime } from '../../src/index.js';
import { fmaPeak } from '../fma.js';
import { benchEngine } from '../engine.js';
import { CANONICAL_SHAPES } from '../shapes.js';
import type { Measurement } from '../measure.js';

interface BrowserBench {
  adapter: string;
  userAgent: string;
  peak: Measurement;
  engine: Measurement[];
  error?: string;
}

declare global {
  interface Window {
    __bench?: BrowserBench | { error: string };
  }
}

const log = document.getElementById('log')!;
const wanted = new URLSearchParams(location.search).get('shapes')?.split(',');

async function run(): Promise<BrowserBench> {
  const runtime = await createRuntime();
  try {
    const adapter = `${runtime.adapter.vendor} ${runtime.adapter.architecture} (${runtime.adapter.description || runtime.adapter.device})`;
    const peak = await fmaPeak(runtime);
    const engine: Measurement[] = [];
    for (const shape of CANONICAL_SHAPES.filter((s) => !wanted || wanted.includes(s.name))) {
      engine.push(...(await benchEngine(runtime, shape, peak.gflops!)));
      log.textContent = engine.map((m) => `${m.name}: ${m.value.toFixed(1)} ms`).join('\n');
    }
    return { adapter, userAgent: navigator.userAgent, peak, engine };
  } finally {
    runtime.destroy();
  }
}

run().then(
  (result) => (window.__bench = result),
  (error: unknown) => (window.__bench = { error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) }),
);
