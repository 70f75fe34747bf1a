import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OptionError, parseTrainOptions } from '../../src/cli/options.js';
import { CHECKPOINT_FORMAT, checkRunCheckpointJson, type RunCheckpointJson } from '../../src/cli/run-checkpoint.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the command line from source with these arguments. */
function cli(...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'node_modules/vite-node/dist/cli.mjs'), join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
}

describe('train options: runs never share a checkpoint directory by default', () => {
  it('gives each corpus and each text file (by name) its own directory', () => {
    const dirs = [[], ['--data', 'names'], ['--data', 'books/my-book.txt'], ['--data', 'other.txt'], ['--data', 'names.txt'], ['--data', 'moby-dick.txt']].map((argv) => parseTrainOptions(argv).checkpointDir);
    expect(dirs).toEqual(['checkpoints/moby-dick', 'checkpoints/names', 'checkpoints/my-book', 'checkpoints/other', 'checkpoints/text-names', 'checkpoints/text-moby-dick']);
  });

  it('writes a resumed run beside the checkpoint it resumes, unless --checkpoint-dir says otherwise', () => {
    expect(parseTrainOptions(['--resume', 'checkpoints/names']).checkpointDir).toBe('checkpoints/names');
    expect(parseTrainOptions(['--resume', 'checkpoints/names/']).checkpointDir).toBe('checkpoints/names');
    expect(parseTrainOptions(['--resume', 'runs/a/step-000020.json']).checkpointDir).toBe('runs/a');
    expect(parseTrainOptions(['--resume', 'step-000020.json']).checkpointDir).toBe('.');
    expect(parseTrainOptions(['--resume', 'checkpoints/names', '--checkpoint-dir', 'elsewhere']).checkpointDir).toBe('elsewhere');
    expect(() => parseTrainOptions(['--resume', ''])).toThrow('--resume: expected a checkpoint directory or step-<n>.json file, got an empty string');
  });
});

