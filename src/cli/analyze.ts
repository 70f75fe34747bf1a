/**
 * `analyze`: what a trained character model learned, for headless users. Over a text (the
 * run's validation text by default) it searches the units whose activation follows a simple
 * feature of the text (Karpathy, Johnson and Fei-Fei's interpretable cells), follows the
 * last character's gradient back through time in the trained model and in the same model
 * freshly initialised, and writes both, with the run's loss curve, as one HTML report
 * (analyze-report.ts). Everything that can be wrong with the flags, the checkpoint or the
 * text is found by prepareAnalysis, before any GPU work and before any file is written.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Runtime } from '../runtime/runtime.js';
import { ArgumentError } from '../errors.js';
import { CharVocabulary } from '../data/vocabulary.js';
import { decodeSafetensors } from '../io/safetensors.js';
import { CharLanguageModel } from '../models/char-lm.js';
import { charModelFromCheckpoint, readCharModelCheckpoint, type CharLanguageModelCheckpoint } from '../models/char-lm-checkpoint.js';
import { charModelActivations, lastStepGradients } from '../models/char-lm-analysis.js';
import type { RecurrentActivations } from '../recurrent/activations.js';
import { rankUnits, textFeatures, type TextFeature } from '../analysis/unit-features.js';
import { OptionError } from './options.js';
import type { AnalyzeOptions } from './analyze-options.js';
import { analysisText, type AnalysisText } from './analysis-text.js';
import { type FlowCurve, type UnitFinding, formatFinding, writeAnalysisReport } from './analyze-report.js';

/** Windows the gradient is followed back through, spread over the text. */
const PROBE_WINDOWS = 8;

/** Everything analyze needs, read and checked without a GPU. */
export interface PreparedAnalysis {
  options: AnalyzeOptions;
  checkpoint: { json: CharLanguageModelCheckpoint; tensors: Uint8Array; file: string };
  text: AnalysisText;
  ids: Int32Array;
  /** The HTML report's path. */
  out: string;
}

export interface AnalysisResult {
  /** Every (unit, feature) pair, best first. */
  findings: UnitFinding[];
  /** The K best distinct units, each with its best feature. */
  topUnits: UnitFinding[];
  flow: FlowCurve[];
  /** The files written, the HTML report last. */
  files: string[];
}

/** The report's path: --out, or analysis.html beside the checkpoint; its directory must exist and be writable. */
function reportPath(out: string | null, checkpointDirectory: string): string {
  const path = out ?? join(checkpointDirectory, 'analysis.html');
  const flag = out === null ? `--checkpoint ${checkpointDirectory} (where the report goes without --out)` : `--out ${out}`;
  let directory = true;
  try {
    directory = statSync(path).isDirectory();
  } catch {
    directory = false;
  }
  if (directory) throw new OptionError(`${flag}: expected a file path for the report, got a directory`);
  try {
    accessSync(dirname(path), constants.W_OK);
  } catch (error) {
    throw new OptionError(`${flag}: expected a file in an existing directory this user can write, got ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} for ${dirname(path)}`);
  }
  return path;
}

/** Reads the checkpoint, the text and the report's place; throws OptionError naming the flag. */
export async function prepareAnalysis(options: AnalyzeOptions): Promise<PreparedAnalysis> {
  let checkpoint: Awaited<ReturnType<typeof readCharModelCheckpoint>>;
  try {
    checkpoint = await readCharModelCheckpoint(options.checkpoint);
  } catch (error) {
    if (!(error instanceof ArgumentError)) throw error;
    throw new OptionError(`--checkpoint ${options.checkpoint}: ${error.message.replace(/^source: /, '')}`);
  }
  try {
    // A truncated or corrupt weights file is found here, not after the GPU starts.
    decodeSafetensors(checkpoint.tensors);
  } catch (error) {
    throw new OptionError(`--checkpoint ${options.checkpoint}: ${checkpoint.json.tensors}: ${(error as Error).message}`);
  }
  const vocabulary = new CharVocabulary(checkpoint.json.vocabulary, `${checkpoint.file}: vocabulary`);
  const text = analysisText(options, checkpoint.json.options, vocabulary, checkpoint.file);
  const ids = vocabulary.encode(text.text);
  // Windows of steps-back + 2 characters: steps-back + 1 inputs (0 … steps-back steps before the last) and the target.
  if (ids.length < options.stepsBack + 2) {
    throw new OptionError(`--steps-back: expected at most ${ids.length - 2} for an analysis text of ${ids.length} characters (or a longer text), got ${options.stepsBack}`);
  }
  return { options, checkpoint, text, ids, out: reportPath(options.out, checkpoint.directory) };
}

/** Each layer's h, and tanh(c) where the cell has a cell state: unit j's values over the text. */
function unitSeries(activations: RecurrentActivations): { layer: number; kind: UnitFinding['kind']; units: Float32Array[] }[] {
  const series = [];
  for (let layer = 0; layer < activations.numLayers; layer++) {
    const units = (name: string, f: (v: number) => number) => Array.from({ length: activations.hidden }, (_, j) => activations.unit(layer, name, j).map(f));
    series.push({ layer, kind: 'h' as const, units: units('h', (v) => v) });
    if (activations.names.includes('c')) series.push({ layer, kind: 'tanh(c)' as const, units: units('c', Math.tanh) });
  }
  return series;
}

