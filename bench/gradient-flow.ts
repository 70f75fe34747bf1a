/**
 * Vanishing and exploding gradients with this engine's numbers: for each of the lectures'
 * cells (Elman tanh, Elman relu with identity init, LSTM, GRU, all H = 64), ‖∂L/∂h_t‖ back
 * through time for the loss of the last character of Moby Dick windows, at initialisation
 * and after training with and without gradient clipping (src/analysis/gradient-flow.ts).
 * Prints the fraction of the last step's gradient norm left k steps back.
 *   npx vite-node bench/gradient-flow.ts [-- --train=100 --steps=64 --hidden=64]
 */
import { createRuntime, CharVocabulary, TEXTBOOK_CELLS, gradientFlow, survivingFraction } from '../src/index.js';
import { mobyDick } from '../src/cli/corpora.js';

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const trainSteps = Number(arg('train') ?? 100);
const steps = Number(arg('steps') ?? 64);
const hiddenSize = Number(arg('hidden') ?? 64);
const BACK = [1, 5, 10, 25, steps - 1];

const text = mobyDick().text.slice(0, 400_000);
const vocabulary = CharVocabulary.fromText(text);
const ids = Int32Array.from(vocabulary.encode(text));
const runtime = await createRuntime();
const header = `| cell | clip | when | ${BACK.map((k) => `${k} back`).join(' | ')} | loss (bits/char) |`;
console.log(`H = ${hiddenSize}, ${steps} steps back, ${trainSteps} training steps (Adam 0.01, batch 8, window ${steps}) on ${runtime.adapter.description || runtime.adapter.vendor}\n`);
console.log(header);
console.log(header.replace(/[^|]+/g, ' --- '));
for (const clip of [1, null]) {
  for (const cell of TEXTBOOK_CELLS) {
    const started = performance.now();
    const result = await gradientFlow(runtime, ids, vocabulary.size, cell, { hiddenSize, steps, trainSteps, clip });
    const fractions = (norms: Float64Array) => BACK.map((k) => survivingFraction(norms, k).toExponential(1)).join(' | ');
    const late = result.losses.slice(-10);
    const loss = late.reduce((a, b) => a + b, 0) / Math.max(1, late.length);
    console.log(`| ${cell.label} | ${clip ?? 'none'} | init | ${fractions(result.initial)} | ${result.losses[0]?.toFixed(2) ?? ''} |`);
    console.log(`| ${cell.label} | ${clip ?? 'none'} | trained | ${fractions(result.trained)} | ${loss.toFixed(2)} (${((performance.now() - started) / 1000).toFixed(0)} s) |`);
  }
}
runtime.destroy();
process.exit(0);
