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
