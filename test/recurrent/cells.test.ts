import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ArgumentError } from '../../src/index.js';
import { CELL_VARIANTS, cellVariant, reflectEntryPoint } from '../../src/kernels-entry.js';

/** A `const NAME: u32 = Nu;` (or an override's default) of a kernel's own WGSL file, read independently of the host. */
function wgslConstant(shader: string, name: string): number {
  const text = readFileSync(new URL(`../../shaders/${shader}.wgsl`, import.meta.url), 'utf8');
  const match = new RegExp(`(?:const|override) ${name}: u32 = (\\d+)u;`).exec(text);
  if (!match) throw new Error(`${shader}.wgsl declares no ${name}`);
  return Number(match[1]);
}

/** Every record of the table, and each with layer norm where it has one. */
const WITH_LAYER_NORM = CELL_VARIANTS.flatMap((v) => (v.layerNorm ? [v, cellVariant({ ...v.config, layerNorm: true })] : [v]));

describe('the cell table', () => {
  for (const variant of WITH_LAYER_NORM) {
    describe(variant.name, () => {
      it('is what cellVariant returns for its configuration', () => {
        if (variant.config.layerNorm) expect(cellVariant(variant.config)).toEqual(variant);
        else expect(cellVariant(variant.config)).toBe(variant);
      });

      it("states the kernels' saved slots and gate count as their WGSL declares them", () => {
        const schedule = { batchTile: 1, batchBlock: 1, workgroupSize: 32 };
        for (const kernel of [variant.forward, variant.backward]) {
          if (!variant.config.layerNorm) expect(wgslConstant(kernel.shader.name, 'SAVED')).toBe(variant.saved.length);
          expect(kernel.constants(variant.config, 8, schedule, true).SAVED).toBe(variant.saved.length);
          expect(wgslConstant(kernel.shader.name, 'GATES')).toBe(variant.gates.length);
        }
      });

      it('builds dW_hh from saved slots, each gate block once', () => {
        const covered = new Array<number>(variant.gates.length).fill(0);
        for (const block of variant.recurrentWeightBlocks) {
          expect(variant.saved).toContain(block.input);
          for (let g = block.firstGate; g < block.firstGate + block.gates; g++) covered[g]! += 1;
        }
        expect(covered).toEqual(variant.gates.map(() => 1));
      });

      it("binds its own parameters and the gradient rows it reads in its kernels", () => {
        const forward = reflectEntryPoint(variant.forward.shader).bindings.map((b) => b.name);
        const backward = reflectEntryPoint(variant.backward.shader).bindings.map((b) => b.name);
        if (variant.kernelParameters.length > 0) {
          expect(forward).toContain('cell_params');
          expect(backward).toContain('cell_params');
        }
        const kinds = variant.cellParameters.map((p) => p.kind);
        for (const kind of [...variant.kernelParameters, ...variant.foldedBiases]) expect(kinds).toContain(kind);
        for (const g of variant.parameterGradients) expect(backward).toContain(g.rows);
        expect(backward).toEqual(expect.arrayContaining(Object.values(variant.gradientSources)));
        for (const kernel of [variant.forward, variant.backward]) {
          const names = reflectEntryPoint(kernel.shader).bindings.map((b) => b.name);
          for (const optional of kernel.optionalBindings) expect(names).toContain(optional);
        }
      });

      it('lists blocks its kernels take, ascending', () => {
        for (const blocks of [variant.blocks.forward, variant.blocks.backward]) {
          expect(blocks.length).toBeGreaterThan(0);
          expect([...blocks].sort((a, b) => a - b)).toEqual(blocks);
        }
      });
    });
  }

  it('rejects a cell it does not have, naming it', () => {
    expect(() => cellVariant({ cell: 'lstmx' as 'lstm', resetAfter: true, nonlinearity: 'tanh' })).toThrow(ArgumentError);
    expect(() => cellVariant({ cell: 'lstmx' as 'lstm', resetAfter: true, nonlinearity: 'tanh' })).toThrow(/cell: expected 'lstm', 'gru' or 'rnn', got "lstmx"/);
  });
});
