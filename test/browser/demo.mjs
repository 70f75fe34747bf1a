/**
 * The demo site in headless Chromium (SwiftShader WebGPU), page by page: the static build
 * that `npm run demo:build` makes, served as a static host would, and the dev server of
 * `npm run demo`. Fails on any console error or uncaught exception of any page. Screenshots
 * go to test/browser/screenshots/. Run after `npm run build` (the command line samples from
 * a checkpoint the page downloads). `node test/browser/demo.mjs gradients no-webgpu` runs
 * some parts (train, cells, gradients, tasks, no-webgpu, dev).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { Checks, buildSite, openPage, serveBuilt, serveDev, webgpuCheck } from './demo-site.mjs';
import { noWebGPUPage, trainPage } from './demo-train.mjs';
import { tasksPage } from './demo-tasks.mjs';
import { cellsPage } from './demo-cells.mjs';
import { gradientsPage } from './demo-gradients.mjs';

const PAGES = [
  { name: 'train', path: 'index.html' },
  { name: 'cells', path: 'cells.html' },
  { name: 'gradients', path: 'gradients.html' },
  { name: 'tasks', path: 'tasks.html' },
];
const parts = process.argv.slice(2);
const runs = (part) => parts.length === 0 || parts.includes(part);

const started = performance.now();
const checks = new Checks();
const errors = [];
const scratch = mkdtempSync(join(tmpdir(), 'webgpu-rnn-demo-'));
const downloads = join(scratch, 'downloads');
mkdirSync(downloads);
const browser = await launchChromium();
const servers = [];
try {
  const outDir = join(scratch, 'site');
  await checks.part('static build', async () => {
    await buildSite(outDir);
    checks.check('npm run demo:build\'s build succeeds', true);
  });
  const site = await serveBuilt(outDir);
  servers.push(site);

  if (runs('train')) await checks.part('train page', () => trainPage(checks, browser, site.origin, { errors, downloads }));
  // The cells page also loads the checkpoint the train page downloaded, when that part ran.
  if (runs('cells')) await checks.part('cells page', () => cellsPage(checks, browser, site.origin, { errors, downloads }));
  if (runs('gradients')) await checks.part('gradients page', () => gradientsPage(checks, browser, site.origin, { errors }));
  if (runs('tasks')) await checks.part('tasks page', () => tasksPage(checks, browser, site.origin, { errors }));
  if (runs('no-webgpu')) {
    await checks.part('pages without WebGPU', async () => {
      for (const { name, path } of PAGES) await noWebGPUPage(checks, browser, site.origin, { errors, path, name });
    });
  }
  if (runs('dev')) {
    // The dev server compiles modules on request: each page must load there too, without errors.
    await checks.part('dev server', async () => {
      const dev = await serveDev();
      servers.push(dev);
      for (const { name, path } of PAGES) {
        const page = await openPage(browser, `${dev.origin}/${path}`, { errors });
        const webgpu = await webgpuCheck(page);
        // Charts are made after every static import has loaded and the page has set itself up.
        await page.waitForFunction(() => Object.keys(window.demo.charts).length > 0, { timeout: 30_000 });
        checks.check(`${name} page on the dev server (npm run demo): loads, finds WebGPU and draws its charts`, webgpu.ok, webgpu.detail);
        await page.close();
      }
    });
  }
} finally {
  await browser.close();
  for (const server of servers) await server.close();
  rmSync(scratch, { recursive: true, force: true });
}

checks.check('no console errors or uncaught exceptions on any page', errors.length === 0, errors.join('\n'));
console.log(`demo: ${((performance.now() - started) / 1000).toFixed(1)} s in all`);
process.exit(checks.summary() ? 0 : 1);
