/**
 * Whether a device is lost, from one listener per device: a device serves several runtimes
 * in turn (see createRuntime), and a listener per runtime would keep each one alive.
 */
const lossOf = new WeakMap<GPUDevice, { info: GPUDeviceLostInfo | null }>();

/** Starts watching `device` (once per device). */
export function watchLoss(device: GPUDevice): void {
  if (lossOf.has(device)) return;
  const state: { info: GPUDeviceLostInfo | null } = { info: null };
  lossOf.set(device, state);
  void device.lost?.then((info) => {
    state.info = info;
  });
}

/** The loss of a watched device, or null while it lives. */
export function lossInfo(device: GPUDevice): GPUDeviceLostInfo | null {
  return lossOf.get(device)?.info ?? null;
}

/** Waits up to `ms` for a loss that a failed call suggests: the lost promise settles a moment after. */
export async function settleLoss(device: GPUDevice, ms = 100): Promise<GPUDeviceLostInfo | null> {
  await Promise.race([device.lost, new Promise((resolve) => setTimeout(resolve, ms))]);
  return lossInfo(device);
}
