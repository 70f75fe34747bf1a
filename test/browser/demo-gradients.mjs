/**
 * The gradients page in headless Chromium: a bad field is named; a short run of the four
 * cells (small, set through the page's fields) draws one line per cell at initialisation
 * and one trained, each finite and positive; the Elman tanh RNN's gradient falls further
 * back through time than the LSTM's; the loss chart and the table fill; the clipping
 * toggle trains again.
 */
import { openPage, screenshot, webgpuCheck } from './demo-site.mjs';

/**
 * Cheap settings. The README's screenshot comes from the page's defaults:
 * DEMO_GRADIENTS_HIDDEN=64 DEMO_GRADIENTS_STEPS=64 DEMO_GRADIENTS_TRAIN=150.
 */
const env = (name, fallback) => process.env[`DEMO_GRADIENTS_${name}`] ?? fallback;
const FIELDS = { hidden: env('HIDDEN', '16'), steps: env('STEPS', '24'), 'train-steps': env('TRAIN', '10'), lr: '0.01', clip: '1' };
const CELLS = 4;

async function setFields(page, fields) {
  await page.evaluate((fields) => {
    for (const [id, value] of Object.entries(fields)) document.getElementById(id).value = value;
  }, fields);
}

const status = (page) => page.$eval('#status', (e) => e.textContent);

/** Waits for the page's run count to pass `runs` (or an error); returns the published run. */
async function finished(page, runs) {
  await page.waitForFunction((runs) => (window.demo.gradients.runs > runs && !window.demo.gradients.running) || /^error/.test(document.getElementById('status').textContent), { timeout: 600_000, polling: 200 }, runs);
  // Charts redraw on the next frame.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return page.evaluate(() => ({ run: JSON.parse(JSON.stringify(window.demo.gradients.run)), flow: window.demo.charts.flow.data.map((c) => Array.from(c)), loss: window.demo.charts.loss.data.map((c) => Array.from(c)) }));
}

export async function gradientsPage(checks, browser, origin, { errors }) {
  const page = await openPage(browser, `${origin}/gradients.html`, { errors });
  const webgpu = await webgpuCheck(page);
  checks.check('gradients page: WebGPU check passes', webgpu.ok, webgpu.detail);

  await setFields(page, { ...FIELDS, hidden: '1' });
  await page.click('#run');
  await page.waitForFunction(() => /^error/.test(document.getElementById('status').textContent), { timeout: 30_000 });
  const bad = await status(page);
  checks.check('gradients page: a bad hidden size is named', bad === 'error: hidden size: expected an integer from 2 to 512, got 1', bad);

  await setFields(page, FIELDS);
  await page.click('#run');
  await page.waitForFunction(() => /compiling WebGPU kernels/.test(document.getElementById('status').textContent) || window.demo.gradients.runs > 0, { timeout: 60_000, polling: 50 });
  checks.check('gradients page: says it is compiling WebGPU kernels before the first measurement', /compiling WebGPU kernels/.test(await status(page)), await status(page));
  const first = await finished(page, 0);
  const steps = Number(FIELDS.steps);
  const trainSteps = Number(FIELDS['train-steps']);
  const [back, ...lines] = first.flow;
  const positive = (line) => line.length === steps && line.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0);
  checks.check(
    'gradients page: the flow chart has one line per cell at init and one trained, finite and positive at every step back',
    back.join() === Array.from({ length: steps }, (_, k) => k).join() && lines.length === 2 * CELLS && lines.every(positive),
    `${lines.length} lines over ${back.length} steps back; ${await status(page)}`,
  );
  const labels = await page.evaluate(() => window.demo.charts.flow.series.slice(1).map((s) => s.label));
  checks.check('gradients page: its lines are the four cells, init and trained', labels.length === 8 && labels.filter((l) => l.endsWith(', init')).length === 4 && labels.filter((l) => l.endsWith(', trained')).length === 4, labels.join('; '));
  const cells = first.run.cells;
  const far = steps - 1;
  const ratio = (norms) => norms[far] / norms[0];
  const tanh = cells.find((c) => c.label.startsWith('RNN (tanh)'));
  const lstm = cells.find((c) => c.label.startsWith('LSTM'));
  checks.check(
    'gradients page: the textbook result: the Elman tanh RNN\'s gradient at init falls by orders of magnitude, the LSTM\'s less',
    ratio(tanh.initial) < 1e-3 && ratio(tanh.initial) < ratio(lstm.initial),
    `${far} steps back ÷ at the loss, at init: RNN (tanh) ${ratio(tanh.initial).toExponential(1)}, LSTM ${ratio(lstm.initial).toExponential(1)}; trained: ${ratio(tanh.trained).toExponential(1)}, ${ratio(lstm.trained).toExponential(1)}`,
  );
  const [lossSteps, ...losses] = first.loss;
  checks.check(
    'gradients page: the loss chart has each cell\'s training loss at every step',
    lossSteps.length === trainSteps && losses.length === CELLS && losses.every((l) => l.length === trainSteps && l.every((v) => Number.isFinite(v) && v > 0)),
    losses.map((l) => `${l[0]?.toFixed(2)} → ${l.at(-1)?.toFixed(2)}`).join(', '),
  );
  const table = () => page.$$eval('#surviving tr', (rows) => rows.map((r) => Array.from(r.children, (c) => c.textContent)));
  const rows = await table();
  checks.check(
    'gradients page: the table gives the surviving fraction 10, 25 and 50 steps back, at init and trained',
    rows[0]?.join() === 'cell,clip,when,10 back,25 back,50 back,loss (bits/char)' && rows.length === 1 + 2 * CELLS && rows.slice(1).every((r) => /^\d\.\de[-+]\d+$/.test(r[3])),
    JSON.stringify(rows.slice(0, 3)),
  );
  await screenshot(page, 'gradients');

  // Clipping acts in training: switching it off trains the four again, and the table keeps both.
  await page.select('#clip', 'off');
  const second = await finished(page, 1);
  const rerun = await table();
  checks.check(
    'gradients page: the clipping toggle trains again without clipping',
    second.run.clip === null && second.run.cells.every((c) => c.trained && c.losses.length === trainSteps) && rerun.length === 1 + 4 * CELLS && rerun.slice(1).some((r) => r[1] === 'off'),
    `${rerun.length - 1} table rows; ${await status(page)}`,
  );
  await page.close();
}
