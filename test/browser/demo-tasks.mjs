/**
 * The tasks page in headless Chromium: a few steps of each task (parity, binary addition,
 * sorting) through the page's own fields and its "train all" button; each accuracy curve
 * gets its points, and the sorting examples show greedy and beam outputs side by side.
 */
import { openPage, screenshot, webgpuCheck } from './demo-site.mjs';

const TASKS = ['parity', 'addition', 'sorting'];
const STEPS = Number(process.env.DEMO_TASK_STEPS ?? 6);
const EVAL_EVERY = Number(process.env.DEMO_TASK_EVAL_EVERY ?? 3);

export async function tasksPage(checks, browser, origin, { errors }) {
  const page = await openPage(browser, `${origin}/tasks.html`, { errors });
  const webgpu = await webgpuCheck(page);
  checks.check('tasks page: WebGPU check passes', webgpu.ok, webgpu.detail);

  // A bad field is named, task and all, before any GPU work.
  await page.$eval('#parity-steps', (input) => (input.value = ''));
  await page.click('#parity-train');
  await page.waitForFunction(() => /^error/.test(document.getElementById('parity-status').textContent), { timeout: 30_000 });
  const bad = await page.$eval('#parity-status', (e) => e.textContent);
  checks.check('tasks page: an empty steps field is named', bad === 'error: parity: steps: expected an integer from 1 to 1000000, got nothing (the field is empty)', bad);

  await page.evaluate(
    (tasks, steps, every) => {
      for (const id of tasks) {
        document.getElementById(`${id}-steps`).value = String(steps);
        document.getElementById(`${id}-eval-every`).value = String(every);
      }
    },
    TASKS,
    STEPS,
    EVAL_EVERY,
  );
  await page.click('#train-all');
  await page.waitForFunction(
    (tasks, steps) => tasks.every((id) => window.demo.tasks[id].step >= steps && !window.demo.tasks[id].running) || tasks.some((id) => /^error/.test(document.getElementById(`${id}-status`).textContent)),
    { timeout: 240_000, polling: 200 },
    TASKS,
    STEPS,
  );
  // Charts redraw on the next frame.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const expected = Array.from({ length: Math.floor(STEPS / EVAL_EVERY) + 1 }, (_, k) => k * EVAL_EVERY).join();
  for (const id of TASKS) {
    const status = await page.$eval(`#${id}-status`, (e) => e.textContent);
    const [steps, ...series] = await page.evaluate((id) => window.demo.charts[id].data.map((c) => Array.from(c)), id);
    const inRange = series.every((values) => values.length === steps.length && values.every((v) => typeof v === 'number' && v >= 0 && v <= 1));
    checks.check(`tasks page: ${id} trains and its accuracy curve gets a point per evaluation`, steps.join() === expected && inRange && !/^error/.test(status), `steps ${steps.join()}; ${series.map((v) => v.map((a) => (a === null ? "–" : a.toFixed(2))).join(' ')).join(' | ')}; ${status}`);
  }
  const sorting = await page.$$eval('#sorting-examples tr', (rows) => rows.map((r) => Array.from(r.children, (c) => c.textContent)));
  const decoded = (cell) => /^(\d+|\(empty\))$/.test(cell);
  checks.check(
    'tasks page: sorting shows greedy and beam outputs side by side',
    sorting[0]?.join() === 'digits,sorted,greedy,beam (width 3)' && sorting.length === 6 && sorting.slice(1).every((row) => decoded(row[2]) && decoded(row[3])),
    JSON.stringify(sorting.slice(0, 3)),
  );
  await screenshot(page, 'tasks');
  await page.close();
}
