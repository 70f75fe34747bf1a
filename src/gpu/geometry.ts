/** Dispatch geometry shared by kernels: grids that respect the per-dimension workgroup limit. */

/** Workgroup grid for an elementwise kernel: 2D when one dimension would pass the limit. */
export function elementwiseGrid(count: number, workgroupSize: number, limits: GPUSupportedLimits): [number, number] {
  const groups = Math.ceil(count / workgroupSize);
  const max = limits.maxComputeWorkgroupsPerDimension;
  if (groups <= max) return [Math.max(groups, 1), 1];
  return [max, Math.ceil(groups / max)];
}

/** Bytes a workgroup array of `bytes` occupies: WGSL rounds each to 16. */
export function workgroupArrayBytes(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
