/**
 * Browser kernel checks: headless Chromium (SwiftShader WebGPU) runs test/browser/page.ts,
 * the same checks as the Node tests. Exits non-zero when any check fails.
 */
import { withPage } from './chromium.mjs';

const TIMEOUT_MS = 600_000;

const report = await withPage('/test/browser/index.html', async (page) => {
  await page.waitForFunction(() => window.__report !== undefined, { timeout: TIMEOUT_MS, polling: 500 });
  return page.evaluate(() => window.__report);
});

console.log(`browser adapter: ${report.adapter}`);
if (report.error) {
  console.error(`browser checks could not run: ${report.error}`);
  process.exit(1);
}
const failed = report.results.filter((r) => !r.ok);
for (const r of failed) console.error(`FAIL ${r.name}\n${r.message}`);
console.log(`browser: ${report.results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length === 0 && report.results.length > 0 ? 0 : 1);
