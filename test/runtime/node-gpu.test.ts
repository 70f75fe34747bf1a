import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('loadNodeGpu', () => {
  it('creates a device in a process without XDG_RUNTIME_DIR and prints nothing about it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'webgpu-rnn-test-'));
    try {
      const script = join(dir, 'device.ts');
      writeFileSync(script, `import { createRuntime } from ${JSON.stringify(join(root, 'src/index.ts'))};\nconst rt = await createRuntime();\nconsole.log('adapter:', rt.adapter.description || rt.adapter.vendor);\nrt.destroy();\nprocess.exit(0);\n`);
      const env = { ...process.env };
      delete env.XDG_RUNTIME_DIR;
      const run = spawnSync(process.execPath, [join(root, 'node_modules/vite-node/dist/cli.mjs'), script], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/adapter: \S/);
      expect(run.stderr).not.toMatch(/XDG_RUNTIME_DIR/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
