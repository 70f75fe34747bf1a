/**
 * Float64 reference of shaders/elementwise.wgsl's dropout mask, written again on the host
 * so that the GPU's masks can be checked bit for bit: element i keeps its value when
 * pcg(seed ^ pcg(key(i))) / 2³² ≥ p, key(i) = ⌊i / keyDiv⌋ · keyMod + i mod keyMod.
 */

/** Which elements share a mask value (as src/kernels/elementwise.ts's DropoutMask). */
export interface ReferenceDropoutMask {
  p: number;
  seed: number;
  keyDiv: number;
  keyMod: number;
}

/** The PCG hash (O'Neill) on u32. */
export function referencePcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** Whether the mask keeps the element with this key. */
export function referenceDropoutKeeps(seed: number, key: number, p: number): boolean {
  return (referencePcgHash((seed ^ referencePcgHash(key)) >>> 0) >>> 8) / 16777216 >= p;
}

/** Each element's factor: 1 / (1 − p) where kept, 0 where dropped. */
export function referenceDropoutScale(count: number, mask: ReferenceDropoutMask): Float64Array {
  return Float64Array.from({ length: count }, (_, i) => {
    const key = Math.floor(i / mask.keyDiv) * mask.keyMod + (i % mask.keyMod);
    return referenceDropoutKeeps(mask.seed, key, mask.p) ? 1 / (1 - mask.p) : 0;
  });
}
