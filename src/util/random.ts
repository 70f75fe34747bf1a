/** Seeded uniform numbers (mulberry32), so every test input is reproducible. */
export function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Float32-representable values uniform in [lo, hi). */
export function randomArray(length: number, seed: number, lo = -1, hi = 1): Float32Array {
  const next = randomGenerator(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = lo + (hi - lo) * next();
  return out;
}

/** Standard normal samples (Box–Muller) from a seeded uniform generator. */
export function normalGenerator(seed: number): () => number {
  const uniform = randomGenerator(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const u = Math.max(uniform(), Number.MIN_VALUE);
    const v = uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
}
