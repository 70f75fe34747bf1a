/**
 * The benchmark suite in headless Chromium (SwiftShader WebGPU), driven by puppeteer:
 *   npm run bench:browser [-- --shapes=lm-small] [--tfjs=lm-small|none] [--no-sweep] [--no-tune]
 * Prints markdown tables and writes bench/out/browser.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { withPage } from '../../test/browser/chromium.mjs';

const value = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const query = new URLSearchParams();
if (value('shapes')) query.set('shapes', value('shapes'));
if (value('tfjs')) query.set('tfjs', value('tfjs'));
if (process.argv.includes('--no-sweep')) query.set('sweep', '0');
if (process.argv.includes('--no-tune')) query.set('tune', '0');
const result = await withPage(`/bench/browser/index.html?${query}`, async (page) => {
  page.on('console', (message) => console.log(`page: ${message.text()}`));
  await page.waitForFunction(() => window.__bench !== undefined, { timeout: 0, polling: 5000 });
  return page.evaluate(() => window.__bench);
});
if (result.error) {
  console.error(`browser benchmark failed: ${result.error}`);
  process.exit(1);
}
console.log(`Browser: ${result.userAgent}\n${result.markdown}`);
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/browser.json', JSON.stringify(result, null, 2));
process.exit(0);
