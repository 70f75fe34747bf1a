#!/usr/bin/env node
/**
 * webgpu-rnn command line.
 *   train       train a character-level language model (default: Moby Dick)
 *   sample      generate text from a checkpoint
 *   analyze     report what a checkpoint's model learned (interpretable cells, gradient flow)
 *   selfcheck   print the adapter, check GEMM, measure its GFLOP/s
 */
import { isAbsolute, relative } from 'node:path';
import { createRuntime } from '../runtime/create-runtime.js';
import { ArgumentError, DeviceLimitError, DeviceLostError, MissingPackageError } from '../errors.js';
import { selfCheck } from './selfcheck.js';
import { OptionError, parseSampleOptions, parseTrainOptions, type TrainOptions } from './options.js';
import { CorpusError } from './corpora.js';
import { Progress, formatDuration } from './progress.js';
import { TrainingStoppedError, train } from './trainer.js';
import { formatSamples, sampleFromCheckpoint } from './sample.js';
import { usage } from './help.js';
import { parseAnalyzeOptions } from './analyze-options.js';
import { analyze, prepareAnalysis } from './analyze.js';

const HELP_FLAGS = new Set(['-h', '--help']);

/** How to run this command line again: `node dist/cli.js` inside this repository, else `npx webgpu-rnn`. */
function invokedAs(): string {
  const script = relative(process.cwd(), process.argv[1] ?? '');
  return script.endsWith('cli.js') && !script.startsWith('..') && !isAbsolute(script) ? `node ${script}` : 'npx webgpu-rnn';
}

