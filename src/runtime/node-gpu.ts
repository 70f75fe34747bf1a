/**
 * navigator.gpu for Node: Dawn from the `webgpu` package, with SwiftShader found by
 * itself on Linux machines that have no hardware Vulkan driver.
 */
import { MissingPackageError } from '../errors.js';

/** Where Linux packages put SwiftShader's Vulkan ICD (Debian's chromium ships one). */
export const SWIFTSHADER_ICD_PATHS = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib64/chromium/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
  '/opt/google/chrome/vk_swiftshader_icd.json',
];

/** Vulkan drivers that Dawn does not accept (Mesa's lavapipe lacks required features). */
const REJECTED_ICD = /lvp_icd|lavapipe/;
/** Mesa's hardware drivers register an ICD whether or not their GPU is present. */
const MESA_HARDWARE_ICD = /intel|radeon|nouveau|freedreno|panfrost|broadcom|virtio|asahi|powervr|dzn/;

export type NodeAdapterChoice = 'auto' | 'hardware' | 'swiftshader';

export interface NodeGpu {
  gpu: GPU;
  /** Why this adapter source was chosen, for messages. */
  source: 'hardware' | 'swiftshader';
}

interface NodeModules {
  fs: typeof import('node:fs');
  path: typeof import('node:path');
  os: typeof import('node:os');
}

// Kept out of bundlers' sight: browser builds never load Dawn.
const dawnSpecifier = 'webgpu';

/**
 * Dawn instances live for the whole process: collecting one while a device made from it
 * is alive aborts the process, and one instance per adapter source is enough.
 */
const instances = new Map<NodeGpu['source'], GPU>();

export async function loadNodeGpu(choice: NodeAdapterChoice, powerPreference?: GPUPowerPreference): Promise<NodeGpu & { adapter: GPUAdapter }> {
  const { fs, path, os } = await nodeModules();
  let dawn: { create(flags: string[]): GPU; globals: object };
  try {
    dawn = await import(/* @vite-ignore */ dawnSpecifier);
  } catch (error) {
    throw new MissingPackageError('webgpu', 'WebGPU in Node (Dawn)', (error as Error).message);
  }
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in globalThis)) (globalThis as Record<string, unknown>)[name] = value;
  }

  const env = process.env;
  // Vulkan drivers probe Wayland through libwayland-client, which prints "XDG_RUNTIME_DIR is
  // invalid or not set" on machines without a login session; a private runtime directory,
  // as a session would give, keeps it quiet.
  if (process.platform === 'linux' && !env.XDG_RUNTIME_DIR?.startsWith('/')) env.XDG_RUNTIME_DIR = privateRuntimeDirectory(fs, path, os);
  const explicitIcd = env.VK_ICD_FILENAMES ?? env.VK_DRIVER_FILES;
  const tryHardware = choice === 'hardware' || (choice === 'auto' && (explicitIcd !== undefined || hasUsableIcd(fs, path)));

  const instance = (source: NodeGpu['source']): GPU => {
    let gpu = instances.get(source);
    if (!gpu) instances.set(source, (gpu = dawn.create([])));
    return gpu;
  };

  if (tryHardware && !(choice === 'auto' && instances.has('swiftshader'))) {
    const gpu = instance('hardware');
    const adapter = await gpu.requestAdapter(powerPreference ? { powerPreference } : {});
    if (adapter) return { gpu, adapter, source: 'hardware' };
    if (choice === 'hardware') throw new Error(noAdapterMessage(fs, 'no hardware adapter was found'));
  }

  const icd = env.WEBGPU_RNN_SWIFTSHADER_ICD ?? SWIFTSHADER_ICD_PATHS.find((p) => fs.existsSync(p));
  if (!icd) throw new Error(noAdapterMessage(fs, 'SwiftShader\'s Vulkan driver was not found'));
  // The Vulkan loader reads this when Dawn creates its instance, so set it before create().
  if (!instances.has('swiftshader')) env.VK_ICD_FILENAMES = icd;
  const gpu = instance('swiftshader');
  const adapter = await gpu.requestAdapter(powerPreference ? { powerPreference } : {});
  if (!adapter) throw new Error(noAdapterMessage(fs, `Dawn found no adapter through ${icd}`));
  return { gpu, adapter, source: 'swiftshader' };
}

async function nodeModules(): Promise<NodeModules> {
  const [fsName, pathName, osName] = ['node:fs', 'node:path', 'node:os'];
  return { fs: await import(/* @vite-ignore */ fsName), path: await import(/* @vite-ignore */ pathName), os: await import(/* @vite-ignore */ osName) };
}

/** A directory only this user can enter (mode 0700, owned by us), made once per user. */
function privateRuntimeDirectory(fs: NodeModules['fs'], path: NodeModules['path'], os: NodeModules['os']): string {
  const uid = process.getuid?.() ?? 0;
  const shared = path.join(os.tmpdir(), `webgpu-rnn-runtime-${uid}`);
  fs.mkdirSync(shared, { recursive: true, mode: 0o700 });
  const stat = fs.lstatSync(shared);
  if (stat.isDirectory() && stat.uid === uid && (stat.mode & 0o077) === 0) return shared;
  // Someone else made that path: take a fresh one instead.
  return fs.mkdtempSync(path.join(os.tmpdir(), 'webgpu-rnn-runtime-'));
}

/** True when a Vulkan driver that can reach real hardware is registered system-wide. */
function hasUsableIcd(fs: NodeModules['fs'], path: NodeModules['path']): boolean {
  const hasRenderNode = fs.existsSync('/dev/dri') && fs.readdirSync('/dev/dri').some((n) => n.startsWith('renderD'));
  const dirs = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      const base = path.basename(name);
      if (!base.endsWith('.json') || REJECTED_ICD.test(base)) continue;
      if (!MESA_HARDWARE_ICD.test(base) || hasRenderNode) return true;
    }
  }
  return false;
}

function noAdapterMessage(fs: NodeModules['fs'], why: string): string {
  const loader = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1'];
  const hasLoader = process.platform !== 'linux' || loader.some((p) => fs.existsSync(p));
  const steps = [
    hasLoader ? null : 'the Vulkan loader libvulkan.so.1 is missing: apt-get install libvulkan1',
    'for a CPU-only machine, install SwiftShader with Debian\'s chromium package: apt-get install chromium',
    'or point WEBGPU_RNN_SWIFTSHADER_ICD at a vk_swiftshader_icd.json',
    'or pass your own GPUDevice to createRuntime({ device })',
  ].filter(Boolean);
  return `No WebGPU adapter: ${why}. To fix: ${steps.join('; ')}.`;
}
