import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Every TypeScript example in README.md runs, importing this checkout instead of the
 * published package, so the README stays true.
 */
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const dir = new URL('./.readme-examples/', import.meta.url);

describe('README examples', () => {
  it('has examples', () => expect(blocks.length).toBeGreaterThanOrEqual(3));

  blocks.forEach((code, index) => {
    it(`example ${index + 1} runs`, async () => {
      mkdirSync(dir, { recursive: true });
      const file = new URL(`example-${index + 1}.ts`, dir);
      writeFileSync(file, code.replaceAll("from 'webgpu-rnn'", "from '../../src/index.js'"));
      try {
        await import(/* @vite-ignore */ file.href);
      } finally {
        rmSync(file);
      }
    });
  });
});
