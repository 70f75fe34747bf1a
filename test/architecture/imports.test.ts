import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every relative import and re-export of a file (type-only ones too), resolved to a .ts path. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)].map((m) => m[1]!);
  return specifiers.filter((s) => s.endsWith('.js')).map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

/** The import graph's cycles, each as the files around it (one per strongly connected group). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do group.push((w = stack.pop()!));
      while (w !== v);
      if (group.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(group.map((f) => relative(SRC, f)).sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('src/ imports', () => {
  const files = sourceFiles(SRC);
  const graph = new Map(files.map((f) => [f, importsOf(f)]));

  it('resolve to files that exist', () => {
    const known = new Set(files);
    const missing = [...graph].flatMap(([file, targets]) => targets.filter((t) => !known.has(t)).map((t) => `${relative(SRC, file)} → ${relative(SRC, t)}`));
    expect(missing).toEqual([]);
  });

  it('form no cycles (type-only imports included)', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    expect(cycles(new Map([['/a', ['/b']], ['/b', ['/c']], ['/c', ['/a']], ['/d', ['/a']]]))).toHaveLength(1);
  });

  it('keep kernel descriptors free of the modules that use them', () => {
    const kernels = files.filter((f) => relative(SRC, f).startsWith('kernels/'));
    const outward = kernels.flatMap((f) => importsOf(f).filter((t) => !/\/(kernels|gpu|core)\//.test(t)).map((t) => `${relative(SRC, f)} → ${relative(SRC, t)}`));
    expect(outward).toEqual([]);
  });
});

describe('test/ mirrors src/', () => {
  const TEST = resolve(SRC, '../test');
  /** Folders that hold shared checks, fixtures and the browser and package runs, not tests of one module. */
  const SUPPORT = new Set(['checks', 'golden', 'browser', 'package', 'architecture']);
  const shaders = new Set(readdirSync(resolve(SRC, '../shaders')).map((f) => f.replace(/\.wgsl$/, '')));
  const references = new Set(readdirSync(resolve(SRC, 'reference')).map((f) => f.replace(/\.ts$/, '')));

  it('puts each test in the folder of the code it tests', () => {
    const misplaced = readdirSync(TEST, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !SUPPORT.has(entry.name))
      .flatMap((entry) => (statSync(join(SRC, entry.name), { throwIfNoEntry: false })?.isDirectory() ? [] : [entry.name]));
    expect(misplaced).toEqual([]);
    // At the top level only tests of top-level modules (and of the README).
    const top = readdirSync(TEST).filter((f) => f.endsWith('.test.ts')).map((f) => f.replace(/\.test\.ts$/, ''));
    expect(top.filter((name) => name !== 'readme' && !statSync(join(SRC, `${name}.ts`), { throwIfNoEntry: false }))).toEqual([]);
  });

  it('names each kernel test after its kernel family (a shader or its float64 reference)', () => {
    const tests = readdirSync(join(TEST, 'kernels')).filter((f) => f.endsWith('.test.ts')).map((f) => f.replace(/\.test\.ts$/, ''));
    expect(tests.filter((name) => name !== 'descriptors' && !shaders.has(name) && !references.has(name))).toEqual([]);
  });
});
