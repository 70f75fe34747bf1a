/**
 * Usage text of the command line: every option of each command with its meaning and its
 * default, the defaults read from the same objects the parsers use.
 */
import { SAMPLE_DEFAULTS, SAMPLE_OPTION_NAMES, TRAIN_OPTION_NAMES, trainDefaults, type TrainOptions } from './options.js';
import { ANALYZE_DEFAULTS, ANALYZE_OPTION_NAMES } from './analyze-options.js';

type TrainKey = keyof TrainOptions;

/** Each train option: its value's form, what it means, and the TrainOptions field it sets. */
const TRAIN_HELP: Record<(typeof TRAIN_OPTION_NAMES)[number], [form: string, meaning: string, field: TrainKey]> = {
  data: ['moby-dick|names|FILE', 'training text: Moby Dick, English first names, or a UTF-8 text file', 'data'],
  cell: ['lstm|gru', 'recurrent cell', 'cell'],
  layers: ['N', 'stacked recurrent layers', 'layers'],
  hidden: ['N', 'hidden units per layer', 'hidden'],
  embedding: ['N', 'character embedding size', 'embedding'],
  'seq-length': ['T', 'characters per window (truncated BPTT length)', 'seqLength'],
  batch: ['B', 'parallel streams per step', 'batch'],
  lr: ['X', 'Adam learning rate', 'lr'],
  steps: ['N', 'optimizer steps in all (a resumed run counts from its checkpoint)', 'steps'],
  clip: ['X', 'global gradient-norm clip', 'clip'],
  dropout: ['P', 'dropout between stacked layers', 'dropout'],
  'recurrent-dropout': ['P', 'dropout on the candidate inside the recurrence (g of an LSTM, n of a GRU; Semeniuta et al.), a new mask each step', 'recurrentDropout'],
  'recurrent-dropout-per-sequence': ['', 'with --recurrent-dropout: one mask per sequence, the same at every step', 'recurrentDropoutPerSequence'],
  zoneout: ['P|H,C', "zoneout (Krueger et al.): in training a unit keeps its previous value with probability P, on h and an LSTM's c; H,C: H on h, C on c (LSTM); evaluation uses the expectation", 'zoneout'],
  'layer-norm': ['', 'layer norm inside the recurrent cell (Ba et al.): on W_ih·x and W_hh·h before the gates, and on c (LSTM) before its tanh; adds ln_* weights', 'layerNorm'],
  'output-norm': ['', 'layer norm on the recurrent output, before the output layer', 'outputNorm'],
  heads: ['N', 'heads of a block-diagonal recurrent matrix W_hh, each of hidden/N units (a divisor of --hidden)', 'heads'],
  validation: ['F', 'share of the text held out for validation (its end)', 'validation'],
  'eval-every': ['N', 'steps between validations (bits per character: lower is better)', 'evalEvery'],
  'eval-windows': ['N', 'validation windows per evaluation', 'evalWindows'],
  'sample-every': ['N', 'steps between printed samples', 'sampleEvery'],
  'sample-length': ['N', 'characters per printed sample', 'sampleLength'],
  temperature: ['X', 'sampling temperature of the printed samples', 'temperature'],
  'checkpoint-dir': ['DIR', 'where checkpoints, metrics.jsonl and the loss curve (loss.svg, loss.html) go', 'checkpointDir'],
  'checkpoint-every': ['N', 'steps between checkpoints (Ctrl-C also writes one, at the step it stops)', 'checkpointEvery'],
  'keep-best': ['', 'also keep best.json/best.safetensors: the checkpoint with the lowest validation loss', 'keepBest'],
  'max-non-finite': ['N', 'stop after N steps in a row whose loss or gradient norm is NaN or infinite (each is skipped: no update)', 'maxNonFinite'],
  'snapshot-every': ['N', 'steps between in-memory copies of the weights and Adam state; a lost GPU device resumes from the latest', 'snapshotEvery'],
  resume: ['DIR|FILE.json', "continue a run from its checkpoint (keeps its model, data and optimizer settings)", 'resume'],
  seed: ['N', 'seed of the initial weights, dropout and samples', 'seed'],
};

const SAMPLE_HELP: Record<(typeof SAMPLE_OPTION_NAMES)[number], [form: string, meaning: string]> = {
  checkpoint: ['DIR|FILE.json', 'a checkpoint written by train (required)'],
  prompt: ['TEXT', "text to continue (default: the corpus's own primer)"],
  length: ['N', 'characters to generate per sample (a names model stops each name at its line end)'],
  temperature: ['X', 'softmax temperature (0: greedy)'],
  'top-k': ['K', 'draw from the K most likely characters only (0: all)'],
  seed: ['N', 'sampling seed'],
  samples: ['N', 'how many: N names (one per line) from a names model, N passages from a prose model'],
  beam: ['W', 'beam search of width W instead of sampling: the one most likely text (0: off)'],
  'no-repeat-ngram': ['M', 'with --beam: never generate the same M characters twice, 1 … 8 (character-level beam search loops without it; 0: off)'],
};

