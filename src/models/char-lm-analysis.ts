/**
 * What the lectures' pictures need from a character model: the activations of its
 * recurrent layers over a text (interpretable cells), and ‖∂L/∂h_t‖ back through time for
 * the loss of the last character (vanishing and exploding gradients), both from the
 * engine's own forward and backward.
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, describe } from '../errors.js';
import { Tape } from '../autograd/tape.js';
import { softmaxCrossEntropy } from '../layers/cross-entropy.js';
import { GradientTrace, type HiddenGradients } from '../recurrent/gradient-trace.js';
import type { RecurrentActivations } from '../recurrent/activations.js';
import type { CharLanguageModel } from './char-lm.js';

function checkIds(argument: string, ids: ArrayLike<number>, vocabularySize: number, minimum: number): void {
  if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number') throw new ArgumentError(argument, 'an array of token ids', describe(ids));
  if (ids.length < minimum) throw new ArgumentError(argument, `at least ${minimum} token ids`, `${ids.length}`);
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k]!;
    if (!Number.isInteger(id) || id < 0 || id >= vocabularySize) throw new ArgumentError(`${argument}[${k}]`, `a token id in [0, ${vocabularySize})`, describe(id));
  }
}

/** Activations of every recurrent layer at each character of `ids` (one sequence, from a zero state). */
export async function charModelActivations(model: CharLanguageModel, ids: ArrayLike<number>): Promise<RecurrentActivations> {
  checkIds('ids', ids, model.vocabularySize, 1);
  const tokens = Tensor.from(model.runtime, Int32Array.from(ids as ArrayLike<number>), [ids.length, 1], 'i32', 'analysis tokens');
  const x = model.embedding.forward(tokens);
  try {
    return await model.network.activations(x);
  } finally {
    tokens.dispose();
    x.dispose();
  }
}

/**
 * ∂L/∂h_t of every layer and step for L, the cross-entropy of the last character of each
 * sequence given the ones before it: `sequences` are B equally long id arrays of T + 1
 * characters (inputs the first T, target the last). Runs as a training step would (masks
 * drawn, then the mask count restored, so a run resumes as before) and leaves the
 * parameters' gradients at zero.
 */
export async function lastStepGradients(model: CharLanguageModel, sequences: readonly ArrayLike<number>[]): Promise<HiddenGradients> {
  if (!Array.isArray(sequences) || sequences.length === 0) throw new ArgumentError('sequences', 'a non-empty array of token id arrays', describe(sequences));
  const steps = sequences[0]!.length - 1;
  sequences.forEach((ids, b) => {
    checkIds(`sequences[${b}]`, ids, model.vocabularySize, 2);
    if (ids.length !== steps + 1) throw new ArgumentError(`sequences[${b}]`, `${steps + 1} ids, like sequences[0]`, `${ids.length}`);
  });
  const B = sequences.length;
  const tokens = new Int32Array(steps * B);
  // Only the last step has a target: every other row is ignored by the loss.
  const targets = new Int32Array(steps * B).fill(-100);
  sequences.forEach((ids, b) => {
    for (let t = 0; t < steps; t++) tokens[t * B + b] = ids[t]!;
    targets[(steps - 1) * B + b] = ids[steps]!;
  });
  const rt = model.runtime;
  const network = model.network;
  const calls = network.dropoutCalls;
  const tape = new Tape(rt);
  const trace = new GradientTrace();
  const tokenTensor = Tensor.from(rt, tokens, [steps, B], 'i32', 'analysis tokens');
  const targetTensor = Tensor.from(rt, targets, [steps, B], 'i32', 'analysis targets');
  try {
    model.zeroGradients();
    const x = model.embedding.forward(tokenTensor, tape);
    const { output } = network.forward(x, { tape, gradientTrace: trace });
    const logits = model.head.forward(model.norm ? model.norm.forward(output, tape) : output, tape);
    tape.backward(softmaxCrossEntropy(logits, targetTensor, { tape }).loss);
    return await trace.read();
  } finally {
    network.dropoutCalls = calls;
    model.zeroGradients();
    tape.dispose();
    trace.dispose();
    tokenTensor.dispose();
    targetTensor.dispose();
  }
}
