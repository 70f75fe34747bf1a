/**
 * The engine benchmark in headless Chromium (SwiftShader WebGPU), driven by puppeteer:
 *   npm run bench:browser [-- --shapes=lm-small]
 * Prints a markdown table and writes bench/out/browser.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { withPage } from '../../test/browser/chromium.mjs';

const shapes = process.argv.find((a) => a.startsWith('--shapes='))?.slice('--shapes='.length);
const path = `/bench/browser/index.html${shapes ? `?shapes=${encodeURIComponent(shapes)}` : ''}`;
const result = await withPage(path, async (page) => {
  await page.waitForFunction(() => window.__bench !== undefined, { timeout: 1_800_000, polling: 1000 });
  return page.evaluate(() => window.__bench);
});
if (result.error) {
  console.error(`browser benchmark failed: ${result.error}`);
  process.exit(1);
}
const rows = result.engine.map(
  (m) => `| ${m.name} | ${m.value.toFixed(1)} (${m.range.map((v) => v.toFixed(1)).join('–')}) | ${m.gflops.toFixed(2)} | ${(100 * m.shareOfPeak).toFixed(1)}% |`,
);
console.log(
  [
    `Browser: ${result.userAgent}`,
    `Adapter: ${result.adapter}; FMA peak ${result.peak.gflops.toFixed(2)} GFLOP/s.`,
    '',
    '| case | webgpu-rnn ms (min–max) | GFLOP/s | share of FMA peak |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n'),
);
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/browser.json', JSON.stringify(result, null, 2));
process.exit(0);
