/**
 * The cells page's analysis: a model's activations over a text (one forward, one read-back),
 * each layer's h and, for an LSTM, tanh(c), and the automatic search of Karpathy, Johnson
 * and Fei-Fei: every unit against simple features of the text, ranked by how far |r| clears
 * chance, as `webgpu-rnn analyze` ranks them.
 */
import { charModelActivations, rankUnits, splitStream, textFeatures, type CharLanguageModel, type CharVocabulary, type UnitMatch } from '../../src/index.js';

/** h, or tanh(c) of an LSTM's cell state (bounded like h, as Karpathy et al. show it). */
export type UnitKind = 'h' | 'tanh(c)';

export interface UnitRef {
  layer: number;
  kind: UnitKind;
  unit: number;
}

export interface Finding extends UnitMatch {
  layer: number;
  kind: UnitKind;
}

export interface CellAnalysis {
  text: string;
  layers: number;
  hidden: number;
  kinds: UnitKind[];
  /** Every (layer, kind, unit, feature), furthest above chance first. */
  findings: Finding[];
  /** Features constant over the text (no parentheses in it, say): not searched. */
  absent: string[];
  /** One unit's activation at each character of the text. */
  values(ref: UnitRef): Float32Array;
}

/**
 * The start of the held-out part of `text`, as the trainer splits it (the last `validation`
 * share of its characters), `count` characters at most; characters the vocabulary lacks are
 * left out, so a checkpoint's vocabulary reads its corpus even if the two differ a little.
 */
export function heldOutText(text: string, validation: number, vocabulary: CharVocabulary, count: number): string {
  const characters = Array.from(text);
  // splitStream over positions makes the trainer's cut without encoding the whole text.
  const { validation: held } = splitStream(Int32Array.from({ length: characters.length }, (_, i) => i), validation);
  return knownCharacters(characters.slice(held[0] ?? characters.length).join(''), vocabulary, count);
}

/** The first `count` characters of `text` that `vocabulary` has. */
export function knownCharacters(text: string, vocabulary: CharVocabulary, count: number): string {
  return Array.from(text).filter((ch) => vocabulary.has(ch)).slice(0, count).join('');
}

export async function analyse(model: CharLanguageModel, vocabulary: CharVocabulary, text: string): Promise<CellAnalysis> {
  const activations = await charModelActivations(model, vocabulary.encode(text, 'the text to analyse'));
  const kinds: UnitKind[] = activations.names.includes('c') ? ['h', 'tanh(c)'] : ['h'];
  const values = ({ layer, kind, unit }: UnitRef) => (kind === 'h' ? activations.unit(layer, 'h', unit) : activations.unit(layer, 'c', unit).map(Math.tanh));
  // textFeatures indexes UTF-16 units, the model code points: a placeholder keeps one per character.
  const features = textFeatures(text.replace(/[\u{10000}-\u{10FFFF}]/gu, '\uFFFD'));
  const constant = (v: Float64Array) => v.every((x) => x === v[0]);
  const varying = features.filter((f) => !constant(f.values));
  const findings: Finding[] = [];
  if (varying.length > 0) {
    for (let layer = 0; layer < activations.numLayers; layer++) {
      for (const kind of kinds) {
        const units = Array.from({ length: activations.hidden }, (_, unit) => values({ layer, kind, unit }));
        // Chance is measured per layer and kind: the best |r| any of its units reaches with the feature shifted.
        for (const match of rankUnits(units.length, (j) => units[j]!, varying)) findings.push({ ...match, layer, kind });
      }
    }
  }
  findings.sort((x, y) => score(y) - score(x));
  return { text, layers: activations.numLayers, hidden: activations.hidden, kinds, findings, absent: features.filter((f) => constant(f.values)).map((f) => f.name), values };
}

/** How far a match clears chance: the ranking's key. */
export const score = (f: UnitMatch): number => Math.abs(f.correlation) - f.chance;

/** Values for the colour map, in [−1, 1]: h and tanh(c) as they are, an unbounded unit (relu) scaled by its largest |value|. */
export function heatmapValues(values: Float32Array): Float32Array {
  const finite = values.map((v) => (Number.isFinite(v) ? v : 0));
  const largest = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return largest > 1 ? finite.map((v) => v / largest) : finite.map((v) => Math.max(-1, Math.min(1, v)));
}

export const sameUnit = (a: UnitRef, b: UnitRef): boolean => a.layer === b.layer && a.kind === b.kind && a.unit === b.unit;

/** The unit's best match with a feature, if the search ranked it. */
export function bestMatch(analysis: CellAnalysis, ref: UnitRef): Finding | undefined {
  return analysis.findings.find((f) => sameUnit(f, ref));
}

/** The best unit for each feature searched, in the order of the ranking. */
export function bestPerFeature(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => !seen.has(f.feature) && seen.add(f.feature));
}
