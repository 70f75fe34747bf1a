/**
 * Runs the kernel checks that the Node tests run, on navigator.gpu, and publishes the
 * results on window for the puppeteer driver (test/browser/run.mjs).
 */
import { createRuntime } from '../../src/index.js';
import { checkColumnReductions, checkGemmEpilogue, checkGemmGrid, type CheckResult } from '../checks/kernel-checks.js';
import { checkRecurrentCase, type RecurrentCase } from '../checks/recurrent-checks.js';
import { CELL_VARIANTS } from '../checks/recurrent-grid.js';

/** Every cell variant, stacked, bidirectional, with lengths, under both strategies; and one wide layer. */
const RECURRENT_CASES: RecurrentCase[] = [
  ...CELL_VARIANTS.map((variant) => ({ ...variant, inputSize: 5, hiddenSize: 7, numLayers: 2, bidirectional: true, steps: 9, batch: 3, withLengths: true, chunkLength: 4 })),
  ...CELL_VARIANTS.map((variant): RecurrentCase => ({ ...variant, inputSize: 5, hiddenSize: 7, numLayers: 2, bidirectional: true, steps: 9, batch: 3, withLengths: true, schedule: { strategy: 'split', unitSpan: 3 } })),
  { cell: 'lstm', inputSize: 16, hiddenSize: 256, numLayers: 1, bidirectional: false, steps: 12, batch: 5, withInitialState: true },
];

interface BrowserReport {
  adapter: string;
  results: CheckResult[];
  error?: string;
}

declare global {
  interface Window {
    __report?: BrowserReport;
  }
}

const log = document.getElementById('log')!;

async function run(): Promise<BrowserReport> {
  const runtime = await createRuntime();
  const adapter = `${runtime.adapter.vendor} ${runtime.adapter.architecture} ${runtime.adapter.description}`.trim();
  try {
    const results = [...(await checkGemmGrid(runtime)), ...(await checkGemmEpilogue(runtime)), ...(await checkColumnReductions(runtime))];
    for (const c of RECURRENT_CASES) results.push(...(await checkRecurrentCase(runtime, c)));
    return { adapter, results };
  } finally {
    runtime.destroy();
  }
}

run().then(
  (report) => {
    log.textContent = report.results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'} ${r.name}${r.ok ? '' : `\n${r.message}`}`).join('\n');
    window.__report = report;
  },
  (error: unknown) => {
    log.textContent = String(error);
    window.__report = { adapter: 'unknown (the run failed)', results: [], error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) };
  },
);
