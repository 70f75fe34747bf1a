/**
 * The trainer under failure: a GPU device lost mid-run is replaced and the run continues
 * from its latest in-memory snapshot with the losses of an unbroken run; steps with
 * non-finite losses are skipped and, in a row, stop the run without a NaN checkpoint;
 * half-written files of a killed run are removed.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, decodeSafetensors, type Runtime } from '../../src/index.js';
import { trainDefaults, type TrainOptions } from '../../src/cli/options.js';
import { TrainingStoppedError, train } from '../../src/cli/trainer.js';
import { checkDeviceFits } from '../../src/cli/training-session.js';
import { useRuntime } from '../helpers.js';

const TEXT = Array.from({ length: 60 }, (_, i) => `the quick brown fox ${i % 7} jumps over the lazy dog; a whale, a ship.\n`).join('');

function options(dir: string, changes: Partial<TrainOptions> = {}): TrainOptions {
  return {
    ...trainDefaults(join(dir, 'text.txt')),
    hidden: 16, embedding: 8, batch: 4, seqLength: 8, steps: 12, lr: 0.01, dropout: 0,
    validation: 0.1, evalEvery: 5, evalWindows: 1, sampleEvery: 1000, sampleLength: 10,
    checkpointDir: join(dir, 'checkpoints'), checkpointEvery: 100, snapshotEvery: 4,
    ...changes,
  };
}

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trainer-'));
  writeFileSync(join(dir, 'text.txt'), TEXT);
  return dir;
}

describe('the trainer under failure', () => {
  const runtime = useRuntime();

  it('a device lost mid-run is replaced; the run resumes from its last snapshot and its losses equal an unbroken run', async () => {
    const dir = scratch();
    const unbroken = await train(runtime(), options(dir, { checkpointDir: join(dir, 'unbroken') }));
    const own = await createRuntime();
    const runtimes: Runtime[] = [own];
    const recovered: { lostAtStep: number; resumedAtStep: number; reason: string }[] = [];
    const result = await train(own, options(dir), {
      // As a driver reset would, between step 7 and step 8 (after the step-4 snapshot).
      onStep: ({ step }) => step === 7 && recovered.length === 0 && runtimes[0]!.device.destroy(),
      replaceRuntime: async (lost) => {
        expect(lost.isLost).toBe(true);
        lost.destroy();
        runtimes.push(await createRuntime());
        return runtimes.at(-1)!;
      },
      onRecovered: (info) => recovered.push(info),
    });
    expect(recovered).toHaveLength(1);
    expect(recovered[0]!.resumedAtStep).toBe(4);
    expect(recovered[0]!.lostAtStep).toBeGreaterThanOrEqual(7);
    expect(recovered[0]!.reason).toMatch(/the GPU device was lost \(reason "destroyed"/);
    expect(result.recoveries).toBe(1);
    expect(result.history.losses).toEqual(unbroken.history.losses);
    expect(result.history.validation).toEqual(unbroken.history.validation);
    // The loss log holds every step once, as the unbroken run's.
    const logged = (run: string) => readFileSync(join(dir, run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { step: number; kind: string });
    expect(logged('checkpoints').map((e) => [e.step, e.kind])).toEqual(logged('unbroken').map((e) => [e.step, e.kind]));
    for (const rt of runtimes) rt.destroy();
    rmSync(dir, { recursive: true });
  });

  it('without a way to replace the device, the loss is reported as a DeviceLostError', async () => {
    const dir = scratch();
    const own = await createRuntime();
    await expect(train(own, options(dir), { onStep: ({ step }) => step === 2 && own.device.destroy() })).rejects.toThrow(/the GPU device was lost/);
    own.destroy();
    rmSync(dir, { recursive: true });
  });

  it('non-finite steps are skipped without an update, and enough in a row stop the run; no checkpoint holds NaN', async () => {
    const dir = scratch();
    // A learning rate this large sends the weights to ±1e38 in one step, and the next loss overflows.
    const run = train(runtime(), options(dir, { lr: 1e38, maxNonFinite: 3, checkpointEvery: 1 }));
    await expect(run).rejects.toThrow(TrainingStoppedError);
    await expect(run).rejects.toThrow(/NaN or infinite for 3 steps in a row \(steps 2–4; each was skipped, so the weights are those after step 1\)/);
    const files = readdirSync(join(dir, 'checkpoints')).filter((name) => name.endsWith('.safetensors')).sort();
    expect(files).toEqual(['step-000001.safetensors', 'step-000002.safetensors', 'step-000003.safetensors']);
    const tensors = files.map((name) => decodeSafetensors(new Uint8Array(readFileSync(join(dir, 'checkpoints', name)))).tensors);
    for (const dict of tensors) for (const [name, { data }] of Object.entries(dict)) expect(Array.from(data).every(Number.isFinite), name).toBe(true);
    // Skipped steps change neither the weights nor Adam's state.
    expect(tensors[2]).toEqual(tensors[1]);
    const losses = readFileSync(join(dir, 'checkpoints', 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { kind: string; loss_nats?: number | null }).filter((e) => e.kind === 'train');
    expect(losses.map((e) => e.loss_nats === null)).toEqual([false, true, true, true]);
    rmSync(dir, { recursive: true });
  });

  it('removes the .partial files a killed run left in its directory', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'checkpoints'));
    writeFileSync(join(dir, 'checkpoints', 'step-000004.safetensors.partial'), 'half a file');
    writeFileSync(join(dir, 'checkpoints', 'latest.json.partial'), '{"step": ');
    await train(runtime(), options(dir, { steps: 2 }));
    expect(readdirSync(join(dir, 'checkpoints')).filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect(existsSync(join(dir, 'checkpoints', 'step-000002.json'))).toBe(true);
    rmSync(dir, { recursive: true });
  });

  it('a resumed checkpoint JSON is checked field by field, naming the file and field, before any work', async () => {
    const dir = scratch();
    await train(runtime(), options(dir, { steps: 2 }));
    const file = join(dir, 'checkpoints', 'latest.json');
    const good = readFileSync(file, 'utf8');
    const resume = (edit: (json: Record<string, any>) => void) => {
      const json = JSON.parse(good) as Record<string, any>;
      edit(json);
      writeFileSync(file, JSON.stringify(json));
      return train(runtime(), options(dir, { steps: 4, resume: join(dir, 'checkpoints') }));
    };
    await expect(resume((j) => (j.options.layers = 'two'))).rejects.toThrow(`${file}: options: --layers: expected an integer in [1, 8], got "two"`);
    await expect(resume((j) => (j.options.hidden = { a: 1 }))).rejects.toThrow(`${file}: options.hidden: expected a number, string or boolean, got {"a":1}`);
    await expect(resume((j) => (j.tensors = '../elsewhere.safetensors'))).rejects.toThrow(`${file}.tensors: expected the name of a .safetensors file beside it (no directories)`);
    await expect(resume((j) => (j.step = -1))).rejects.toThrow(`${file}.step: expected a non-negative integer, got -1`);
    await expect(resume((j) => j.history.losses.pop())).rejects.toThrow(`${file}: history.losses: expected 2 losses (one per step)`);
    await expect(resume((j) => (j.carriedState = 'yes'))).rejects.toThrow(`${file}: carriedState: expected true or false, got "yes"`);
    // Nothing was written by the rejected runs: the directory still ends at step 2.
    expect(JSON.parse(readFileSync(join(dir, 'checkpoints', 'step-000002.json'), 'utf8')).step).toBe(2);
    expect(readdirSync(join(dir, 'checkpoints')).filter((name) => name.startsWith('step-'))).toEqual(['step-000002.json', 'step-000002.safetensors']);
    rmSync(dir, { recursive: true });
  });

  it('an unwritable checkpoint directory and a model past the device limits fail before any step', async () => {
    const dir = scratch();
    const steps: number[] = [];
    await expect(train(runtime(), options(dir, { checkpointDir: join(dir, 'text.txt', 'runs') }), { onStep: ({ step }) => steps.push(step) })).rejects.toThrow(/--checkpoint-dir .*text.txt.runs: expected a directory this user can write, got ENOTDIR/);
    expect(steps).toEqual([]);
    const small = { limits: { maxStorageBufferBindingSize: 1 << 20, maxBufferSize: 1 << 30 } } as Runtime;
    expect(() => checkDeviceFits(small, options(dir, { batch: 64, seqLength: 64 }), 100)).toThrow('--batch or --seq-length: the logits [seq-length · batch, vocabulary] would take 1,638,400 bytes, more than this device\'s buffer limit of 1,048,576 bytes');
    expect(() => checkDeviceFits(small, options(dir, { hidden: 300 }), 100)).toThrow(/--hidden: a recurrent weight matrix/);
    expect(() => checkDeviceFits(small, options(dir), 100)).not.toThrow();
    rmSync(dir, { recursive: true });
  });
});

describe('a run with options inside the recurrent cell', () => {
  const runtime = useRuntime();

  it('keeps heads, zoneout and recurrent dropout on resume, and its masks continue exactly', async () => {
    const dir = scratch();
    const cellOptions: Partial<TrainOptions> = { heads: 2, zoneout: { hidden: 0.1, cell: 0.2 }, recurrentDropout: 0.2, recurrentDropoutPerSequence: true, outputNorm: true, steps: 4, evalEvery: 100 };
    const unbroken = await train(runtime(), options(dir, { ...cellOptions, checkpointDir: join(dir, 'unbroken') }));
    const stop = new AbortController();
    await train(runtime(), options(dir, cellOptions), { signal: stop.signal, onStep: ({ step }) => step === 2 && stop.abort() });
    const written = JSON.parse(readFileSync(join(dir, 'checkpoints', 'latest.json'), 'utf8')) as { step: number; dropoutCalls: number; options: TrainOptions; model: Record<string, unknown> };
    expect(written.step).toBe(2);
    expect(written.dropoutCalls).toBe(2);
    expect(written.options).toMatchObject({ heads: 2, zoneout: { hidden: 0.1, cell: 0.2 }, recurrentDropout: 0.2, recurrentDropoutPerSequence: true, outputNorm: true, layerNorm: false });
    expect(written.model).toMatchObject({ heads: 2, zoneout: { hidden: 0.1, cell: 0.2 }, recurrentDropout: { p: 0.2, perSequence: true }, outputNorm: true, layerNorm: false });
    // The command line of the resumed run asks for none of them: they come from the checkpoint.
    let resumedOptions: TrainOptions | null = null;
    const resumed = await train(runtime(), options(dir, { steps: 4, evalEvery: 100, resume: join(dir, 'checkpoints') }), { onStart: ({ options: o }) => (resumedOptions = o) });
    expect(resumedOptions).toMatchObject({ heads: 2, zoneout: { hidden: 0.1, cell: 0.2 }, recurrentDropout: 0.2, recurrentDropoutPerSequence: true, outputNorm: true });
    expect(resumed.history.losses).toEqual(unbroken.history.losses);
    rmSync(dir, { recursive: true });
  });
});