/** The model's options beyond its size, as the start of a run prints them: ' (2 heads, in-cell layer norm, …)' or ''. */
function regularisation(o: TrainOptions): string {
  const parts: string[] = [];
  if (o.heads > 1) parts.push(`${o.heads} heads`);
  if (o.layerNorm) parts.push('in-cell layer norm');
  if (o.zoneout.hidden > 0 || o.zoneout.cell > 0) parts.push(o.cell === 'lstm' ? `zoneout h ${o.zoneout.hidden} c ${o.zoneout.cell}` : `zoneout ${o.zoneout.hidden}`);
  if (o.recurrentDropout > 0) parts.push(`recurrent dropout ${o.recurrentDropout}${o.recurrentDropoutPerSequence ? ' per sequence' : ''}`);
  if (o.dropout > 0) parts.push(`dropout ${o.dropout}`);
  if (o.outputNorm) parts.push('output norm');
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

async function runTrain(argv: string[]): Promise<number> {
  const options = parseTrainOptions(argv);
  let runtime = await createRuntime();
  const progress = new Progress(process.stdout);
  const { bold } = progress.colors;
  // Ctrl-C (or SIGTERM) finishes the current step and checkpoints it; a second one quits at once.
  const interrupt = new AbortController();
  const onInterrupt = (signal: NodeJS.Signals): void => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
    progress.print(`${signal === 'SIGTERM' ? 'terminated' : 'interrupted'}: finishing this step and writing a checkpoint (Ctrl-C again quits without one)`);
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  try {
    const started = performance.now();
    let effective = options;
    const result = await train(runtime, options, {
      signal: interrupt.signal,
      // The effective options: a resumed run's come from its checkpoint.
      onStart: ({ options: o, ...info }) => {
        effective = o;
        progress.print(
          `adapter: ${runtime.adapter.description || runtime.adapter.vendor}\n` +
            `corpus: ${info.corpus}, ${info.characters.toLocaleString('en-US')} characters, vocabulary ${info.vocabulary}; ` +
            `unigram baseline ${info.unigram.toFixed(3)} bits/char (bits per character: lower is better; a uniform guess over the vocabulary is ${Math.log2(info.vocabulary).toFixed(2)})\n` +
            `model: ${o.layers}-layer ${o.cell.toUpperCase()} ${o.hidden}${regularisation(o)}, ${info.parameters.toLocaleString('en-US')} parameters; ` +
            `batch ${o.batch} × ${o.seqLength} characters, Adam lr ${o.lr}, clip ${o.clip}\n` +
            `checkpoints: ${o.checkpointDir}${o.keepBest ? ' (keeping the best as best.json)' : ''}\n` +
            bold(info.startStep > 0 ? `resuming ${o.resume} at step ${info.startStep} of ${info.steps}` : `training ${info.steps} steps`),
        );
      },
      onStep: (info) => progress.step(info),
      onValidation: (info) => progress.print(`step ${info.step}: validation ${info.bitsPerCharacter.toFixed(3)} bits/char`),
      onSample: (info) => progress.print(`--- sample at step ${info.step} ---\n${info.text}\n---`),
      onCheckpoint: (info) => progress.print(`${info.best ? 'best checkpoint (lowest validation so far)' : 'checkpoint'}: ${info.path}`),
      // A lost GPU device: a new one, and the run goes on from its latest snapshot.
      replaceRuntime: async (lost) => {
        lost.destroy();
        runtime = await createRuntime();
        return runtime;
      },
      onRecovered: (info) => progress.print(`the GPU device was lost at step ${info.lostAtStep}; continuing on a new device from step ${info.resumedAtStep} (${info.reason.split(';')[0]})`),
    });
    const last = result.history.validation.at(-1);
    const steps = result.history.losses.length;
    if (result.interrupted) {
      progress.print(`stopped at step ${steps} of ${effective.steps}; checkpoint ${result.checkpoint}\ncontinue it: ${invokedAs()} train --resume ${effective.checkpointDir} --steps ${effective.steps}`);
      return 130;
    }
    progress.print(
      `done in ${formatDuration((performance.now() - started) / 1000)}: validation ${last?.bitsPerCharacter.toFixed(3)} bits/char ` +
        `(unigram ${result.history.unigramBitsPerCharacter.toFixed(3)}); checkpoint ${result.checkpoint}\n` +
        `sample from it: ${invokedAs()} sample --checkpoint ${effective.checkpointDir}${effective.data === 'moby-dick' ? ' --prompt "The "' : ''}`,
    );
    return 0;
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
    runtime.destroy();
  }
}

async function runSample(argv: string[]): Promise<number> {
  const options = parseSampleOptions(argv);
  const runtime = await createRuntime();
  try {
    console.log(formatSamples(await sampleFromCheckpoint(runtime, options)));
    return 0;
  } finally {
    runtime.destroy();
  }
}

async function runAnalyze(argv: string[]): Promise<number> {
  // The flags, the checkpoint and the text are checked before the GPU is touched.
  const prepared = await prepareAnalysis(parseAnalyzeOptions(argv));
  const runtime = await createRuntime();
  try {
    await analyze(runtime, prepared, (line) => console.log(line));
    return 0;
  } finally {
    runtime.destroy();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // A bare invocation prints help rather than starting a run of several minutes.
  if (command === undefined || command === 'help' || HELP_FLAGS.has(command)) {
    console.log(usage(command === 'help' ? rest[0] : undefined));
    return 0;
  }
  if (rest.some((a) => HELP_FLAGS.has(a)) && ['train', 'sample', 'analyze', 'selfcheck'].includes(command)) {
    console.log(usage(command));
    return 0;
  }
  switch (command) {
    case 'train':
      return runTrain(rest);
    case 'sample':
      return runSample(rest);
    case 'analyze':
      return runAnalyze(rest);
    case 'selfcheck':
      if (rest.length > 0) {
        console.error(`selfcheck takes no arguments, got: ${rest.join(' ')}\n${usage('selfcheck')}`);
        return 2;
      }
      return (await selfCheck()) ? 0 : 1;
    default:
      console.error(`unknown command ${JSON.stringify(command)}\n${usage()}`);
      return 2;
  }
}

// Dawn keeps the process alive, so the CLI exits explicitly.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Bad usage exits 2 and a run that fails exits 1, both with a message and no stack trace.
    const usageError = error instanceof OptionError || error instanceof CorpusError || error instanceof ArgumentError || error instanceof MissingPackageError;
    const known = usageError || error instanceof TrainingStoppedError || error instanceof DeviceLostError || error instanceof DeviceLimitError;
    console.error(known ? `error: ${(error as Error).message}` : error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(usageError ? 2 : 1);
  },
);
