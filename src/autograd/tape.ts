/**
 * Reverse-mode composition of the library's modules. Each module call given a tape records
 * its inputs, outputs and a backward closure; tape.backward(loss) runs the closures in
 * reverse, summing gradients where a tensor feeds several consumers. Parameter gradients
 * accumulate inside the modules; gradients of leaf tensors (inputs no op produced) stay on
 * the tape for gradient().
 *
 * The tape owns what its ops produce: dispose() frees every recorded output except those
 * passed to keep(), so a training step needs no bookkeeping of intermediates.
 */
import type { Runtime } from '../runtime/runtime.js';
import { Tensor, checkTensor } from '../tensor.js';
import { ArgumentError, describe } from '../errors.js';
import { encodeAxpy } from '../ops/elementwise.js';

export interface TapeNode {
  readonly label: string;
  readonly inputs: readonly (Tensor | null | undefined)[];
  readonly outputs: readonly (Tensor | null | undefined)[];
  /** Gradients of the outputs in (null: none reached it), gradients of the inputs out. */
  backward(outputGradients: (Tensor | null)[]): (Tensor | null)[];
  /** Frees what the node kept for backward; called after backward or when it is skipped. */
  release?(): void;
}

export class Tape {
  private nodes: TapeNode[] = [];
  private readonly gradients = new Map<Tensor, Tensor<'f32'>>();
  private readonly produced = new Set<Tensor>();
  private readonly kept = new Set<Tensor>();
  private done = false;
  private disposed = false;

  constructor(readonly runtime: Runtime) {}

  record(node: TapeNode): void {
    if (this.disposed) throw new ArgumentError('tape', 'a tape not yet disposed', 'a disposed tape');
    if (this.done) throw new ArgumentError('tape', 'a tape that has not run backward yet', 'one that has');
    // Backward would run the node's closures on this tape's device: another runtime's tensors cannot meet it there.
    for (const t of [...node.inputs, ...node.outputs]) {
      if (t && t.runtime !== this.runtime) throw new ArgumentError('tape', `a tape of the runtime that ${node.label} ran on`, `a tape of another runtime (${t.toString()} is not on it)`);
    }
    this.nodes.push(node);
    for (const t of node.outputs) if (t) this.produced.add(t);
  }

  /** Back-propagates from `root` (dL/droot = 1, or `seed`) through every recorded node. */
  backward(root: Tensor, seed?: Tensor): void {
    if (this.disposed) throw new ArgumentError('tape', 'a tape not yet disposed', 'a disposed tape');
    if (this.done) throw new ArgumentError('tape', 'one backward per tape', 'a second call');
    // Every check before the first upload: the seed must be dL/droot, shaped like root.
    checkTensor('root', root, this.runtime);
    if (!this.produced.has(root)) throw new ArgumentError('root', 'a tensor produced by an op recorded on this tape', root.toString());
    if (seed !== undefined) {
      checkTensor('seed', seed, this.runtime, { dtype: 'f32' });
      if (seed.shape.join() !== root.shape.join()) throw new ArgumentError('seed', `shape ${describe(root.shape)}, like root`, `shape ${describe(seed.shape)}`);
    }
    this.done = true;
    const start = seed ?? Tensor.from(this.runtime, new Float32Array(root.size).fill(1), root.shape, 'f32', 'tape seed');
    this.gradients.set(root, start as Tensor<'f32'>);
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const node = this.nodes[i]!;
      const incoming = node.outputs.map((t) => (t ? this.gradients.get(t) ?? null : null));
      if (incoming.every((g) => g === null)) {
        node.release?.();
        continue;
      }
      const outgoing = node.backward(incoming);
      node.release?.();
      // Output gradients are spent: free the ones the tape made (not the caller's seed).
      for (const t of node.outputs) {
        const g = t ? this.gradients.get(t) : undefined;
        if (t && g) {
          this.gradients.delete(t);
          if (g !== seed) g.dispose();
        }
      }
      node.inputs.forEach((input, k) => {
        const g = outgoing[k];
        if (!g) return;
        if (!input) {
          // A gradient for an input that was not given (e.g. a default zero h0): unused.
          g.dispose();
          return;
        }
        const existing = this.gradients.get(input);
        if (existing) {
          encodeAxpy(this.runtime, existing.buffer, g.buffer, existing.size);
          g.dispose();
        } else {
          this.gradients.set(input, g as Tensor<'f32'>);
        }
      });
    }
    this.nodes = [];
  }

  /** dL/d t for a leaf tensor (one no recorded op produced), after backward. */
  gradient(t: Tensor): Tensor<'f32'> | undefined {
    return this.gradients.get(t);
  }

  /** Exempts tensors from dispose(): results the caller keeps using after the step. */
  keep(...tensors: (Tensor | null | undefined)[]): void {
    tensors.forEach((t, i) => {
      if (t !== null && t !== undefined && !(t instanceof Tensor)) throw new ArgumentError(`tensors[${i}]`, 'a Tensor, null or undefined', describe(t));
    });
    for (const t of tensors) if (t) this.kept.add(t);
  }

  /** Frees the tape's gradients, what nodes kept, and every recorded output not kept; the tape is then spent. */
  dispose(): void {
    this.disposed = true;
    for (const node of this.nodes) node.release?.();
    this.nodes = [];
    for (const g of this.gradients.values()) g.dispose();
    this.gradients.clear();
    for (const t of this.produced) if (!this.kept.has(t)) t.dispose();
    this.produced.clear();
    this.kept.clear();
  }
}
