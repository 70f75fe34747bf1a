/**
 * The WebGPU check every page runs on load: is `navigator.gpu` there, and does it give an
 * adapter? When not, the page says exactly what to do, browser by browser, instead of
 * failing later with a bare exception from the first kernel.
 */

export type WebGPUCheck = { ok: true; adapter: string } | { ok: false; reason: string };

/** Why this page cannot use WebGPU, or the adapter it would get. */
export async function checkWebGPU(): Promise<WebGPUCheck> {
  // WebGPU exists only in secure contexts: a page served over plain http from another host
  // has no navigator.gpu even in a browser that supports it, and the fix is different.
  if (!window.isSecureContext) {
    return { ok: false, reason: `this page was opened from ${location.origin}, which is not a secure context, and browsers only offer WebGPU to https:// pages and http://localhost.` };
  }
  if (!('gpu' in navigator) || !navigator.gpu) return { ok: false, reason: 'this browser has no WebGPU (navigator.gpu is missing).' };
  let adapter: GPUAdapter | null;
  try {
    adapter = await navigator.gpu.requestAdapter();
  } catch (error) {
    return { ok: false, reason: `navigator.gpu.requestAdapter() failed: ${error instanceof Error ? error.message : String(error)}.` };
  }
  if (!adapter) {
    return { ok: false, reason: 'navigator.gpu is there, but requestAdapter() returned null: WebGPU is switched off, or this GPU or driver is blocklisted (chrome://gpu says which).' };
  }
  const info = adapter.info;
  return { ok: true, adapter: [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'a WebGPU adapter' };
}

/** What to do, per browser and system; the Linux flags are the ones the tests run with. */
const ADVICE: [who: string, what: string][] = [
  ['Chrome or Edge 113 or later', 'on Windows, macOS and ChromeOS: WebGPU is on by default; update the browser.'],
  ['Chrome on Linux with a GPU', 'start it with <code>--enable-unsafe-webgpu --enable-features=Vulkan</code>.'],
  [
    'Chrome on Linux without a GPU',
    'use SwiftShader, a CPU implementation (slow, but it works): <code>--enable-unsafe-webgpu --enable-unsafe-swiftshader --use-webgpu-adapter=swiftshader --enable-features=Vulkan</code>.',
  ],
  ['Firefox 141 or later', 'on Windows WebGPU is on by default; elsewhere set <code>dom.webgpu.enabled</code> to <code>true</code> in <code>about:config</code>.'],
  ['Safari 26 or later', 'on macOS, iOS and iPadOS: WebGPU is on by default.'],
];

/** The message shown in place of the page's controls; `reason` comes from checkWebGPU. */
export function renderNoWebGPU(target: HTMLElement, reason: string): void {
  target.hidden = false;
  target.className = 'no-webgpu';
  target.innerHTML = `
    <h2>WebGPU is not available here</h2>
    <p class="reason"></p>
    <p>This demo trains networks on your GPU through WebGPU. To run it, open this page in:</p>
    <ul>${ADVICE.map(([who, what]) => `<li><strong>${who}</strong>: ${what}</li>`).join('')}</ul>
    <p>Serve the page over https or from <code>http://localhost</code> (<code>npm run demo</code> does);
    opened as a file it cannot load its modules.</p>`;
  target.querySelector('.reason')!.textContent = `Why: ${reason}`;
}
