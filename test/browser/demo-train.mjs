/**
 * The train page in headless Chromium: bad input is named; a small LSTM trains a few tens of
 * steps on SwiftShader, stopped and resumed on the way; its charts' data grows and the loss
 * falls; the checkpoint it downloads samples in the command line and loads back into the
 * page, which continues from it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openPage, screenshot, webgpuCheck } from './demo-site.mjs';

/**
 * Cheap settings: small model, batch and window, set through the page's own fields. The
 * README's screenshot comes from a longer run: DEMO_TRAIN_STEPS=300 DEMO_TRAIN_HIDDEN=64
 * DEMO_TRAIN_BATCH=16 DEMO_TRAIN_WINDOW=64 (steps a multiple of 20); DEMO_TRAIN_CELL=gru for a GRU.
 */
const env = (name, fallback) => process.env[`DEMO_TRAIN_${name}`] ?? fallback;
const SMALL = { corpus: 'moby-dick', cell: env('CELL', 'lstm'), hidden: env('HIDDEN', '32'), layers: '1', lr: '0.02', window: env('WINDOW', '32'), batch: env('BATCH', '8'), 'eval-every': '10', 'sample-every': '20', temperature: '0.8' };
const STEPS = Number(env('STEPS', 40));

async function setFields(page, fields) {
  await page.evaluate((fields) => {
    for (const [id, value] of Object.entries(fields)) {
      const element = document.getElementById(id);
      element.value = value;
      element.dispatchEvent(new Event('input', { bubbles: true }));
    }
  }, fields);
}

const status = (page) => page.$eval('#status', (e) => e.textContent);
const state = (page) => page.evaluate(() => ({ step: window.demo.train.step, running: window.demo.train.running, downloads: window.demo.train.downloads }));
/** The loss charts' data: [x, train, validation] columns of each. */
const charts = (page) => page.evaluate(() => ({ loss: window.demo.charts.loss.data.map((c) => Array.from(c)), lossTime: window.demo.charts.lossTime.data.map((c) => Array.from(c)) }));

async function waitFor(page, predicate, arg, timeout = 120_000) {
  await page.waitForFunction(predicate, { timeout, polling: 100 }, arg);
}

/** Clicks train and waits for the run to end (or to reach `until` steps and be stopped there). */
async function trainUntil(page, steps) {
  await page.click('#train');
  await waitFor(page, (steps) => (window.demo.train.step >= steps && !window.demo.train.running) || /^error/.test(document.getElementById('status').textContent), steps, 300_000);
}

