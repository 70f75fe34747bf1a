/**
 * The cells page in headless Chromium: a bad field is named; a small LSTM trains a few
 * steps on the Moby Dick excerpt (set through the page's fields) and is read over the
 * chapters after it; the heatmap has a coloured span per character, the ranking has rows
 * with r and chance, and a click on a row or the unit picker colours the text by another
 * unit. When
 * the train part ran first, the checkpoint it downloaded loads here too (read over its
 * held-out text).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openPage, screenshot, webgpuCheck } from './demo-site.mjs';

/**
 * Cheap settings. The README's screenshot comes from the page's default model and budget:
 * DEMO_CELLS_HIDDEN=128 DEMO_CELLS_BATCH=32 DEMO_CELLS_WINDOW=64 DEMO_CELLS_STEPS=500
 * DEMO_CELLS_LR=0.01 DEMO_CELLS_CHARS=1500 (its figures: DEMO_CELLS_CHARS=3000, the default).
 */
const env = (name, fallback) => process.env[`DEMO_CELLS_${name}`] ?? fallback;
const FIELDS = { corpus: 'moby-dick', cell: 'lstm', hidden: env('HIDDEN', '16'), layers: '1', lr: env('LR', '0.02'), window: env('WINDOW', '16'), batch: env('BATCH', '4'), steps: env('STEPS', '10'), chars: env('CHARS', '400') };

async function setFields(page, fields) {
  await page.evaluate((fields) => {
    for (const [id, value] of Object.entries(fields)) {
      const element = document.getElementById(id);
      element.value = value;
      element.dispatchEvent(new Event('change', { bubbles: true }));
    }
  }, fields);
}

const status = (page) => page.$eval('#status', (e) => e.textContent);
const selected = (page) => page.evaluate(() => window.demo.cells.selected);
/** The heatmap: its title and the background of each character's span. */
const heatmap = (page) => page.evaluate(() => ({ title: document.querySelector('#heatmap figcaption')?.textContent ?? '', backgrounds: Array.from(document.querySelectorAll('#heatmap .heatmap-text span'), (s) => s.style.background) }));

/** Waits until the page has shown more than `count` analyses (or an error). */
async function analysed(page, count, timeout = 600_000) {
  await page.waitForFunction((count) => (window.demo.cells.analyses > count && !window.demo.cells.busy) || /^error/.test(document.getElementById('status').textContent), { timeout, polling: 100 }, count);
}

