import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { usage } from '../../src/cli/help.js';
import { SAMPLE_OPTION_NAMES, TRAIN_OPTION_NAMES, parseSampleOptions, parseTrainOptions } from '../../src/cli/options.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the command line from source with these arguments. */
function cli(...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'node_modules/vite-node/dist/cli.mjs'), join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
}

describe('command-line help', () => {
  it("lists every train option with the default the parser uses (and names' own where it differs)", () => {
    const text = usage('train');
    const prose = parseTrainOptions([]);
    const names = parseTrainOptions(['--data', 'names']);
    for (const option of TRAIN_OPTION_NAMES) expect(text, option).toMatch(new RegExp(`--${option}\\b`));
    expect(text).toMatch(/--hidden N .*\(default 128\)/);
    expect(text).toContain(`(default ${prose.steps}; ${names.steps} with --data names)`);
    const file = parseTrainOptions(['--data', 'NAME.txt']);
    expect(text).toContain(`(default ${prose.checkpointDir}; ${names.checkpointDir} with --data names; ${file.checkpointDir} with --data NAME.txt)`);
    expect(text).toMatch(/--layer-norm .*inside the recurrent cell.*\(default off\)/);
    expect(text).toMatch(/--output-norm .*before the output layer.*\(default off\)/);
    expect(text).toMatch(/--zoneout P\|H,C .*\(default 0\)/);
    expect(text).toMatch(/--heads N .*\(default 1\)/);
  });

  it('lists every sample option with the default the parser uses', () => {
    const text = usage('sample');
    const parsed = parseSampleOptions(['--checkpoint', 'x']);
    for (const option of SAMPLE_OPTION_NAMES) expect(text, option).toMatch(new RegExp(`--${option}\\b`));
    expect(text).toMatch(new RegExp(`--length N .*\\(default ${parsed.length}\\)`));
    expect(text).toMatch(new RegExp(`--temperature X .*\\(default ${parsed.temperature}\\)`));
  });

  it('a bare invocation, -h, --help and help print usage and exit 0 without starting a run', () => {
    for (const args of [[], ['-h'], ['--help'], ['help']]) {
      const run = cli(...args);
      expect(run.status, `${args.join(' ')}: ${run.stderr}`).toBe(0);
      expect(run.stdout).toContain('usage: webgpu-rnn <command>');
      expect(run.stdout).not.toContain('corpus:');
    }
    const train = cli('train', '--help');
    expect(train.status).toBe(0);
    expect(train.stdout).toContain('usage: webgpu-rnn train');
    expect(train.stdout).toContain('--seq-length T');
  });
});
