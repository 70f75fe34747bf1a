/**
 * The benchmark suite in a browser tab (bench/suite.ts, with tfjs's webgpu backend on the
 * page's own WebGPU). Query: ?shapes=a,b&tfjs=a,b|none&sweep=0&tune=0. The report and its
 * markdown go to window.__bench for bench/browser/run.mjs.
 */
import '@tensorflow/tfjs-backend-webgpu';
import { createRuntime } from '../../src/index.js';
import { formatReport, runSuite, type SuiteReport } from '../suite.js';

interface BrowserBench {
  userAgent: string;
  report: SuiteReport;
  markdown: string;
}

declare global {
  interface Window {
    __bench?: BrowserBench | { error: string };
  }
}

const log = document.getElementById('log')!;
const query = new URLSearchParams(location.search);
const list = (name: string): string[] | undefined => query.get(name)?.split(',');
const tfjs = list('tfjs');

async function run(): Promise<BrowserBench> {
  const runtime = await createRuntime();
  try {
    const lines: string[] = [];
    const report = await runSuite(runtime, {
      ...(list('shapes') ? { shapes: list('shapes')! } : {}),
      ...(tfjs ? { tfjsShapes: tfjs[0] === 'none' ? [] : tfjs } : {}),
      sweep: query.get('sweep') !== '0',
      tune: query.get('tune') !== '0',
      log: (line) => {
        lines.push(line);
        console.log(line);
        log.textContent = lines.join('\n');
      },
    });
    return { userAgent: navigator.userAgent, report, markdown: formatReport(report) };
  } finally {
    runtime.destroy();
  }
}

run().then(
  (result) => (window.__bench = result),
  (error: unknown) => (window.__bench = { error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) }),
);
