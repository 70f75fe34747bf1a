import { afterAll, beforeAll, expect } from 'vitest';
import { ArgumentError, createRuntime, type Runtime } from '../src/index.js';
import type { CheckResult } from './checks/kernel-checks.js';

/**
 * One runtime per test file, made in beforeAll (Dawn's requestAdapter must not run in a
 * worker thread) and destroyed in afterAll.
 */
export function useRuntime(): () => Runtime {
  let runtime: Runtime | undefined;
  beforeAll(async () => {
    runtime = await createRuntime();
  });
  afterAll(() => runtime?.destroy());
  return () => {
    if (!runtime) throw new Error('runtime not ready');
    return runtime;
  };
}

/** Fails with every failing check's message, not only the first. */
export function expectAllPass(results: CheckResult[]): void {
  const failures = results.filter((r) => !r.ok).map((r) => `${r.name}\n${r.message}`);
  expect(failures, failures.join('\n\n')).toEqual([]);
  expect(results.length).toBeGreaterThan(0);
}

/**
 * Asserts that `call` rejects with an ArgumentError whose message contains `message`, and
 * that it queued no GPU work on `runtime` first.
 */
export async function expectRejectedBeforeWork(runtime: Runtime, call: () => Promise<unknown>, message: string): Promise<void> {
  const error = await call().then(() => null, (e: unknown) => e);
  expect(error, message).toBeInstanceOf(ArgumentError);
  expect((error as Error).message).toContain(message);
  expect(runtime.hasPendingWork, message).toBe(false);
}
