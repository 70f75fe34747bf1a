import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, CharLanguageModel, CharVocabulary, StreamBatches, encodeSafetensors, splitStream, unigramBitsPerToken, type CharLanguageModelOptions } from '../../src/index.js';
import { parseSampleOptions, parseTrainOptions, trainDefaults, type TrainOptions } from '../../src/cli/options.js';
import { train } from '../../src/cli/trainer.js';
import { sampleFromCheckpoint } from '../../src/cli/sample.js';
import { CHAR_LM_CHECKPOINT_FORMAT, loadCharModel } from '../../src/models/char-lm-checkpoint.js';
import { firstNameSet, firstNames, mobyDick, textFile } from '../../src/cli/corpora.js';
import { useRuntime } from '../helpers.js';

const TEXT = Array.from({ length: 60 }, (_, i) => `the quick brown fox ${i % 7} jumps over the lazy dog; a whale, a ship.\n`).join('');

describe('character data', () => {
  it('a vocabulary of sorted code points encodes and decodes, and names an unknown character', () => {
    const vocabulary = CharVocabulary.fromText('ba—ab\n');
    expect(vocabulary.symbols).toEqual(['\n', 'a', 'b', '—']);
    expect(vocabulary.decode(vocabulary.encode('ab—'))).toBe('ab—');
    expect(() => vocabulary.encode('abc')).toThrow('text: expected only characters in the vocabulary, got "c" (U+0063) at character 2');
    expect(CharVocabulary.fromJSON(JSON.parse(JSON.stringify(vocabulary))).symbols).toEqual(vocabulary.symbols);
    expect(() => new CharVocabulary(['a', 'a'])).toThrow(ArgumentError);
  });

  it('stream batches: lanes are contiguous, windows continue each other, targets are the next token', () => {
    const tokens = Int32Array.from({ length: 103 }, (_, i) => i);
    const batches = new StreamBatches(tokens, { batch: 4, steps: 5 });
    expect(batches.laneLength).toBe(25);
    expect(batches.windowsPerEpoch).toBe(5);
    for (let w = 0; w < 7; w++) {
      const { input, target, index } = batches.window(w);
      expect(index).toBe(w % 5);
      for (let b = 0; b < 4; b++) {
        for (let t = 0; t < 5; t++) {
          expect(input[t * 4 + b]).toBe(b * 25 + (w % 5) * 5 + t);
          expect(target[t * 4 + b]).toBe(input[t * 4 + b]! + 1);
        }
      }
    }
    expect(() => new StreamBatches(new Int32Array(10), { batch: 4, steps: 5 })).toThrow('tokens: expected at least batch · steps + 1 = 21 tokens, got 10 tokens');
  });

  it('splits train and validation, and scores the unigram baseline', () => {
    const { train: a, validation: b } = splitStream(Int32Array.from({ length: 100 }, (_, i) => i % 4), 0.1);
    expect([a.length, b.length]).toEqual([90, 10]);
    // Uniform over 4 symbols: 2 bits, up to the add-one smoothing.
    expect(unigramBitsPerToken(a, b, 4)).toBeCloseTo(2, 1);
    expect(() => splitStream(a, 1)).toThrow('validationFraction: expected a number in (0, 1), got 1');
  });

  it('loads the npm corpora: Moby Dick, and first names one per line', () => {
    const moby = mobyDick();
    expect(moby.text.length).toBeGreaterThan(1_000_000);
    expect(moby.text).toContain('Call me Ishmael.');
    const names = firstNames();
    const list = names.text.split('\n').filter(Boolean);
    expect(list.length).toBeGreaterThan(8000);
    expect(firstNameSet().has(list[0]!)).toBe(true);
  });

  it('rejects a missing, empty, binary or too short text file with the reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'corpus-'));
    writeFileSync(join(dir, 'empty.txt'), '');
    writeFileSync(join(dir, 'binary.bin'), new Uint8Array([65, 0, 66]));
    writeFileSync(join(dir, 'short.txt'), 'abc');
    expect(() => textFile(join(dir, 'none.txt'), 10)).toThrow('expected moby-dick, names or a readable text file, got no such file');
    expect(() => textFile(join(dir, 'empty.txt'), 10)).toThrow('expected text, got an empty file');
    expect(() => textFile(join(dir, 'binary.bin'), 10)).toThrow('expected UTF-8 text, got binary data');
    expect(() => textFile(join(dir, 'short.txt'), 10)).toThrow('expected at least 10 characters');
    expect(() => textFile(dir, 10)).toThrow('expected a text file, got a directory');
    rmSync(dir, { recursive: true });
  });
});

