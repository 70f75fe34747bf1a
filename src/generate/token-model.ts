/** What generation needs from a model: logits for tokens, one or more steps at a time. */
import type { Runtime } from '../runtime/runtime.js';
import { checkTensor, type Tensor } from '../tensor.js';
import type { RecurrentState } from '../core/types.js';
import { ArgumentError, checkInteger, describe } from '../errors.js';

export type { RecurrentState };
export { disposeState } from '../core/state.js';

export interface TokenModel {
  readonly vocabularySize: number;
  /**
   * tokens: i32 [T, N] → logits [T, N, V], and the state after the last step. `state` null
   * means the model's initial (zero) state. The caller owns and disposes everything returned.
   */
  step(tokens: Tensor<'i32'>, state: RecurrentState | null): { logits: Tensor<'f32'>; state: RecurrentState };
  /**
   * Optional: the shape of h the model takes for `sequences` sequences ([L·D, N, H]) and
   * whether it carries a cell state c. With it, generation checks a given state before any
   * GPU work rather than failing inside the model after the prompt is on the GPU.
   */
  stateShape?(sequences: number): { h: readonly number[]; cell: boolean };
}

/** A token model as generation uses it: duck-typed, so any object with these members is one. */
export function checkTokenModel(model: unknown): TokenModel {
  if (model === null || typeof model !== 'object' || typeof (model as TokenModel).step !== 'function') {
    throw new ArgumentError('model', 'a TokenModel (vocabularySize and step(tokens, state))', describe(model));
  }
  checkInteger('model.vocabularySize', (model as TokenModel).vocabularySize, 1);
  return model as TokenModel;
}

/**
 * A state given to start generation from: live f32 tensors of this runtime, h of rank 3 for
 * `sequences` sequences (any number when undefined), c absent or shaped like h, and what the
 * model takes where it says. Returns the number of sequences.
 */
export function checkGivenState(runtime: Runtime, argument: string, state: unknown, model: TokenModel, sequences?: number): number {
  if (state === null || typeof state !== 'object') throw new ArgumentError(argument, 'a state { h, c }', describe(state));
  const { h, c } = state as Partial<RecurrentState>;
  checkTensor(`${argument}.h`, h, runtime, { dtype: 'f32', rank: 3 });
  const shape = h!.shape;
  const rows = shape[1]!;
  if (sequences !== undefined && rows !== sequences) throw new ArgumentError(`${argument}.h`, `state for ${sequences} sequences ([.., ${sequences}, H])`, `shape ${describe(shape)}`);
  const wanted = model.stateShape?.(rows);
  if (wanted && wanted.h.join() !== shape.join()) throw new ArgumentError(`${argument}.h`, `shape ${describe(wanted.h)} [layers·directions, N, H]`, `shape ${describe(shape)}`);
  if (c === null || c === undefined) return rows;
  if (wanted && !wanted.cell) throw new ArgumentError(`${argument}.c`, 'null: this model carries no cell state', describe(c));
  checkTensor(`${argument}.c`, c, runtime, { dtype: 'f32', rank: 3 });
  if (c.shape.join() !== shape.join()) throw new ArgumentError(`${argument}.c`, `shape ${describe(shape)}, like h`, `shape ${describe(c.shape)}`);
  return rows;
}