export async function cellsPage(checks, browser, origin, { errors, downloads }) {
  const page = await openPage(browser, `${origin}/cells.html`, { errors });
  const webgpu = await webgpuCheck(page);
  checks.check('cells page: WebGPU check passes', webgpu.ok, webgpu.detail);

  await setFields(page, { ...FIELDS, hidden: '0' });
  await page.click('#train');
  await page.waitForFunction(() => /^error/.test(document.getElementById('status').textContent), { timeout: 30_000 });
  const bad = await status(page);
  checks.check('cells page: a bad hidden size is named', bad === 'error: hidden size: expected an integer from 4 to 1024, got 0', bad);

  await setFields(page, FIELDS);
  await page.click('#train');
  await page.waitForFunction(() => /compiling WebGPU kernels/.test(document.getElementById('status').textContent) || window.demo.cells.analyses > 0, { timeout: 60_000, polling: 50 });
  checks.check('cells page: says it is compiling WebGPU kernels before the first step', /compiling WebGPU kernels/.test(await status(page)), await status(page));
  await analysed(page, 0);
  const steps = Number(FIELDS.steps);
  const chars = Number(FIELDS.chars);
  const loss = await page.evaluate(() => window.demo.charts.loss.data.map((c) => Array.from(c)));
  checks.check('cells page: trains, charting the loss at each step', loss[0]?.length === steps && loss[1].every(Number.isFinite), `${loss[0]?.length} points; ${await status(page)}`);

  const first = await heatmap(page);
  const colours = new Set(first.backgrounds);
  checks.check(
    'cells page: the heatmap has a coloured span per analysed character',
    first.backgrounds.length === chars && (await page.evaluate(() => window.demo.cells.analysed)) === chars && first.backgrounds.every((b) => /^rgb/.test(b)) && colours.size > 5,
    `${first.backgrounds.length} spans, ${colours.size} colours: ${first.title}`,
  );
  const rows = await page.$$eval('#ranking tr', (trs) => trs.map((tr) => Array.from(tr.children, (c) => c.textContent)));
  const ranking = await page.evaluate(() => window.demo.cells.ranking);
  const clears = ranking.map((f) => Math.abs(f.correlation) - f.chance);
  checks.check(
    'cells page: the ranking has rows with layer, kind, unit, feature, r and chance, best first',
    rows[0]?.join() === 'layer,kind,unit,feature,r,chance' && rows.length === 21 && rows.slice(1).every((r) => /^[+-]\d\.\d{3}$/.test(r[4]) && /^\d\.\d{3}$/.test(r[5])) && clears.every((c, i) => i === 0 || c <= clears[i - 1]),
    rows.slice(1, 4).map((r) => r.join(' ')).join('; '),
  );
  const bestRows = await page.$$eval('#best tr', (trs) => trs.slice(1).map((tr) => Array.from(tr.children, (c) => c.textContent)));
  const best = bestRows.map((r) => r[3]);
  checks.check(
    'cells page: read over unseen Moby Dick chapters with dialogue: the best unit for each feature, quotes among them',
    /of Moby Dick chapters 21–22/.test(await status(page)) && best.includes('inside quotes') && best.length >= 5 && new Set(best).size === best.length,
    bestRows.map(([layer, kind, unit, feature, r, chance]) => `${feature}: layer ${layer} ${kind} unit ${unit} r ${r} (chance ${chance})`).join('; '),
  );
  const top = ranking[0];
  const chosen = await selected(page);
  checks.check('cells page: the best-ranked unit is shown first', chosen.layer === top.layer && chosen.kind === top.kind && chosen.unit === top.unit && first.title.startsWith(`layer ${top.layer} · ${top.kind} · unit ${top.unit}`), first.title);

  // A click on another unit's row colours the text by that unit.
  const other = ranking.findIndex((f) => f.unit !== top.unit || f.kind !== top.kind);
  await (await page.$$('#ranking tr[data-unit]'))[other].click();
  const clicked = await heatmap(page);
  const now = await selected(page);
  checks.check(
    'cells page: clicking a row changes the heatmap',
    now.unit === ranking[other].unit && now.kind === ranking[other].kind && clicked.backgrounds.join() !== first.backgrounds.join() && clicked.backgrounds.length === chars,
    clicked.title,
  );
  const hidden = Number(FIELDS.hidden);
  // The picker: next unit, then the other kind.
  await page.click('#next');
  const next = await heatmap(page);
  const after = await selected(page);
  await setFields(page, { kind: after.kind === 'h' ? 'tanh(c)' : 'h' });
  const kind = await heatmap(page);
  checks.check(
    'cells page: the unit picker changes it too (next unit, other kind)',
    after.unit === (now.unit + 1) % hidden && next.backgrounds.join() !== clicked.backgrounds.join() && kind.backgrounds.join() !== next.backgrounds.join() && (await selected(page)).kind !== after.kind,
    `${next.title} | ${kind.title}`,
  );
  await setFields(page, { unit: String(hidden) });
  const badUnit = await status(page);
  checks.check('cells page: a unit out of range is named', badUnit === `error: unit: expected an integer from 0 to ${hidden - 1}, got ${hidden}`, badUnit);
  await setFields(page, { unit: String(top.unit), kind: top.kind });
  checks.check('cells page: a good unit puts the status line right again', /; best: layer /.test(await status(page)), await status(page));
  await screenshot(page, 'cells');

  // The train page's checkpoint, when that part ran: loaded and read over its held-out text.
  const json = downloads && existsSync(downloads) ? readdirSync(downloads).find((f) => /^step-\d+\.json$/.test(f)) : undefined;
  if (json) {
    await (await page.$('#load-json')).uploadFile(join(downloads, json));
    await (await page.$('#load-tensors')).uploadFile(join(downloads, json.replace(/\.json$/, '.safetensors')));
    await setFields(page, { 'analysis-source': 'held-out' });
    await page.click('#load');
    await analysed(page, 1, 120_000);
    const loaded = await heatmap(page);
    const text = await status(page);
    checks.check('cells page: loads the checkpoint the train page downloaded and analyses it', text.includes(`of ${json} (step `) && text.includes('of the held-out text of moby-dick-excerpt') && loaded.backgrounds.length === chars, text);
  } else {
    console.log('     (cells page: no checkpoint from the train part to load; run it with the train part to check loading)');
  }
  await page.close();
}
