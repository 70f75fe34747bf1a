/**
 * `webgpu-rnn analyze` on a tiny names model trained here (two layers of 16 units, 3
 * steps): the command line writes analysis.html beside the checkpoint with one heatmap
 * span per character analysed, a gradient-flow chart with a line per layer for the
 * trained and the initial model, and prints the best units with r and chance; --svg adds
 * the chart and the heatmaps as SVG files. Bad flags, a missing checkpoint and a text the
 * vocabulary cannot read fail before any GPU work, naming the flag, and write nothing.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrainOptions } from '../../src/cli/options.js';
import { train } from '../../src/cli/trainer.js';
import { ANALYZE_DEFAULTS, ANALYZE_OPTION_NAMES, parseAnalyzeOptions } from '../../src/cli/analyze-options.js';
import { prepareAnalysis } from '../../src/cli/analyze.js';
import { usage } from '../../src/cli/help.js';
import { useRuntime } from '../helpers.js';
import { findAll, parseMarkup, type Element } from '../report/markup.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cwd = mkdtempSync(join(tmpdir(), 'webgpu-rnn-analyze-'));
const run = join(cwd, 'names');
const SMALL = ['--layers', '2', '--hidden', '16', '--embedding', '8', '--batch', '4', '--seq-length', '8', '--eval-every', '1000', '--eval-windows', '1', '--sample-every', '1000', '--checkpoint-every', '1000'];
const CHARS = 300;
const UNITS = 3;

function cli(...args: string[]) {
  // vite-node serves this checkout's files (shaders included) only when it is the root.
  return spawnSync(process.execPath, [join(root, 'node_modules/vite-node/dist/cli.mjs'), '--root', root, join(root, 'src/cli/main.ts'), ...args], { cwd, encoding: 'utf8', timeout: 90_000 });
}

const listing = () => readdirSync(run).sort();
/** The OptionError message prepareAnalysis throws for these arguments. */
async function failure(...args: string[]): Promise<string> {
  try {
    await prepareAnalysis(parseAnalyzeOptions(args));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`analyze ${args.join(' ')} did not fail`);
}

