/**
 * Multi-head recurrence: W_hh ([G·H, H] in PyTorch's layout) is block diagonal, each gate's
 * H×H block made of `heads` blocks of (H/heads)² on its diagonal. Entries between heads
 * are zero and stay zero: the kernels never read them and their gradient is never written.
 */

/** Whether row r (of a gate's block) and column k of W_hh belong to the same head. */
function sameHead(r: number, k: number, headSize: number): boolean {
  return Math.floor(r / headSize) === Math.floor(k / headSize);
}

/** Sets the entries of W_hh ([rows, H], rows a multiple of H) between heads to zero. */
export function zeroBetweenHeads(wHh: Float32Array, hidden: number, heads: number): void {
  if (heads === 1) return;
  const headSize = hidden / heads;
  for (let row = 0; row < wHh.length / hidden; row++) {
    for (let k = 0; k < hidden; k++) if (!sameHead(row % hidden, k, headSize)) wHh[row * hidden + k] = 0;
  }
}

/** The first non-zero entry of W_hh between heads, or null. */
export function entryBetweenHeads(wHh: ArrayLike<number>, hidden: number, heads: number): { row: number; column: number; value: number } | null {
  if (heads === 1) return null;
  const headSize = hidden / heads;
  for (let row = 0; row < wHh.length / hidden; row++) {
    for (let k = 0; k < hidden; k++) {
      const value = wHh[row * hidden + k]!;
      if (value !== 0 && !sameHead(row % hidden, k, headSize)) return { row, column: k, value };
    }
  }
  return null;
}
