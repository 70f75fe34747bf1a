import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The demo site: `npm run demo` serves demo/ (vite picks this file up from its root), and
// `npm run demo:build` writes a static site to demo/dist. Every demo/*.html is a page of the
// build, so a page added later joins without a change here. base './' makes every URL
// relative, so the folder works from any path of any static host. The library's own build
// is ../vite.config.ts.
const root = fileURLToPath(new URL('.', import.meta.url));
const pages = Object.fromEntries(
  readdirSync(root)
    .filter((name) => name.endsWith('.html'))
    .map((name) => [name.replace(/\.html$/, ''), resolve(root, name)]),
);

export default defineConfig({
  root,
  base: './',
  // Its own pre-bundled dependencies: sharing node_modules/.vite with the browser tests' dev
  // server (another config) would make each throw away the other's.
  cacheDir: resolve(root, '../node_modules/.vite-demo'),
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: { input: pages },
    // The library with every kernel's WGSL is most of a page's 580 kB (about 160 kB gzip).
    chunkSizeWarningLimit: 1000,
  },
});
