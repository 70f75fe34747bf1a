import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { KERNELS, bindGroupLayoutEntries, gemmKernel, packUniforms, reduceColumnsKernel, reflectEntryPoint, type ShaderSource } from '../../src/kernels-entry.js';
import { useRuntime } from '../helpers.js';

/** Every shader the library ships, as its kernel descriptors compose them. */
const SHADERS: readonly ShaderSource[] = KERNELS.map((kernel) => kernel.shader);

/** Shared WGSL the host prepends to a kernel's file (the recurrent kernels'). */
const COMMON = 'recurrent_common.wgsl';
const readShader = (file: string): string => readFileSync(new URL(`../../shaders/${file}`, import.meta.url), 'utf8');

/** Constants that overrides without defaults need before a pipeline can be made. */
const REQUIRED_CONSTANTS: Record<string, Record<string, number>> = {
  lstm_forward: { H: 8, HS: 8, BT: 2 },
  gru_forward: { H: 8, HS: 8, BT: 2 },
  rnn_forward: { H: 8, HS: 8, BT: 2 },
  lstm_backward: { H: 8, HS: 8, BT: 2 },
  gru_backward: { H: 8, HS: 8, BT: 2 },
  rnn_backward: { H: 8, HS: 8, BT: 2 },
};

/**
 * An independent reading of a shader's declarations, by regular expression, to check
 * that what reflection hands the pipeline layout is what the WGSL file says.
 */
function declaredBindings(code: string): { name: string; binding: number; kind: string }[] {
  const pattern = /@group\(0\)\s*@binding\((\d+)\)\s*var<(uniform|storage)(?:,\s*(read|read_write))?>\s*(\w+)/g;
  return [...code.matchAll(pattern)].map((m) => ({
    binding: Number(m[1]),
    name: m[4]!,
    kind: m[2] === 'uniform' ? 'uniform' : m[3] === 'read_write' ? 'storage' : 'read-only-storage',
  }));
}

function declaredStructFields(code: string, struct: string): string[] {
  const body = new RegExp(`struct\\s+${struct}\\s*\\{([^}]*)\\}`).exec(code)?.[1] ?? '';
  return [...body.matchAll(/^\s*(\w+)\s*:/gm)].map((m) => m[1]!);
}