describe('command-line options', () => {
  it('have defaults per corpus and name a bad option', () => {
    expect(parseTrainOptions([])).toEqual(trainDefaults('moby-dick'));
    expect(parseTrainOptions(['--data', 'names', '--hidden', '64']).hidden).toBe(64);
    expect(() => parseTrainOptions(['--hidden', '0'])).toThrow('--hidden: expected an integer in [1, 2048], got "0"');
    expect(() => parseTrainOptions(['--lr', 'fast'])).toThrow('--lr: expected a number in (0, 10], got "fast"');
    expect(() => parseTrainOptions(['--cell', 'transformer'])).toThrow('--cell: expected lstm or gru, got "transformer"');
    expect(() => parseTrainOptions(['--colour', 'red'])).toThrow(/train: Unknown option '--colour'/);
    expect(() => parseSampleOptions([])).toThrow('sample: --checkpoint <directory> is required');
    expect(() => parseSampleOptions(['--checkpoint', 'x', '--beam', '17'])).toThrow('--beam: expected an integer in [0, 16], got "17"');
  });
});

describe('training the character model', () => {
  const runtime = useRuntime();

  function options(dir: string, changes: Partial<TrainOptions> = {}): TrainOptions {
    return {
      ...trainDefaults(join(dir, 'text.txt')),
      hidden: 24, embedding: 8, batch: 4, seqLength: 8, steps: 8, lr: 0.01,
      validation: 0.1, evalEvery: 4, evalWindows: 2, sampleEvery: 1000, sampleLength: 20,
      checkpointDir: join(dir, 'checkpoints'), checkpointEvery: 4,
      ...changes,
    };
  }

  it('lowers the loss, and a run resumed from a checkpoint continues the loss curve exactly', async () => {
    const rt = runtime();
    const dir = mkdtempSync(join(tmpdir(), 'train-'));
    writeFileSync(join(dir, 'text.txt'), TEXT);
    const whole = await train(rt, options(dir, { steps: 40, checkpointEvery: 20 }));
    const losses = whole.history.losses;
    expect(losses).toHaveLength(40);
    expect(losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(0.7 * losses[0]!);
    expect(whole.history.validation.at(-1)!.bitsPerCharacter).toBeLessThan(whole.history.unigramBitsPerCharacter);

    // Resume from the step-20 checkpoint (written mid-run) with a fresh directory for the rest.
    const resumed = await train(rt, options(dir, { steps: 40, resume: join(dir, 'checkpoints', 'step-000020.json'), checkpointDir: join(dir, 'resumed') }));
    expect(resumed.history.losses.slice(0, 20)).toEqual(losses.slice(0, 20));
    expect(resumed.history.losses.slice(20)).toEqual(losses.slice(20));

    // The loss log: every step once, in nats and bits per character, and each validation.
    const log = (run: string) => readFileSync(join(dir, run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { step: number; kind: string; loss_nats?: number; bits_per_char: number });
    const logged = log('checkpoints');
    expect(logged.filter((e) => e.kind === 'train').map((e) => e.loss_nats)).toEqual(losses);
    expect(logged.filter((e) => e.kind === 'train').map((e) => e.step)).toEqual(losses.map((_, i) => i + 1));
    expect(logged.filter((e) => e.kind === 'validation')).toEqual(whole.history.validation.map((v) => ({ step: v.step, kind: 'validation', bits_per_char: v.bitsPerCharacter })));
    expect(logged[1]!.bits_per_char).toBeCloseTo(losses[0]! / Math.LN2, 12);
    expect(log('resumed').filter((e) => e.kind === 'train').map((e) => e.step)).toEqual(losses.slice(20).map((_, i) => i + 21));
    // Resumed into its own directory from step 20: the log keeps steps 1–20 and logs 21–40 once.
    await train(rt, options(dir, { steps: 40, resume: join(dir, 'checkpoints', 'step-000020.json') }));
    expect(log('checkpoints').filter((e) => e.kind === 'train').map((e) => e.loss_nats)).toEqual(losses);

    const sampleOptions = { checkpoint: join(dir, 'checkpoints'), prompt: 'the ', length: 30, temperature: 0.5, topK: 0, seed: 1, samples: 1, beam: 0, noRepeatNgram: 0 };
    const { texts: [text] } = await sampleFromCheckpoint(rt, sampleOptions);
    expect(text!.startsWith('the ')).toBe(true);
    expect(text!.length).toBe(34);
    const { texts: [beam] } = await sampleFromCheckpoint(rt, { ...sampleOptions, prompt: 'the q', length: 10, beam: 3 });
    expect(beam!.startsWith('the q')).toBe(true);
    await expect(sampleFromCheckpoint(rt, { ...sampleOptions, beam: 3, samples: 2 })).rejects.toThrow('--samples: beam search gives the one most likely text, so expected 1 with --beam, got 2');
    await expect(sampleFromCheckpoint(rt, { ...sampleOptions, prompt: 'the Z' })).rejects.toThrow('--prompt: expected only characters in the vocabulary, got "Z"');
    await expect(sampleFromCheckpoint(rt, { ...sampleOptions, checkpoint: join(dir, 'nothing') })).rejects.toThrow('source: expected a checkpoint directory or step-<n>.json file, got');
    rmSync(dir, { recursive: true });
  });

  it('stops at a step when signalled, checkpointing it, and the resumed run matches an unbroken one; --keep-best keeps the lowest validation', async () => {
    const rt = runtime();
    const dir = mkdtempSync(join(tmpdir(), 'train-'));
    writeFileSync(join(dir, 'text.txt'), TEXT);
    const unbroken = await train(rt, options(dir, { steps: 12, evalEvery: 3, keepBest: true, checkpointDir: join(dir, 'unbroken') }));
    const stop = new AbortController();
    const stopped = await train(rt, options(dir, { steps: 12, checkpointEvery: 100 }), { signal: stop.signal, onStep: ({ step }) => step === 7 && stop.abort() });
    expect(stopped.interrupted).toBe(true);
    expect(stopped.history.losses).toHaveLength(7);
    expect(stopped.checkpoint).toBe(join(dir, 'checkpoints', 'step-000007.json'));
    const resumed = await train(rt, options(dir, { steps: 12, resume: join(dir, 'checkpoints') }));
    expect(resumed.interrupted).toBe(false);
    expect(resumed.history.losses).toEqual(unbroken.history.losses);

    const best = JSON.parse(readFileSync(join(dir, 'unbroken', 'best.json'), 'utf8')) as { step: number; tensors: string };
    const lowest = unbroken.history.validation.filter((v) => v.step > 0).reduce((a, b) => (b.bitsPerCharacter < a.bitsPerCharacter ? b : a));
    expect(best.step).toBe(lowest.step);
    expect(best.tensors).toBe('best.safetensors');
    const fromBest = await loadCharModel(rt, join(dir, 'unbroken', 'best.json'));
    expect(fromBest.checkpoint.step).toBe(lowest.step);
    // As a browser passes it: the JSON's text and the safetensors bytes.
    const fromText = await loadCharModel(rt, { json: readFileSync(join(dir, 'unbroken', 'best.json'), 'utf8'), tensors: new Uint8Array(readFileSync(join(dir, 'unbroken', 'best.safetensors'))) });
    expect(await fromText.model.stateDict()).toEqual(await fromBest.model.stateDict());
    await expect(loadCharModel(rt, { json: '{"format": ', tensors: new Uint8Array(0) })).rejects.toThrow(/checkpoint: expected JSON text/);
    fromText.model.dispose();
    fromBest.model.dispose();
    rmSync(dir, { recursive: true });
  });
});

describe('the character model: options inside the recurrent cell, and the output norm', () => {
  const runtime = useRuntime();

  it('passes heads, in-cell layer norm, zoneout and recurrent dropout to its network, and keeps them in its config', () => {
    const rt = runtime();
    const model = new CharLanguageModel(rt, { vocabularySize: 7, hiddenSize: 8, embeddingDim: 4, heads: 2, zoneout: { hidden: 0.1, cell: 0.2 }, recurrentDropout: { p: 0.3, perSequence: true }, outputNorm: true });
    expect(model.network.variant.config.heads).toBe(2);
    expect(model.network.cellRates).toEqual({ zoneoutHidden: 0.1, zoneoutCell: 0.2, recurrentDropout: 0.3, perSequence: true });
    expect(model.network.drawsMasks).toBe(true);
    expect(model.norm).not.toBeNull();
    expect(model.config).toMatchObject({ outputNorm: true, layerNorm: false, layerNormEps: 1e-5, heads: 2, zoneout: { hidden: 0.1, cell: 0.2 }, recurrentDropout: { p: 0.3, perSequence: true } });
    model.dispose();

    // layerNorm is now the norm inside the cell: the network's, not a LayerNorm module before the head.
    const normed = new CharLanguageModel(rt, { vocabularySize: 7, hiddenSize: 8, embeddingDim: 4, cell: 'gru', layerNorm: true, layerNormEps: 1e-3, zoneout: 0.1, recurrentDropout: 0.2 });
    expect(normed.network.variant.config.layerNorm).toBe(true);
    expect(normed.network.layerNormEps).toBe(1e-3);
    expect(normed.network.cellRates).toEqual({ zoneoutHidden: 0.1, zoneoutCell: 0, recurrentDropout: 0.2, perSequence: false });
    expect(normed.norm).toBeNull();
    expect(normed.config).toMatchObject({ cell: 'gru', outputNorm: false, layerNorm: true, layerNormEps: 1e-3, heads: 1, zoneout: { hidden: 0.1, cell: 0 }, recurrentDropout: { p: 0.2, perSequence: false } });
    normed.dispose();

    const plain = new CharLanguageModel(rt, { vocabularySize: 7, hiddenSize: 8 });
    expect(plain.config).toMatchObject({ outputNorm: false, layerNorm: false, heads: 1, zoneout: { hidden: 0, cell: 0 }, recurrentDropout: { p: 0, perSequence: false } });
    expect(plain.network.drawsMasks).toBe(false);
    plain.dispose();
  });

  it('rejects a bad cell option naming it, before making any buffer', () => {
    const rt = runtime();
    const make = (options: Partial<CharLanguageModelOptions>) => () => new CharLanguageModel(rt, { vocabularySize: 7, hiddenSize: 6, ...options });
    expect(make({ heads: 4 })).toThrow('options.heads: expected a positive divisor of hiddenSize 6, got 4');
    expect(make({ zoneout: 1 })).toThrow('options.zoneout: expected a probability in [0, 1), got 1');
    expect(make({ cell: 'gru', zoneout: { hidden: 0.1, cell: 0.1 } })).toThrow('options.zoneout.cell');
    expect(make({ recurrentDropout: { p: -0.5 } })).toThrow('options.recurrentDropout.p');
    expect(make({ layerNorm: 'yes' as unknown as boolean })).toThrow('options.layerNorm');
    expect(make({ outputNorm: 1 as unknown as boolean })).toThrow('options.outputNorm');
    expect(make({ heads: 4 })).toThrow(ArgumentError);
  });

  /** A checkpoint as `train` writes it: its JSON, and safetensors of the model's weights under `model.`. */
  async function checkpointOf(model: CharLanguageModel, modelJson: object) {
    const state = await model.stateDict();
    const tensors = encodeSafetensors(Object.fromEntries(Object.entries(state).map(([key, value]) => [`model.${key}`, value])));
    const json = {
      format: CHAR_LM_CHECKPOINT_FORMAT, step: 0, options: {}, model: modelJson, vocabulary: ['\n', 'a', 'b', 'c', 'd'],
      corpus: { name: 'names', primer: '\n' }, tensors: 'step-000000.safetensors', history: { losses: [], validation: [], unigramBitsPerCharacter: 2 },
    };
    return { state, json, tensors };
  }

  it('loads a checkpoint written before outputNorm: its layerNorm: true and norm.* tensors are the output norm', async () => {
    const rt = runtime();
    const model = new CharLanguageModel(rt, { vocabularySize: 5, hiddenSize: 8, embeddingDim: 4, outputNorm: true, seed: 3 });
    // The model config such a checkpoint holds: layerNorm meant the norm before the output layer.
    const older = { vocabularySize: 5, embeddingDim: 4, hiddenSize: 8, numLayers: 1, cell: 'lstm', dropout: 0, layerNorm: true, seed: 3 };
    const { state, json, tensors } = await checkpointOf(model, older);
    expect(Object.keys(state)).toContain('norm.weight');
    model.dispose();
    const loaded = await loadCharModel(rt, { json: JSON.stringify(json), tensors });
    expect(loaded.model.norm).not.toBeNull();
    expect(loaded.model.config).toMatchObject({ outputNorm: true, layerNorm: false, heads: 1, zoneout: { hidden: 0, cell: 0 } });
    expect(loaded.model.network.variant.config.layerNorm).toBe(false);
    expect(loaded.checkpoint.model).toMatchObject({ outputNorm: true, layerNorm: false });
    expect(await loaded.model.stateDict()).toEqual(state);
    loaded.model.dispose();
    // Without the norm, the older file loads as a model without one.
    const bare = new CharLanguageModel(rt, { vocabularySize: 5, hiddenSize: 8, embeddingDim: 4, seed: 3 });
    const without = await checkpointOf(bare, { ...older, layerNorm: false });
    bare.dispose();
    const plain = await loadCharModel(rt, without);
    expect(plain.model.norm).toBeNull();
    expect(plain.model.config).toMatchObject({ outputNorm: false, layerNorm: false });
    plain.model.dispose();
  });

  it("loads today's checkpoint with its cell options as written", async () => {
    const rt = runtime();
    const model = new CharLanguageModel(rt, { vocabularySize: 5, hiddenSize: 8, embeddingDim: 4, heads: 4, zoneout: { hidden: 0.1, cell: 0.3 }, recurrentDropout: { p: 0.2, perSequence: true }, seed: 4 });
    const { state, json, tensors } = await checkpointOf(model, JSON.parse(JSON.stringify(model.config)));
    const loaded = await loadCharModel(rt, { json, tensors });
    expect(loaded.model.config).toEqual(model.config);
    expect(loaded.model.network.variant.config.heads).toBe(4);
    expect(loaded.model.network.cellRates).toEqual(model.network.cellRates);
    expect(await loaded.model.stateDict()).toEqual(state);
    model.dispose();
    loaded.model.dispose();
  });
});
