/**
 * Argument checks that run before any GPU work is queued. Every message names the
 * argument, what was expected and what came.
 */

/** A caller passed something the library cannot use. */
export class ArgumentError extends Error {
  override name = 'ArgumentError';
  constructor(readonly argument: string, expected: string, received: string) {
    super(`${argument}: expected ${expected}, got ${received}`);
  }
}

/** An optional package this call needs is not installed; the message names it and how to install it. */
export class MissingPackageError extends Error {
  override name = 'MissingPackageError';
  constructor(readonly packageName: string, what: string, cause: string) {
    super(`${what} needs the npm package "${packageName}", which is not installed: npm install ${packageName} (${cause})`);
  }
}

/** The device cannot hold a requested shape; names the limit that is in the way. */
export class DeviceLimitError extends Error {
  override name = 'DeviceLimitError';
  constructor(readonly limit: string, needed: number, available: number, what: string) {
    super(`${what} needs ${limit} ≥ ${needed}, but this device allows ${available}`);
  }
}

/** The GPU device is gone (destroyed, a driver reset, a GPU removed): nothing on it can be used again. */
export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
  constructor(readonly what: string, readonly reason: string, detail: string) {
    super(`${what}: the GPU device was lost (reason "${reason}"${detail ? `: ${detail}` : ''}); its tensors and modules are gone: create a new runtime and load the weights again (train with device recovery does this by itself)`);
  }
}

export function describe(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return String(value);
}

export function checkInteger(argument: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    throw new ArgumentError(argument, range, describe(value));
  }
  return value;
}

export function checkFinite(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ArgumentError(argument, 'a finite number', describe(value));
  }
  return value;
}

export function checkShape(argument: string, shape: unknown): readonly number[] {
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
    throw new ArgumentError(argument, 'a shape: an array of non-negative integers', describe(shape));
  }
  return shape as number[];
}

export function checkOneOf<T extends string>(argument: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new ArgumentError(argument, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, describe(value));
  }
  return value as T;
}

export function checkBoolean(argument: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ArgumentError(argument, 'true or false', describe(value));
  return value;
}
