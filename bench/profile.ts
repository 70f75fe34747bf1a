/**
 * GPU time by kernel for one inference and one training step of each canonical shape,
 * from timestamp queries (where the adapter has them).
 *   npm run bench:profile [-- --shapes=lm-small]
 */
import { createRuntime } from '../src/index.js';
import { profileOnce } from './measure.js';
import { engineCase } from './engine.js';
import { CANONICAL_SHAPES } from './shapes.js';

const selected = process.argv.find((a) => a.startsWith('--shapes='))?.slice('--shapes='.length).split(',');
const runtime = await createRuntime();
if (!runtime.canProfile) {
  console.log(`${runtime.adapter.description || runtime.adapter.vendor}: no timestamp-query feature, nothing to profile`);
  process.exit(0);
}
for (const shape of CANONICAL_SHAPES.filter((s) => !selected || selected.includes(s.name))) {
  const bench = engineCase(runtime, shape);
  for (const [name, once] of [['inference', bench.inference], ['training step', bench.trainingStep]] as const) {
    const times = await profileOnce(runtime, once);
    const total = times.reduce((sum, t) => sum + t.milliseconds, 0);
    console.log(`\n${shape.name} ${name}: ${total.toFixed(1)} ms of GPU time`);
    for (const t of times) console.log(`  ${t.kernel.padEnd(40)} ${String(t.dispatches).padStart(5)} dispatches ${t.milliseconds.toFixed(1).padStart(9)} ms ${((100 * t.milliseconds) / total).toFixed(1).padStart(5)}%`);
  }
  bench.dispose();
}
runtime.destroy();
process.exit(0);
