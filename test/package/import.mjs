/**
 * The built package as its users meet it: Node imports 'webgpu-rnn' by name (through the
 * exports map) and runs a GEMM; a Vite app bundles it for the browser without Dawn; strict
 * TypeScript projects (bundler and nodenext resolution, no skipLibCheck, no WebGPU types of
 * their own) compile against its declarations.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { Tensor, createRuntime, gemm } from 'webgpu-rnn';
import * as root from 'webgpu-rnn';
import { KERNELS, encodeGemm } from 'webgpu-rnn/kernels';

const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
check(pkg.sideEffects === false && pkg.type === 'module' && pkg.exports['.'].types === './dist/index.d.ts', 'package.json: ESM, sideEffects false, exports with types');
check(readFileSync('dist/index.d.ts', 'utf8').includes('createRuntime'), 'dist/index.d.ts declares the API');
const kernelTypes = readFileSync('dist/kernels-entry.d.ts', 'utf8');
check(pkg.exports['./kernels'].types === './dist/kernels-entry.d.ts' && kernelTypes.includes("from './kernels/index.js'") && readFileSync('dist/kernels/index.d.ts', 'utf8').includes('KERNELS'), "dist/kernels-entry.d.ts declares 'webgpu-rnn/kernels'");
check(KERNELS.length > 0 && typeof encodeGemm === 'function' && !('encodeGemm' in root) && !('KERNELS' in root), `'webgpu-rnn/kernels' holds the ${KERNELS.length} kernel descriptors and encode functions; the root does not`);

const bin = pkg.bin?.['webgpu-rnn'];
const help = bin ? spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' }) : null;
check(bin === './dist/cli.js' && readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n') && help?.status === 0 && help.stdout.includes('usage: webgpu-rnn <command>'), "bin 'webgpu-rnn' is dist/cli.js, a node script that prints usage on --help");

const runtime = await createRuntime();
const a = Tensor.from(runtime, [1, 2, 3, 4, 5, 6], [2, 3]);
const product = Array.from(await gemm(a, a, { transB: true }).read());
check(JSON.stringify(product) === JSON.stringify([14, 32, 32, 77]), `import 'webgpu-rnn' in Node runs gemm: [${product}]`);
runtime.destroy();

// A browser app that imports the package: bundling must succeed and leave Dawn out.
const app = mkdtempSync(join(tmpdir(), 'webgpu-rnn-app-'));
try {
  writeFileSync(join(app, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
  writeFileSync(join(app, 'main.js'), "import { createRuntime, gemm } from 'webgpu-rnn';\nwindow.run = async () => gemm;\ncreateRuntime().then((r) => console.log(r.adapter));\n");
  await build({ root: app, logLevel: 'error', build: { outDir: join(app, 'dist') }, resolve: { alias: { 'webgpu-rnn': process.cwd() } } });
  const assets = readdirSync(join(app, 'dist', 'assets')).filter((f) => f.endsWith('.js'));
  const bundle = assets.map((f) => readFileSync(join(app, 'dist', 'assets', f), 'utf8')).join('\n');
  check(bundle.includes('fn load_a(') && bundle.includes('fn main('), `a Vite app bundles the package with its WGSL inlined (${assets.length} chunk(s), ${bundle.length} bytes)`);
  check(!bundle.includes('dawn.node'), 'the browser bundle does not contain Dawn');
} finally {
  rmSync(app, { recursive: true, force: true });
}

// Consumer TypeScript projects: the declarations must bring @webgpu/types themselves.
const consumer = mkdtempSync(join(tmpdir(), 'webgpu-rnn-ts-'));
try {
  mkdirSync(join(consumer, 'node_modules'));
  symlinkSync(process.cwd(), join(consumer, 'node_modules', 'webgpu-rnn'), 'dir');
  writeFileSync(join(consumer, 'package.json'), '{"type":"module"}');
  writeFileSync(join(consumer, 'main.ts'), [
    "import { LSTM, Tensor, createRuntime, type Runtime } from 'webgpu-rnn';",
    "import { KERNELS } from 'webgpu-rnn/kernels';",
    'const runtime: Runtime = await createRuntime();',
    'const lstm = new LSTM(runtime, { inputSize: 3, hiddenSize: 4 });',
    'const { output } = lstm.forward(Tensor.from(runtime, new Float32Array(2 * 1 * 3), [2, 1, 3]));',
    'const values: Float32Array = await output.read();',
    'const device: GPUDevice = runtime.device;',
    'console.log(values.length, device.label, KERNELS.length);',
  ].join('\n'));
  for (const resolution of ['bundler', 'nodenext']) {
    const module = resolution === 'bundler' ? 'esnext' : 'nodenext';
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, target: 'es2022', module, moduleResolution: resolution, noEmit: true, skipLibCheck: false, types: [] }, files: ['main.ts'] }));
    const tsc = spawnSync(process.execPath, [join(process.cwd(), 'node_modules/typescript/bin/tsc'), '-p', consumer], { encoding: 'utf8' });
    const errors = tsc.stdout.split('\n').filter((line) => line.includes('error TS'));
    check(tsc.status === 0, `a strict TypeScript project (moduleResolution ${resolution}, no skipLibCheck) compiles against the declarations${errors.length ? `: ${errors.length} errors, first ${errors[0]}` : ''}`);
  }
} finally {
  rmSync(consumer, { recursive: true, force: true });
}

console.log(`package: ${failures.length === 0 ? 'all checks passed' : `${failures.length} failed`}`);
process.exit(failures.length === 0 ? 0 : 1);
