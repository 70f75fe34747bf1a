/**
 * The demo page in headless Chromium: trains for 40 steps on its built-in text and must
 * show every step, a sample, and a lower loss at the end than at the start.
 */
import { withPage } from './chromium.mjs';

const STEPS = 40;
const result = await withPage('/demo/index.html', async (page) => {
  await page.waitForSelector('#start');
  await page.$eval('#steps', (input, steps) => (input.value = String(steps)), STEPS);
  await page.click('#start');
  let first = null;
  await page.waitForFunction(() => /^step 1\//.test(document.getElementById('status').textContent) || /^error/.test(document.getElementById('status').textContent), { timeout: 120_000, polling: 50 });
  first = await page.$eval('#status', (e) => e.textContent);
  await page.waitForFunction((steps) => document.getElementById('status').textContent.startsWith(`step ${steps}/`) || /^error/.test(document.getElementById('status').textContent), { timeout: 300_000, polling: 200 }, STEPS);
  await page.waitForFunction(() => !document.getElementById('start').disabled, { timeout: 60_000 });
  return { first, last: await page.$eval('#status', (e) => e.textContent), sample: await page.$eval('#sample', (e) => e.textContent) };
});

const loss = (line) => Number(/loss ([\d.]+)/.exec(line ?? '')?.[1]);
console.log(`demo: ${result.first}\ndemo: ${result.last}\ndemo sample: ${JSON.stringify(result.sample.slice(0, 80))}`);
const ok = !/^error/.test(result.last) && result.sample.length > 100 && loss(result.last) < loss(result.first);
console.log(ok ? 'demo: trains and samples' : 'demo: FAILED');
process.exit(ok ? 0 : 1);
