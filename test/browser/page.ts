/**
 * Runs the kernel checks that the Node tests run, on navigator.gpu, and publishes the
 * results on window for the puppeteer driver (test/browser/run.mjs).
 */
import { createRuntime } from '../../src/index.js';
import { checkColumnReductions, checkGemmEpilogue, checkGemmGrid, type CheckResult } from '../checks/kernel-checks.js';

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