describe('train options inside the recurrent cell', () => {
  it('parses --layer-norm (in-cell), --output-norm, --heads, --zoneout and --recurrent-dropout', () => {
    const defaults = parseTrainOptions([]);
    expect(defaults).toMatchObject({ layerNorm: false, outputNorm: false, heads: 1, zoneout: { hidden: 0, cell: 0 }, recurrentDropout: 0, recurrentDropoutPerSequence: false });
    expect(parseTrainOptions(['--layer-norm'])).toMatchObject({ layerNorm: true, outputNorm: false });
    expect(parseTrainOptions(['--output-norm'])).toMatchObject({ layerNorm: false, outputNorm: true });
    expect(parseTrainOptions(['--heads', '4']).heads).toBe(4);
    expect(parseTrainOptions(['--hidden', '96', '--heads', '96']).heads).toBe(96);
    // One rate: on h and, for an LSTM, on c too; two: h and c apart. A GRU has no c.
    expect(parseTrainOptions(['--zoneout', '0.1']).zoneout).toEqual({ hidden: 0.1, cell: 0.1 });
    expect(parseTrainOptions(['--zoneout', '0.05,0.5']).zoneout).toEqual({ hidden: 0.05, cell: 0.5 });
    expect(parseTrainOptions(['--cell', 'gru', '--zoneout', '0.1']).zoneout).toEqual({ hidden: 0.1, cell: 0 });
    expect(parseTrainOptions(['--cell', 'gru', '--zoneout', '0.1,0']).zoneout).toEqual({ hidden: 0.1, cell: 0 });
    expect(parseTrainOptions(['--recurrent-dropout', '0.25'])).toMatchObject({ recurrentDropout: 0.25, recurrentDropoutPerSequence: false });
    expect(parseTrainOptions(['--cell', 'gru', '--recurrent-dropout', '0.25', '--recurrent-dropout-per-sequence'])).toMatchObject({ recurrentDropout: 0.25, recurrentDropoutPerSequence: true });
  });

  it('names a bad value, what it expects and what it got', () => {
    const bad: [string[], string][] = [
      [['--heads', '3'], '--heads: expected a divisor of --hidden 128 (1, 2, 4, 8, 16, 32, 64, 128), got "3"'],
      [['--hidden', '12', '--heads', '5'], '--heads: expected a divisor of --hidden 12 (1, 2, 3, 4, 6, 12), got "5"'],
      [['--heads', '0'], '--heads: expected an integer in [1, 128], got "0"'],
      [['--heads', '256'], '--heads: expected an integer in [1, 128], got "256"'],
      [['--heads', 'two'], '--heads: expected an integer in [1, 128], got "two"'],
      [['--zoneout', '1'], '--zoneout: expected a rate P in [0, 1) for h and c, or H,C: a rate for h and one for c, got "1"'],
      [['--zoneout=-0.1'], '--zoneout: expected a rate P in [0, 1) for h and c, or H,C: a rate for h and one for c, got "-0.1"'],
      [['--zoneout', '0.1,'], '--zoneout: expected a rate P in [0, 1) for h and c, or H,C: a rate for h and one for c, got "0.1,"'],
      [['--zoneout', '0.1,0.2,0.3'], '--zoneout: expected a rate P in [0, 1) for h and c, or H,C: a rate for h and one for c, got "0.1,0.2,0.3"'],
      [['--cell', 'gru', '--zoneout', 'high'], '--zoneout: expected a rate P in [0, 1) for h, got "high"'],
      [['--cell', 'gru', '--zoneout', '0.1,0.2'], '--zoneout: expected one rate, for h, with --cell gru (it has no cell state c), got "0.1,0.2"'],
      [['--recurrent-dropout', '1'], '--recurrent-dropout: expected a number in [0, 1), got "1"'],
      [['--recurrent-dropout', ''], '--recurrent-dropout: expected a number in [0, 1), got ""'],
      [['--recurrent-dropout-per-sequence'], '--recurrent-dropout-per-sequence: expected with --recurrent-dropout P (a rate above 0), got no recurrent dropout'],
      [['--layer-norm=yes'], "train: Option '--layer-norm' does not take an argument"],
    ];
    for (const [argv, message] of bad) expect(() => parseTrainOptions(argv), argv.join(' ')).toThrow(message);
    for (const [argv] of bad) expect(() => parseTrainOptions(argv)).toThrow(OptionError);
  });

  it('bad values exit 2 with the message, before any GPU work', () => {
    for (const [args, message] of [
      [['--heads', '3'], 'error: --heads: expected a divisor of --hidden 128'],
      [['--cell', 'gru', '--zoneout', '0.1,0.2'], 'error: --zoneout: expected one rate, for h, with --cell gru'],
      [['--recurrent-dropout', '2'], 'error: --recurrent-dropout: expected a number in [0, 1), got "2"'],
    ] as const) {
      const run = cli('train', ...args);
      expect(run.status, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).not.toContain('    at ');
      expect(run.stdout).not.toContain('adapter:');
    }
  });

  /** A run checkpoint's JSON as train writes it, with these options, through JSON text. */
  function runJson(options: object): RunCheckpointJson {
    return JSON.parse(JSON.stringify({
      format: CHECKPOINT_FORMAT, step: 0, options, model: {}, vocabulary: ['a'], corpus: { name: 'names', primer: '\n' }, tensors: 'step-000000.safetensors',
      history: { losses: [], validation: [], unigramBitsPerCharacter: 4 }, dropoutCalls: 3, carriedState: false,
    })) as RunCheckpointJson;
  }

  it('a resumed run keeps them: the checkpoint JSON goes through the same parser', () => {
    for (const argv of [
      ['--layer-norm', '--heads', '4', '--zoneout', '0.05,0.5', '--recurrent-dropout', '0.2', '--recurrent-dropout-per-sequence'],
      ['--cell', 'gru', '--output-norm', '--zoneout', '0.1', '--recurrent-dropout', '0.3', '--heads', '2', '--hidden', '16'],
      ['--zoneout', '0.15'],
    ]) {
      const options = parseTrainOptions(argv);
      const checked = checkRunCheckpointJson(runJson({ ...options, resume: null }), 'step-000000.json');
      expect(checked.options, argv.join(' ')).toEqual({ ...options, resume: null });
    }
  });

  it('a checkpoint of these options that does not parse is named by file and option', () => {
    const options = parseTrainOptions(['--hidden', '16']);
    const check = (changes: object) => () => checkRunCheckpointJson(runJson({ ...options, ...changes }), 'c.json');
    expect(check({ heads: 3 })).toThrow('c.json: options: --heads: expected a divisor of --hidden 16 (1, 2, 4, 8, 16), got "3"');
    expect(check({ zoneout: { hidden: 0.1, cell: 1 } })).toThrow('c.json: options: --zoneout: expected a rate P in [0, 1) for h and c, or H,C: a rate for h and one for c, got "0.1,1"');
    expect(check({ zoneout: { hidden: 'x' } })).toThrow('c.json: options.zoneout: expected a number or { hidden, cell } of numbers, got {"hidden":"x"}');
    expect(check({ recurrentDropout: 0, recurrentDropoutPerSequence: true })).toThrow('c.json: options: --recurrent-dropout-per-sequence: expected with --recurrent-dropout P');
    // A bare number (as a hand-edited file might hold) is --zoneout P.
    expect(check({ zoneout: 0.2 })().options.zoneout).toEqual({ hidden: 0.2, cell: 0.2 });
  });

  it("an older run's layerNorm (the norm before the output layer) resumes as --output-norm", () => {
    // As train wrote them before --output-norm: no outputNorm, no options inside the cell.
    const older: Record<string, unknown> = { ...parseTrainOptions(['--data', 'names']) };
    for (const key of ['outputNorm', 'heads', 'zoneout', 'recurrentDropout', 'recurrentDropoutPerSequence']) delete older[key];
    for (const layerNorm of [true, false]) {
      const checked = checkRunCheckpointJson(runJson({ ...older, layerNorm, resume: null }), 'old.json');
      expect(checked.options).toMatchObject({ outputNorm: layerNorm, layerNorm: false, heads: 1, zoneout: { hidden: 0, cell: 0 }, recurrentDropout: 0, recurrentDropoutPerSequence: false });
    }
    // A file with outputNorm is today's: its layerNorm is the in-cell one.
    expect(checkRunCheckpointJson(runJson({ ...older, layerNorm: true, outputNorm: false, resume: null }), 'new.json').options).toMatchObject({ outputNorm: false, layerNorm: true });
  });
});