export async function trainPage(checks, browser, origin, { errors, downloads }) {
  const page = await openPage(browser, `${origin}/index.html`, { errors, downloads });
  const webgpu = await webgpuCheck(page);
  checks.check('train page: WebGPU check passes on SwiftShader', webgpu.ok, webgpu.detail);
  checks.check('train page: nav links Train, Cells, Gradients, Tasks', (await page.$$eval('.site-nav a', (as) => as.map((a) => a.getAttribute('href')).join(' '))) === './index.html ./cells.html ./gradients.html ./tasks.html');

  // Bad input stops before any GPU work, naming the field, what it expects and what came.
  await setFields(page, { ...SMALL, hidden: '0' });
  await page.click('#train');
  await waitFor(page, () => /^error/.test(document.getElementById('status').textContent));
  const badHidden = await status(page);
  checks.check('train page: a bad hidden size is named with what was expected', badHidden === 'error: hidden size: expected an integer from 4 to 1024, got 0', badHidden);
  await setFields(page, { ...SMALL, corpus: 'pasted', text: 'Too short to learn from.' });
  const minimum = await page.$eval('#text-minimum', (e) => e.textContent);
  checks.check('train page: the pasted text\'s minimum is shown up front', /^At least [\d,]+ characters for this batch and window/.test(minimum), minimum);
  await page.click('#train');
  await waitFor(page, () => /pasted text/.test(document.getElementById('status').textContent));
  const shortText = await status(page);
  checks.check('train page: too short a pasted text is refused with its minimum', /^error: pasted text: expected at least [\d,]+ characters .* got 24 characters$/.test(shortText), shortText);

  // Train, stop half way, resume the same model.
  await setFields(page, { ...SMALL, steps: String(STEPS) });
  await page.click('#train');
  await waitFor(page, () => /compiling WebGPU kernels/.test(document.getElementById('status').textContent) || window.demo.train.step > 0);
  checks.check('train page: says it is compiling WebGPU kernels before the first step', /compiling WebGPU kernels/.test(await status(page)), await status(page));
  await waitFor(page, (half) => window.demo.train.step >= half, STEPS / 2, 300_000);
  const half = await charts(page);
  await page.click('#stop');
  await waitFor(page, () => !window.demo.train.running);
  const stopped = await state(page);
  checks.check('train page: stop ends the run before its last step', stopped.step < STEPS && stopped.step >= STEPS / 2, `stopped at step ${stopped.step}`);
  await trainUntil(page, STEPS);
  const end = await charts(page);
  const [steps, train, validation] = end.loss;
  const trainLosses = train.filter((v) => v !== null);
  const validated = steps.filter((_, i) => validation[i] !== null);
  checks.check('train page: resume continues to the last step', (await state(page)).step === STEPS, await status(page));
  checks.check('train page: the loss chart gains points as training runs', half.loss[0].length >= STEPS / 2 && steps.length === STEPS + 1 && steps.every((x, i) => x === i), `${half.loss[0].length} points half way, ${steps.length} at the end`);
  checks.check('train page: a training loss at every step, all finite', trainLosses.length === STEPS && trainLosses.every(Number.isFinite));
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
  const [early, late] = [mean(trainLosses.slice(0, 5)), mean(trainLosses.slice(-5))];
  checks.check('train page: the training loss falls', late < early - 0.5, `${early.toFixed(2)} → ${late.toFixed(2)} bits/char`);
  const expectedValidation = Array.from({ length: STEPS / 10 + 1 }, (_, k) => k * 10);
  checks.check('train page: validation every 10 steps, from step 0', validated.join() === expectedValidation.join(), validated.join());
  checks.check('train page: the validation loss falls', validation[STEPS] < validation[0] - 0.5, `${validation[0]?.toFixed(2)} → ${validation[STEPS]?.toFixed(2)} bits/char`);
  const [times, trainByTime, validationByTime] = end.lossTime;
  const count = (column) => column.filter((v) => v !== null).length;
  checks.check(
    'train page: the time chart has the same losses at growing times',
    count(trainByTime) === STEPS && count(validationByTime) === validated.length && times.every((t, i) => i === 0 || t > times[i - 1]),
    `${count(trainByTime)} training and ${count(validationByTime)} validation points up to ${times.at(-1)?.toFixed(1)} s`,
  );
  const samples = await page.$$eval('#samples li', (items) => items.map((li) => ({ meta: li.querySelector('.meta').textContent, text: li.querySelector('pre').textContent })));
  checks.check('train page: samples as it learns, each with its temperature', samples.length >= 2 && samples.every((s) => /^step \d+ · temperature 0\.8$/.test(s.meta) && s.text.length > 100), samples.map((s) => s.meta).join('; '));
  checks.check('train page: shows tokens/s', / tok\/s/.test(await status(page)), await status(page));
  await screenshot(page, 'train');

  // Download the checkpoint; the command line samples from it.
  await page.click('#download');
  const base = `step-${String(STEPS).padStart(6, '0')}`;
  const done = () => readdirSync(downloads).filter((f) => f.startsWith(base) && !f.endsWith('.crdownload'));
  for (let waited = 0; done().length < 2 && waited < 30_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  checks.check('train page: downloads step-<n>.json and step-<n>.safetensors', done().sort().join() === `${base}.json,${base}.safetensors`, readdirSync(downloads).join(', '));
  const json = join(downloads, `${base}.json`);
  if (!existsSync('dist/cli.js')) throw new Error('dist/cli.js is missing: run npm run build first');
  let sample = '';
  try {
    sample = execFileSync(process.execPath, ['dist/cli.js', 'sample', '--checkpoint', json, '--length', '80', '--seed', '3'], { encoding: 'utf8', timeout: 120_000 });
  } catch (error) {
    sample = `${error.stderr ?? error.message}`;
  }
  checks.check('the command line samples from the downloaded checkpoint', sample.trim().length >= 60 && !/error/i.test(sample), JSON.stringify(sample.slice(0, 100)));

  // Load it back as a new model and continue: the loss goes on from where it was.
  await page.click('#reset');
  await waitFor(page, () => window.demo.charts.loss.data[0].length === 0);
  await (await page.$('#load-json')).uploadFile(json);
  await (await page.$('#load-tensors')).uploadFile(join(downloads, `${base}.safetensors`));
  await page.click('#load');
  await waitFor(page, () => /^loaded step|^error/.test(document.getElementById('status').textContent));
  checks.check('train page: loads the downloaded checkpoint back', (await status(page)).startsWith(`loaded step ${STEPS} `), await status(page));
  await setFields(page, { steps: String(STEPS + 4) });
  await trainUntil(page, STEPS + 4);
  const [, resumed] = (await charts(page)).loss;
  const after = resumed.slice(STEPS + 1).filter((v) => v !== null);
  checks.check('train page: training continues the loaded model (its loss stays low)', after.length === 4 && mean(after) < early - 0.5, `steps ${STEPS + 1}–${STEPS + 4}: ${after.map((v) => v.toFixed(2)).join(', ')} bits/char (${early.toFixed(2)} at the start)`);
  await page.close();
}

/** Without WebGPU the page says what to do and keeps its controls disabled. */
export async function noWebGPUPage(checks, browser, origin, { errors, path, name }) {
  const page = await openPage(browser, `${origin}/${path}`, { errors, noWebGPU: true });
  await page.waitForSelector('.no-webgpu', { visible: true, timeout: 30_000 });
  const text = await page.$eval('.no-webgpu', (e) => e.textContent);
  const advice = ['Chrome or Edge 113', '--enable-unsafe-webgpu --enable-features=Vulkan', '--enable-unsafe-swiftshader --use-webgpu-adapter=swiftshader', 'Firefox 141', 'dom.webgpu.enabled', 'Safari 26'];
  const missing = advice.filter((a) => !text.includes(a));
  checks.check(`${name} page without WebGPU: says what to do`, missing.length === 0 && text.includes('navigator.gpu is missing'), missing.length ? `missing: ${missing.join(', ')}` : '');
  const enabled = await page.$$eval('button[data-needs-gpu]', (buttons) => buttons.filter((b) => !b.disabled).map((b) => b.id));
  checks.check(`${name} page without WebGPU: its GPU buttons are disabled`, enabled.length === 0, enabled.join(', '));
  if (name === 'train') await screenshot(page, 'no-webgpu');
  await page.close();
}
