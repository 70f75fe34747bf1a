/**
 * Training runs through the command line, in a scratch working directory: runs of
 * different corpora never touch each other's checkpoints, and Ctrl-C (SIGINT) leaves a
 * checkpoint from which the run continues exactly as if never stopped.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cwd = mkdtempSync(join(tmpdir(), 'webgpu-rnn-runs-'));
// vite-node serves this checkout's files (shaders included) only when it is the root.
const command = [join(root, 'node_modules/vite-node/dist/cli.mjs'), '--root', root, join(root, 'src/cli/main.ts')];
/** A model small enough that a step takes milliseconds. */
const SMALL = ['--hidden', '16', '--embedding', '8', '--batch', '4', '--seq-length', '8', '--eval-every', '1000', '--eval-windows', '1', '--sample-every', '1000', '--checkpoint-every', '1000'];

function cli(...args: string[]) {
  const run = spawnSync(process.execPath, [...command, ...args], { cwd, encoding: 'utf8', timeout: 90_000 });
  if (run.status !== 0) throw new Error(`webgpu-rnn ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return run.stdout;
}

const latest = (dir: string) => JSON.parse(readFileSync(join(cwd, dir, 'latest.json'), 'utf8')) as { step: number; corpus: { name: string }; history: { losses: number[] } };
const listing = (dir: string) => readdirSync(join(cwd, dir)).sort().map((name) => `${name}:${readFileSync(join(cwd, dir, name), 'utf8').length}`);

afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('command-line runs', () => {
  // Another run's directory, which nothing below may touch.
  mkdirSync(join(cwd, 'checkpoints', 'moby-dick'), { recursive: true });
  writeFileSync(join(cwd, 'checkpoints', 'moby-dick', 'latest.json'), '{"a run": "of its own"}\n');
  const mobyDick = () => listing('checkpoints/moby-dick');
  const before = mobyDick();
  writeFileSync(join(cwd, 'my-book.txt'), 'It was the best of times, it was the worst of times; it was the age of wisdom. '.repeat(30));

  it('a names run and its resumption stay in checkpoints/names', () => {
    cli('train', '--data', 'names', '--steps', '3', ...SMALL);
    const resumed = cli('train', '--resume', 'checkpoints/names', '--steps', '5');
    expect(resumed).toContain('resuming checkpoints/names at step 3 of 5');
    expect(resumed).toContain('checkpoints: checkpoints/names');
    expect(latest('checkpoints/names').step).toBe(5);
    expect(latest('checkpoints/names').corpus.name).toBe('names');
    // loss.svg beside metrics.jsonl plots every logged point, the resumed run's steps and the first run's alike.
    const logged = readFileSync(join(cwd, 'checkpoints/names/metrics.jsonl'), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { kind: string }).kind);
    const svg = readFileSync(join(cwd, 'checkpoints/names/loss.svg'), 'utf8');
    const plotted = (series: string) => /d="([^"]*)"/.exec(svg.split(`data-series="${series}"`)[1]!)![1]!.match(/[ML]/g)!.length;
    expect([plotted('train'), plotted('validation')]).toEqual([5, 3]);
    expect([plotted('train'), plotted('validation')]).toEqual([logged.filter((k) => k === 'train').length, logged.filter((k) => k === 'validation').length]);
    expect(readFileSync(join(cwd, 'checkpoints/names/loss.html'), 'utf8')).toContain('<h1>webgpu-rnn train: names, step 5 of 5</h1>');
    expect(readdirSync(join(cwd, 'checkpoints/names')).filter((name) => name.endsWith('.partial'))).toEqual([]);
    const names = cli('sample', '--checkpoint', 'checkpoints/names', '--samples', '4', '--length', '12');
    const lines = names.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toMatch(/^\(\d of 4 names are not in the training list/);
    expect(mobyDick()).toEqual(before);
  });

  it("the README's loadCharModel program prints names from that run's checkpoint", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const code = /<!-- checkpoint-script -->\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code, 'a js block after <!-- checkpoint-script --> in README.md').toBeDefined();
    // Inside the checkout, so vite-node serves it; it runs in the scratch directory.
    const script = join(root, 'test', '.readme-examples', 'checkpoint-script.ts');
    mkdirSync(join(root, 'test', '.readme-examples'), { recursive: true });
    writeFileSync(script, code!.replaceAll("from 'webgpu-rnn'", "from '../../src/index.js'"));
    try {
      const run = spawnSync(process.execPath, [command[0]!, '--root', root, script], { cwd, encoding: 'utf8', timeout: 60_000 });
      expect(run.status, run.stderr).toBe(0);
      const names = JSON.parse(run.stdout.trim().replaceAll("'", '"')) as string[];
      // Up to three names: a model trained 5 steps rarely ends a line.
      expect(names.length).toBeGreaterThanOrEqual(1);
      expect(names.length).toBeLessThanOrEqual(3);
      expect(names.join('')).toMatch(/^[A-Za-z' -]*$/);
    } finally {
      rmSync(script);
    }
  });

  it('Ctrl-C checkpoints the step it stops at; resuming it matches an unbroken run; a text file keeps its own directory', async () => {
    const child = spawn(process.execPath, [...command, 'train', '--data', 'my-book.txt', '--steps', '400', ...SMALL], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // Piped, the progress line is printed every 10 steps.
      if (out.includes('step 10/400') && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, out).toBe(130);
    const stopped = latest('checkpoints/my-book');
    expect(stopped.step).toBeGreaterThanOrEqual(10);
    expect(stopped.step).toBeLessThan(400);
    expect(out).toContain(`stopped at step ${stopped.step} of 400`);
    expect(out).toContain('train --resume checkpoints/my-book --steps 400');

    const target = String(stopped.step + 3);
    cli('train', '--resume', 'checkpoints/my-book', '--steps', target);
    cli('train', '--data', 'my-book.txt', '--steps', target, ...SMALL, '--checkpoint-dir', 'unbroken');
    expect(latest('checkpoints/my-book').history.losses).toEqual(latest('unbroken').history.losses);
    expect(readdirSync(join(cwd, 'checkpoints')).sort()).toEqual(['moby-dick', 'my-book', 'names']);
    expect(mobyDick()).toEqual(before);
  });

  it('SIGTERM checkpoints like Ctrl-C; a corrupt checkpoint to resume exits 2 with a message naming file and field, and no stack trace', async () => {
    const child = spawn(process.execPath, [...command, 'train', '--data', 'my-book.txt', '--steps', '400', ...SMALL, '--checkpoint-dir', 'terminated'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('step 10/400') && !child.killed) child.kill('SIGTERM');
    });
    expect(await new Promise<number | null>((resolve) => child.on('exit', resolve)), out).toBe(130);
    expect(out).toContain('terminated: finishing this step and writing a checkpoint');
    const stopped = latest('terminated');
    expect(stopped.step).toBeGreaterThanOrEqual(10);

    const file = join(cwd, 'terminated', 'latest.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), dropoutCalls: -2 }));
    const run = spawnSync(process.execPath, [...command, 'train', '--resume', 'terminated', '--steps', '500'], { cwd, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/^error: terminated.latest\.json: dropoutCalls: expected a non-negative integer, got -2\n$/);
    expect(latest('terminated').step).toBe(stopped.step);
  });
});
