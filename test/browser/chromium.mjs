/**
 * Headless Chromium with WebGPU on SwiftShader, and a Vite dev server on localhost
 * (WebGPU needs a secure context). Shared by the browser tests and benchmarks.
 */
import { existsSync } from 'node:fs';
import puppeteer from 'puppeteer';
import { createServer } from 'vite';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath() {
  const found = CANDIDATES.find((p) => p && existsSync(p));
  if (!found) throw new Error('No Chromium found: apt-get install chromium, or set CHROMIUM_PATH');
  return found;
}

export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--enable-features=Vulkan',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
];

/** Headless Chromium with WebGPU on SwiftShader; the caller closes it. */
export function launchChromium() {
  // A benchmark page can keep its main thread busy for minutes between polls.
  return puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS, protocolTimeout: 3_600_000 });
}

/**
 * Collects a page's console errors and uncaught exceptions (and prints them as they come),
 * for tests that fail on any.
 */
export function collectErrors(page, where, errors = []) {
  page.on('pageerror', (error) => {
    errors.push(`${where}: page error: ${error.message}`);
    console.error(errors.at(-1));
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    errors.push(`${where}: console error: ${message.text()}`);
    console.error(errors.at(-1));
  });
  return errors;
}

/** Starts Vite on a free localhost port, opens `path`, and hands the page to `use`. */
export async function withPage(path, use) {
  const server = await createServer({ root: process.cwd(), logLevel: 'error', server: { host: 'localhost', port: 0 } });
  await server.listen();
  const address = server.httpServer.address();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') console.error(`page console: ${message.text()}`);
    });
    await page.goto(`http://localhost:${address.port}${path}`);
    return await use(page);
  } finally {
    await browser.close();
    await server.close();
  }
}
