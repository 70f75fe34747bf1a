/** Float64 reference of shaders/embedding.wgsl: gather rows of a table, scatter-add their gradients. */

/** Shape [ids, dim]: row ids[n] of the [rows, dim] table for each n. */
export function referenceEmbedding(table: ArrayLike<number>, ids: readonly number[], dim: number): Float64Array {
  const rows = table.length / dim;
  const bad = ids.findIndex((id) => !(Number.isInteger(id) && id >= 0 && id < rows));
  if (bad >= 0) throw new RangeError(`ids[${bad}] = ${ids[bad]} is outside [0, ${rows})`);
  return Float64Array.from(ids.flatMap((id) => Array.from({ length: dim }, (_, d) => table[id * dim + d]!)));
}

/** Shape [rows, dim]: Σ of dOut's rows into the rows of their ids; the padding row gets none. */
export function referenceEmbeddingBackward(dOut: ArrayLike<number>, ids: readonly number[], rows: number, dim: number, paddingIdx?: number): Float64Array {
  const dTable = new Float64Array(rows * dim);
  ids.forEach((id, n) => {
    if (id === paddingIdx) return;
    for (let d = 0; d < dim; d++) dTable[id * dim + d] = dTable[id * dim + d]! + dOut[n * dim + d]!;
  });
  return dTable;
}
