import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { mulberry32, runFuzz, validFile } from './safetensors-mutations.js';

// More cases, or another seed: npx vite-node bench/fuzz-safetensors.ts -- --count 100000 --seed 7
describe('safetensors decoder under seeded mutations', () => {
  it('valid files from encodeSafetensors decode to what was encoded', () => {
    for (let seed = 0; seed < 300; seed++) {
      const { tensors, metadata, bytes } = validFile(mulberry32(seed));
      const back = decodeSafetensors(bytes);
      expect(back.metadata).toEqual(metadata);
      expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(tensors).sort());
      for (const [name, { shape, data }] of Object.entries(tensors)) {
        expect(back.tensors[name]!.shape).toEqual(shape);
        expect(back.tensors[name]!.data).toEqual(Float32Array.from(data));
      }
    }
  });

  it('every mutated file decodes to what its bytes say, or throws a SafetensorsError; none is accepted with bad offsets', () => {
    const tally = runFuzz(1, 4000);
    expect(tally.problems).toEqual([]);
    expect(tally.raw).toBe(0);
    expect(tally.badOffsets).toBe(0);
    // The generator reaches both outcomes and every kind of mutation.
    expect(tally.accepted).toBeGreaterThan(400);
    expect(tally.rejected).toBeGreaterThan(2000);
    const kinds = ['truncate', 'append', 'flip-length', 'set-length', 'flip-data', 'flip-header', 'overwrite', 'invalid-utf8', 'dtype', 'shape-dim', 'shape-reverse', 'shape-append-1', 'shape-replace', 'offset', 'offsets-form', 'offsets-shift', 'offsets-swap', 'drop-field', 'extra-field', 'entry-type', 'top-level', 'drop-tensor', 'duplicate-tensor', 'duplicate-field', 'proto-tensor', 'proto-metadata', 'rename', 'metadata', 'whitespace', 'bom'];
    for (const kind of kinds) expect(tally.kinds.get(kind) ?? 0, kind).toBeGreaterThan(10);
  });
});
