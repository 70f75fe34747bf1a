/**
 * Id range checks without a read-back per step. Kernels that index with ids (embedding
 * tokens, cross-entropy targets) record the first bad position of each checked tensor with
 * atomicMin into one small flags buffer; the runtime copies the flags out with the next
 * read-back (or sync) and turns a flagged slot into an IdRangeError naming the tensor, what
 * was expected and the first bad position.
 */
import { ArgumentError } from '../errors.js';

/** Flag slots; the last one is shared once the others are taken. */
export const ID_CHECK_SLOTS = 64;
/** A slot's value while no bad id was seen (atomicMin keeps the smallest position). */
const CLEAR = 0xffffffff;

/** A tensor of ids held an id outside the range its consumer accepts. */
export class IdRangeError extends ArgumentError {
  override name = 'IdRangeError';
  constructor(argument: string, expected: string, readonly position: number | null) {
    super(argument, expected, position === null ? 'an id outside it' : `an id outside it at position ${position} (the first; flat index into the tensor)`);
  }
}

interface CheckedTensor {
  /** The argument and tensor, e.g. `softmaxCrossEntropy targets (tensor "lm.targets")`. */
  argument: string;
  /** What a valid id is, e.g. `class ids in [0, 65) or the ignore index −100`. */
  expected: string;
}

export class IdChecks {
  /** [ID_CHECK_SLOTS] u32: the first bad position each slot saw, or 0xffffffff. */
  readonly buffer: GPUBuffer;
  private readonly slots: CheckedTensor[] = [];
  private readonly slotOf = new Map<string, number>();
  /** Whether the last slot serves several tensors (so its position names none). */
  private shared = false;
  /** Checks recorded, and the count already covered by a copy to the CPU. */
  private recorded = 0;
  private copied = 0;

  constructor(private readonly device: GPUDevice) {
    this.buffer = device.createBuffer({ label: 'id checks', size: ID_CHECK_SLOTS * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, mappedAtCreation: true });
    new Uint32Array(this.buffer.getMappedRange()).fill(CLEAR);
    this.buffer.unmap();
  }

  static readonly byteLength = ID_CHECK_SLOTS * 4;

  /** The slot a kernel flags for this tensor; call once per dispatch that checks. */
  slot(argument: string, expected: string): number {
    this.recorded++;
    const key = `${argument}\n${expected}`;
    let slot = this.slotOf.get(key);
    if (slot === undefined) {
      slot = Math.min(this.slots.length, ID_CHECK_SLOTS - 1);
      if (slot === this.slots.length) this.slots.push({ argument, expected });
      else {
        this.shared = true;
        this.slots[slot] = { argument: 'one of several id tensors', expected: 'ids in their ranges' };
      }
      this.slotOf.set(key, slot);
    }
    return slot;
  }

  /** Whether checks were recorded that no copy covers yet. */
  get pending(): boolean {
    return this.recorded > this.copied;
  }

  /** Records the copy of the flags to `target` at `offset`; returns the token for inspect(). */
  copyTo(encoder: GPUCommandEncoder, target: GPUBuffer, offset: number): number {
    encoder.copyBufferToBuffer(this.buffer, 0, target, offset, IdChecks.byteLength);
    return this.recorded;
  }

  /** Throws for the first flagged slot of a copy made by copyTo, and clears the flags. */
  inspect(flags: Uint32Array, token: number): void {
    this.copied = Math.max(this.copied, token);
    const slot = flags.findIndex((value) => value !== CLEAR);
    const checked = slot < 0 ? null : (this.slots[slot] ?? { argument: 'an id tensor', expected: 'ids in range' });
    const position = slot === ID_CHECK_SLOTS - 1 && this.shared ? null : (flags[slot] ?? null);
    if (checked) this.device.queue.writeBuffer(this.buffer, 0, new Uint32Array(ID_CHECK_SLOTS).fill(CLEAR));
    // Slots live from one read-back to the next: once every check is seen, they are free again.
    if (!this.pending) {
      this.slots.length = 0;
      this.slotOf.clear();
      this.shared = false;
    }
    if (checked) throw new IdRangeError(checked.argument, checked.expected, position);
  }

  destroy(): void {
    this.buffer.destroy();
  }
}