describe('reflection', () => {
  const runtime = useRuntime();

  it('covers every file in shaders/', () => {
    const files = readdirSync(new URL('../../shaders', import.meta.url)).filter((f) => f.endsWith('.wgsl') && f !== COMMON);
    expect(SHADERS.map((s) => `${s.name}.wgsl`).sort()).toEqual(files.sort());
  });

  for (const shader of SHADERS) {
    const entryPoints = [...shader.code.matchAll(/@compute[^\n]*\n\s*fn (\w+)/g)].map((m) => m[1]!);

    it(`${shader.name}: bind group layouts match the WGSL declarations`, () => {
      const fromFile = readShader(`${shader.name}.wgsl`);
      // The compiled code is the kernel's file, after the common declarations where it uses them.
      expect([fromFile, `${readShader(COMMON)}\n${fromFile}`]).toContain(shader.code);
      expect(entryPoints.length).toBeGreaterThan(0);
      const declared = declaredBindings(shader.code).sort((a, b) => a.binding - b.binding);
      const used = new Map<number, unknown>();
      for (const entryPoint of entryPoints) {
        const layout = reflectEntryPoint(shader, entryPoint);
        const bindings = layout.bindings.map(({ name, binding, kind }) => ({ name, binding, kind }));
        // Each entry point binds a subset of the declarations, exactly as declared.
        for (const b of bindings) expect(declared).toContainEqual(b);
        for (const b of bindings) used.set(b.binding, b);
        expect(bindGroupLayoutEntries(layout).map((e) => [e.binding, e.buffer?.type])).toEqual(bindings.map((d) => [d.binding, d.kind]));
      }
      expect([...used.values()].sort((a, b) => (a as { binding: number }).binding - (b as { binding: number }).binding)).toEqual(declared);
    });

    it(`${shader.name}: uniform offsets follow WGSL layout rules for scalar members`, () => {
      const uniform = reflectEntryPoint(shader, entryPoints[0]).uniform!;
      const fields = declaredStructFields(shader.code, uniform.structName);
      expect(uniform.fields.map((f) => f.name)).toEqual(fields);
      // Scalars of 4 bytes pack densely, and a uniform struct rounds up to 16.
      expect(uniform.fields.map((f) => f.offset)).toEqual(fields.map((_, i) => i * 4));
      expect(uniform.byteSize).toBe(Math.ceil((fields.length * 4) / 16) * 16);
    });

    it(`${shader.name}: the device accepts the reflected layout of every entry point`, async () => {
      const device = runtime().device;
      device.pushErrorScope('validation');
      for (const entryPoint of entryPoints) {
        const kernel = runtime().kernels.get({ shader, entryPoint, constants: REQUIRED_CONSTANTS[shader.name] ?? {} });
        expect(kernel.layout).toEqual(reflectEntryPoint(shader, entryPoint));
      }
      expect(await device.popErrorScope()).toBeNull();
    });
  }

  it('packs uniforms at reflected offsets and rejects missing, unknown and out-of-range fields', () => {
    const uniform = reflectEntryPoint(reduceColumnsKernel.shader).uniform!;
    const values = { rows: 3, cols: 5, ld: 5, offset_x: 7, offset_out: 11, rows_per_group: 1024, alpha: 0.5, beta: -2, ld_y: 0, offset_y: 0 };
    const view = new DataView(packUniforms(uniform, values));
    expect(view.getUint32(4, true)).toBe(5);
    expect(view.getUint32(20, true)).toBe(1024);
    expect(view.getFloat32(24, true)).toBe(0.5);
    expect(view.getFloat32(28, true)).toBe(-2);
    const { beta: _, ...missing } = values;
    expect(() => packUniforms(uniform, missing)).toThrow(/ReduceParams\.beta was not given/);
    expect(() => packUniforms(uniform, { ...values, gamma: 1 })).toThrow(/no field gamma/);
    expect(() => packUniforms(uniform, { ...values, rows: -1 })).toThrow(/does not fit u32/);
  });

  it('caches a pipeline under the key of the constants that made it', () => {
    const cache = runtime().kernels;
    const a = cache.get({ shader: gemmKernel.shader, constants: { TRANS_A: true, WG_M: 16 } });
    const b = cache.get({ shader: gemmKernel.shader, constants: { WG_M: 16, TRANS_A: true } });
    const c = cache.get({ shader: gemmKernel.shader, constants: { WG_M: 16, TRANS_A: false } });
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(a.pipeline.label).toContain('TRANS_A=1');
    expect(() => cache.get({ shader: gemmKernel.shader, constants: { TRANS_C: true } })).toThrow(/no override constant TRANS_C/);
    expect(() => cache.get({ shader: gemmKernel.shader, constants: { TRANS_A: 1 } })).toThrow(/TRANS_A is bool/);
  });

  it("binds at most 8 storage buffers per entry point (WebGPU's default limit, so every device runs it), the recurrent kernels at most 10", () => {
    const counts = KERNELS.flatMap((kernel) => (kernel.entryPoints ?? ['main']).map((entry) => ({
      name: `${kernel.shader.name}.${entry}`,
      recurrent: /^(lstm|gru|rnn)_/.test(kernel.shader.name),
      storage: reflectEntryPoint(kernel.shader, entry).bindings.filter((b) => b.kind !== 'uniform').length,
    })));
    expect(counts.length).toBeGreaterThan(20);
    expect(counts.filter((c) => c.storage > (c.recurrent ? 10 : 8)).map((c) => `${c.name}: ${c.storage}`)).toEqual([]);
  });
});
