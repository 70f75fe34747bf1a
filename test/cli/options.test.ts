import { describe, expect, it } from 'vitest';
import { parseTrainOptions } from '../../src/cli/options.js';

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