const isConstant = (feature: TextFeature) => feature.values.every((v) => v === feature.values[0]);

/** Every (layer, kind, unit, feature), ranked by how far |r| clears chance; features constant over the text are left out. */
function findUnits(activations: RecurrentActivations, features: TextFeature[]): UnitFinding[] {
  const varying = features.filter((f) => !isConstant(f));
  if (varying.length === 0) return [];
  const findings = unitSeries(activations).flatMap(({ layer, kind, units }) =>
    rankUnits(units.length, (j) => units[j]!, varying).map((match) => ({ ...match, layer, kind, values: units[match.unit]! })),
  );
  return findings.sort((x, y) => Math.abs(y.correlation) - y.chance - (Math.abs(x.correlation) - x.chance));
}

/** The first `count` findings of distinct units (one unit's best feature only). */
function distinctUnits(findings: UnitFinding[], count: number): UnitFinding[] {
  const seen = new Set<string>();
  const top: UnitFinding[] = [];
  for (const finding of findings) {
    const key = `${finding.layer} ${finding.kind} ${finding.unit}`;
    if (seen.has(key)) continue;
    seen.add(key);
    top.push(finding);
    if (top.length === count) break;
  }
  return top;
}

/** `count` windows of `length` ids, evenly spread from the text's start to its end (overlapping in a short text). */
function probeWindows(ids: Int32Array, length: number, count: number): Int32Array[] {
  const windows = Math.min(count, ids.length - length + 1);
  const span = ids.length - length;
  return Array.from({ length: windows }, (_, w) => {
    const start = windows === 1 ? 0 : Math.round((w * span) / (windows - 1));
    return ids.subarray(start, start + length);
  });
}

/** ‖∂L/∂h‖ by steps back (index k: k steps before the last input) for the trained model and the same configuration freshly initialised. */
async function gradientFlow(model: CharLanguageModel, windows: Int32Array[]): Promise<FlowCurve[]> {
  const trained = await lastStepGradients(model, windows);
  // The same configuration and seed: the weights this run started from.
  const fresh = new CharLanguageModel(model.runtime, { ...model.config });
  try {
    const initial = await lastStepGradients(fresh, windows);
    const byStepsBack = (norms: Float64Array) => norms.slice().reverse();
    return Array.from({ length: trained.layers }, (_, layer) => ({ layer, trained: byStepsBack(trained.norms(layer)), initial: byStepsBack(initial.norms(layer)) }));
  } finally {
    fresh.dispose();
  }
}

/** Runs the analysis on the GPU, prints the best units and the gradient-flow figures, writes the report. */
export async function analyze(runtime: Runtime, prepared: PreparedAnalysis, print: (line: string) => void): Promise<AnalysisResult> {
  const { options, checkpoint, text, ids } = prepared;
  const { model } = charModelFromCheckpoint(runtime, checkpoint.json, checkpoint.tensors);
  try {
    const c = model.config;
    print(`checkpoint: ${checkpoint.file} (step ${checkpoint.json.step}, ${checkpoint.json.corpus.name}; ${c.numLayers}-layer ${c.cell.toUpperCase()} ${c.hiddenSize})`);
    print(`text: ${ids.length} characters of ${text.source}`);
    for (const note of text.notes) print(`note: ${note}`);
    // textFeatures indexes UTF-16 units, the model code points: a placeholder keeps one per character.
    const features = textFeatures(text.text.replace(/[\u{10000}-\u{10FFFF}]/gu, '\uFFFD'));
    const findings = findUnits(await charModelActivations(model, ids), features);
    const topUnits = distinctUnits(findings, options.units);
    print(topUnits.length > 0 ? 'units that follow a feature of the text (|r| furthest above chance first):' : 'no unit search: every feature is constant over this text');
    for (const finding of topUnits) print(formatFinding(finding));
    const windows = probeWindows(ids, options.stepsBack + 2, PROBE_WINDOWS);
    const flow = await gradientFlow(model, windows);
    for (const curve of flow) {
      const ratio = (norms: Float64Array) => (norms[0]! > 0 ? (norms[options.stepsBack]! / norms[0]!).toExponential(1) : 'n/a');
      print(`gradient flow, layer ${curve.layer}: ‖∂L/∂h‖ ${options.stepsBack} steps back ÷ at the last step: trained ${ratio(curve.trained)}, initial ${ratio(curve.initial)}`);
    }
    const files = writeAnalysisReport(prepared.out, {
      checkpoint: checkpoint.json,
      checkpointFile: checkpoint.file,
      text,
      findings,
      topUnits,
      absentFeatures: features.filter(isConstant).map((f) => f.name),
      flow,
      windows: windows.length,
      stepsBack: options.stepsBack,
      svg: options.svg,
    });
    print(`report: ${files.at(-1)}`);
    if (files.length > 1) print(`svg: ${files.slice(0, -1).join(', ')}`);
    return { findings, topUnits, flow, files };
  } finally {
    model.dispose();
  }
}
