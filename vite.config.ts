import { defineConfig } from 'vite';

// Library build: dist/index.js for import 'webgpu-rnn', dist/kernels.js for
// 'webgpu-rnn/kernels', dist/cli.js for the command line.
// Dependencies stay external: `webgpu` (Dawn) is loaded at run time in Node only, and
// wgsl_reflect is imported by its ESM path, which Node and bundlers both resolve.
export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    lib: {
      entry: { index: 'src/index.ts', kernels: 'src/kernels-entry.ts', cli: 'src/cli/main.ts' },
      formats: ['es'],
    },
    rollupOptions: {
      external: [/^node:/, 'webgpu', /^wgsl_reflect/, /^@stdlib/],
      output: { chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