describe('webgpu-rnn analyze', () => {
  const runtime = useRuntime();
  beforeAll(async () => {
    await train(runtime(), parseTrainOptions(['--data', 'names', '--steps', '3', ...SMALL, '--checkpoint-dir', run]));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('writes the report beside the checkpoint, prints the best units, and with --svg the SVG files', () => {
    const before = listing();
    const done = cli('analyze', '--checkpoint', 'names', '--chars', String(CHARS), '--units', String(UNITS), '--steps-back', '40', '--svg');
    expect(done.status, done.stderr).toBe(0);
    const lines = done.stdout.trim().split('\n');
    const units = lines.filter((line) => line.startsWith('layer '));
    expect(units).toHaveLength(UNITS);
    for (const line of units) expect(line).toMatch(/^layer [01] (h|tanh\(c\)) unit \d+: [a-z ]+ r=-?\d\.\d\d \(chance \d\.\d\d\)$/);
    expect(lines).toContain(`text: ${CHARS} characters of the validation text of names (its last 10%)`);
    expect(lines.filter((line) => /^gradient flow, layer [01]: .* trained \d\.\de-?\d+, initial \d\.\de-?\d+$/.test(line))).toHaveLength(2);
    const svgs = [1, 2, 3].map((k) => `analysis-unit-${k}.svg`);
    expect(listing()).toEqual([...before, 'analysis-gradient-flow.svg', ...svgs, 'analysis.html'].sort());
    expect(lines.at(-2)).toBe(`report: ${join('names', 'analysis.html')}`);

    const html = parseMarkup(readFileSync(join(run, 'analysis.html'), 'utf8'), { html: true });
    const heatmaps = findAll(html, (e) => e.attributes.class === 'heatmap-text');
    expect(heatmaps).toHaveLength(UNITS);
    for (const heatmap of heatmaps) expect(heatmap.children.filter((c): c is Element => typeof c !== 'string' && c.name === 'span')).toHaveLength(CHARS);
    // One line per layer for the trained model and one for the initial, 41 points each (0 … 40 steps back).
    const flow = findAll(html, (e) => e.name === 'path' && /^(trained|initial), layer/.test(e.attributes['data-series'] ?? ''));
    expect(flow.map((p) => p.attributes['data-series'])).toEqual(['trained, layer 0', 'initial, layer 0', 'trained, layer 1', 'initial, layer 1']);
    for (const path of flow) expect(Number(path.attributes['data-points'])).toBeGreaterThan(1);
    expect(findAll(html, (e) => e.attributes['data-series'] === 'train')).toHaveLength(1);

    const chart = parseMarkup(readFileSync(join(run, 'analysis-gradient-flow.svg'), 'utf8'));
    expect(findAll(chart, (e) => e.name === 'path' && 'data-series' in e.attributes)).toHaveLength(4);
    for (const svg of svgs) expect(findAll(parseMarkup(readFileSync(join(run, svg), 'utf8')), (e) => e.name === 'rect' && 'data-value' in e.attributes)).toHaveLength(CHARS);
  });

  it('fails before any GPU work, naming the flag, and writes nothing', async () => {
    const before = listing();
    expect(await failure('--checkpoint', join(cwd, 'nowhere'))).toMatch(/^--checkpoint .*nowhere: expected a checkpoint directory or step-<n>\.json file, got .*which does not exist$/);
    expect(await failure('--checkpoint', run, '--chars', '0')).toBe('--chars: expected an integer in [1, 20000], got "0"');
    expect(await failure('--checkpoint', run, '--colour')).toMatch(/^analyze: Unknown option '--colour'/);
    expect(await failure('--chars', '10')).toBe('analyze: --checkpoint <directory> is required (a directory written by train)');
    expect(await failure('--checkpoint', run, '--chars', '50')).toBe('--steps-back: expected at most 48 for an analysis text of 50 characters (or a longer text), got 100');
    expect(await failure('--checkpoint', run, '--text', join(cwd, 'missing.txt'))).toMatch(/^--text .*missing\.txt: expected a readable UTF-8 text file, got no such file$/);
    expect(await failure('--checkpoint', run, '--out', join(cwd, 'no-such-dir', 'report.html'))).toMatch(/^--out .*report\.html: expected a file in an existing directory this user can write, got ENOENT/);
    // A checkpoint whose weights file was cut short.
    const cut = join(cwd, 'cut');
    mkdirSync(cut);
    copyFileSync(join(run, 'latest.json'), join(cut, 'latest.json'));
    writeFileSync(join(cut, 'step-000003.safetensors'), readFileSync(join(run, 'step-000003.safetensors')).subarray(0, 5));
    expect(await failure('--checkpoint', cut)).toBe('--checkpoint ' + cut + ': step-000003.safetensors: bytes: expected a safetensors file (at least 8 bytes), got 5 bytes');
    expect(readdirSync(cut).sort()).toEqual(['latest.json', 'step-000003.safetensors']);
    rmSync(cut, { recursive: true });
    expect(listing()).toEqual(before);

    // Through the command line: exit 2 and one line on stderr, no stack trace.
    const missing = cli('analyze', '--checkpoint', 'nowhere', '--svg');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^error: --checkpoint nowhere: expected a checkpoint directory or step-<n>\.json file, got "nowhere", which does not exist\n$/);
    expect(existsSync(join(cwd, 'nowhere'))).toBe(false);
    expect(readdirSync(cwd).sort()).toEqual(['names']);
  });

  it('--text skips the characters the vocabulary lacks, with a note naming them', async () => {
    const file = join(cwd, 'text.txt');
    writeFileSync(file, 'Ann\nZoë\nBob\n€€\n');
    try {
      const prepared = await prepareAnalysis(parseAnalyzeOptions(['--checkpoint', run, '--text', file, '--steps-back', '2', '--out', join(cwd, 'report.html')]));
      expect(prepared.text.text).toBe('Ann\nZo\nBob\n\n');
      expect(prepared.text.notes).toEqual(['skipped 3 characters the model\'s vocabulary lacks: "ë" ×1, "€" ×2', `--text ${file} holds 12 usable characters, fewer than --chars 2000: all of them are analysed`]);
      expect(await failure('--checkpoint', run, '--text', file, '--chars', '5')).toBe('--steps-back: expected at most 3 for an analysis text of 5 characters (or a longer text), got 100');
    } finally {
      rmSync(file);
    }
  });

  it('help analyze lists every option with its default', () => {
    const text = usage('analyze');
    for (const option of ANALYZE_OPTION_NAMES) expect(text, option).toMatch(new RegExp(`--${option}\\b`));
    expect(text).toMatch(new RegExp(`--chars N .*\\(default ${ANALYZE_DEFAULTS.chars}\\)`));
    expect(text).toMatch(new RegExp(`--steps-back N .*\\(default ${ANALYZE_DEFAULTS['steps-back']}\\)`));
    expect(usage()).toMatch(/^ {2}analyze {5}report what a checkpoint's model learned/m);
  });
});
