/**
 * The demo site for the browser tests: built with its own config (demo/vite.config.ts) into
 * a temporary folder and served as static files, as a static host would serve it, or served
 * by the dev server that `npm run demo` starts. Pages open in headless Chromium with their
 * console errors and uncaught exceptions collected, so that a test fails on any.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build, createServer, preview } from 'vite';
import { collectErrors } from './chromium.mjs';

const CONFIG = 'demo/vite.config.ts';
export const SCREENSHOTS = 'test/browser/screenshots';

/** Builds the site into `outDir` (what `npm run demo:build` writes to demo/dist). */
export async function buildSite(outDir) {
  await build({ configFile: CONFIG, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}

/** Serves a built site on a free localhost port (WebGPU needs a secure context: localhost is one). */
export async function serveBuilt(outDir) {
  const server = await preview({ configFile: CONFIG, logLevel: 'error', build: { outDir }, preview: { host: 'localhost', port: 0, strictPort: false } });
  return { origin: `http://localhost:${server.httpServer.address().port}`, close: () => server.close() };
}

/** The dev server of `npm run demo`, on a free localhost port. */
export async function serveDev() {
  const server = await createServer({ configFile: CONFIG, logLevel: 'error', server: { host: 'localhost', port: 0 } });
  await server.listen();
  return { origin: `http://localhost:${server.httpServer.address().port}`, close: () => server.close() };
}

/**
 * Opens `url` in a new page whose errors go into `errors`. `noWebGPU` removes navigator.gpu
 * before any script runs, as in a browser without WebGPU. `downloads` is a folder for files
 * the page downloads.
 */
export async function openPage(browser, url, { errors, noWebGPU = false, downloads = null } = {}) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 900 });
  collectErrors(page, new URL(url).pathname + (noWebGPU ? ' (no WebGPU)' : ''), errors);
  if (noWebGPU) await page.evaluateOnNewDocument(() => delete Navigator.prototype.gpu);
  if (downloads) {
    const session = await page.createCDPSession();
    await session.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads, eventsEnabled: true });
  }
  await page.goto(url, { waitUntil: 'load' });
  return page;
}

/** Waits until the page's WebGPU check has run; returns its result. */
export async function webgpuCheck(page) {
  await page.waitForFunction(() => window.demo?.webgpu, { timeout: 60_000, polling: 100 });
  return page.evaluate(() => window.demo.webgpu);
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Named checks: each prints as it is made; `summary` prints the count line and returns whether all passed. */
export class Checks {
  results = [];

  check(name, ok, detail = '') {
    this.results.push({ name, ok: Boolean(ok) });
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
    return Boolean(ok);
  }

  /** Runs a part of the test; an exception fails it with its message instead of stopping the others. */
  async part(name, run) {
    const started = performance.now();
    try {
      await run();
    } catch (error) {
      this.check(`${name} ran to its end`, false, error instanceof Error ? error.stack ?? error.message : String(error));
    }
    console.log(`     (${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }

  summary() {
    const failed = this.results.filter((r) => !r.ok).length;
    console.log(`demo: ${this.results.length - failed} passed, ${failed} failed`);
    return failed === 0 && this.results.length > 0;
  }
}