const ANALYZE_HELP: Record<(typeof ANALYZE_OPTION_NAMES)[number], [form: string, meaning: string]> = {
  checkpoint: ['DIR|FILE.json', 'a checkpoint written by train (required)'],
  text: ['FILE', "a UTF-8 file to analyse instead of the run's held-out validation text (characters the model's vocabulary lacks are skipped, with a note)"],
  chars: ['N', 'characters analysed: the first N of the validation text (or of --text)'],
  units: ['K', 'the K best distinct units: printed, and shown as heatmaps of the text'],
  'steps-back': ['N', "how far back through time the last character's gradient is followed"],
  out: ['FILE', 'the HTML report (default: analysis.html in the checkpoint\'s directory)'],
  svg: ['', 'also write the gradient-flow chart and each heatmap as SVG files beside the report (for analysis.html: analysis-gradient-flow.svg, analysis-unit-<k>.svg)'],
};

const ANALYZE_ABOUT = `Reports what a trained character model learned, for headless users: the units whose
activation (h, or tanh(c) for an LSTM) follows a feature of the text (inside quotes, position
in the line, inside parentheses, after a space, inside a word), ranked by how far their
correlation r clears a measured chance level, with the text coloured by the best units; and
the norm of the last character's gradient against steps back through time, for the trained
model and for the same configuration freshly initialised. The best units and the gradient
figures are printed; everything, with the run's loss curve, goes into one self-contained HTML
file. Nothing else on disk changes.`;

const SUMMARY = `usage: webgpu-rnn <command> [options]

commands:
  train       train a character-level language model (default data: Moby Dick)
  sample      generate text from a checkpoint
  analyze     report what a checkpoint's model learned: interpretable cells, gradient flow (HTML, SVG)
  selfcheck   print the adapter, check GEMM against float64, measure GFLOP/s
  help        this text; 'webgpu-rnn <command> --help' lists a command's options`;

function shown(value: unknown): string {
  if (value === null) return 'none';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  // Zoneout's rates on h and c.
  if (typeof value === 'object' && 'hidden' in value && 'cell' in value) return value.hidden === value.cell ? String(value.hidden) : `${String(value.hidden)},${String(value.cell)}`;
  return String(value);
}

function table(rows: [name: string, meaning: string, defaults: string][]): string {
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, meaning, defaults]) => `  ${name.padEnd(width)}  ${meaning}${defaults ? ` (default ${defaults})` : ''}`).join('\n');
}

function trainHelp(): string {
  const prose = trainDefaults('moby-dick');
  const names = trainDefaults('names');
  const file = trainDefaults('NAME.txt');
  const rows = TRAIN_OPTION_NAMES.map((option): [string, string, string] => {
    const [form, meaning, field] = TRAIN_HELP[option];
    const defaults = [shown(prose[field])];
    if (option !== 'data') {
      if (shown(names[field]) !== defaults[0]) defaults.push(`${shown(names[field])} with --data names`);
      if (shown(file[field]) !== defaults[0]) defaults.push(`${shown(file[field])} with --data NAME.txt`);
    }
    return [`--${option}${form ? ` ${form}` : ''}`, meaning, defaults.join('; ')];
  });
  return `usage: webgpu-rnn train [options]\n\noptions:\n${table(rows)}`;
}

function sampleHelp(): string {
  const rows = SAMPLE_OPTION_NAMES.map((option): [string, string, string] => {
    const [form, meaning] = SAMPLE_HELP[option];
    const value = (SAMPLE_DEFAULTS as Record<string, unknown>)[option];
    return [`--${option} ${form}`, meaning, value === undefined ? '' : shown(value)];
  });
  return `usage: webgpu-rnn sample --checkpoint DIR [options]\n\noptions:\n${table(rows)}`;
}

function analyzeHelp(): string {
  const rows = ANALYZE_OPTION_NAMES.map((option): [string, string, string] => {
    const [form, meaning] = ANALYZE_HELP[option];
    const value = (ANALYZE_DEFAULTS as Record<string, unknown>)[option];
    return [`--${option}${form ? ` ${form}` : ''}`, meaning, value === undefined ? '' : shown(value)];
  });
  return `usage: webgpu-rnn analyze --checkpoint DIR [options]\n\n${ANALYZE_ABOUT}\n\noptions:\n${table(rows)}`;
}

/** The usage of one command, or the summary. */
export function usage(command?: string): string {
  if (command === 'train') return trainHelp();
  if (command === 'sample') return sampleHelp();
  if (command === 'analyze') return analyzeHelp();
  if (command === 'selfcheck') return 'usage: webgpu-rnn selfcheck\n\nPrints the adapter, checks GEMM against float64 and measures GFLOP/s. No options.';
  return SUMMARY;
}
