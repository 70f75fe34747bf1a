/**
 * The safetensors decoder under seeded mutations, at any count (the test suite runs a few
 * thousand): npx vite-node bench/fuzz-safetensors.ts -- --count 10000 --seed 1
 * Exits 1 if any file raised a raw exception, was accepted with bad offsets, or misbehaved.
 */
import { runFuzz } from '../test/io/safetensors-mutations.js';

const option = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const text = i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name}: expected a non-negative integer, got ${text}`);
  return value;
};
const count = option('count', 10_000);
const seed = option('seed', 1);
const start = performance.now();
const tally = runFuzz(seed, count);
const seconds = (performance.now() - start) / 1000;
console.log(`seed ${seed}: ${tally.files} files in ${seconds.toFixed(1)} s`);
console.log(`  accepted                      ${tally.accepted}`);
console.log(`  rejected with SafetensorsError ${tally.rejected}`);
console.log(`  raw exceptions                ${tally.raw}`);
console.log(`  accepted with bad offsets     ${tally.badOffsets}`);
console.log(`  other problems                ${tally.problems.length}${tally.problems.length === 20 ? '+' : ''}`);
console.log(`  first mutation: ${[...tally.kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
for (const problem of tally.problems) console.log(`  ! ${problem}`);
process.exit(tally.raw || tally.badOffsets || tally.problems.length ? 1 : 0);
