/**
 * The base of every layer, network and model. A module registers its parameters and its
 * child modules once; names, state dicts, gradients and disposal follow from that. Keys
 * are dotted paths in PyTorch's form (`encoder.weight_ih_l0`, `head.weight`), so a PyTorch
 * model of the same structure loads unchanged.
 */
import type { Runtime } from '../runtime/runtime.js';
import type { Tensor } from '../tensor.js';
import { ArgumentError, describe } from '../errors.js';
import type { StateDict } from './types.js';
import { checkStateEntry, checkStateKeys } from './state-dict.js';
import type { Parameter } from '../train/parameter.js';
import { decodeSafetensors, encodeSafetensors, withoutPrefix } from '../io/safetensors.js';

/** A trainable tensor as its module holds it: key within the module, value and gradient. */
export interface OwnParameter {
  readonly key: string;
  readonly value: Tensor<'f32'>;
  readonly grad: Tensor<'f32'>;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export abstract class Module {
  abstract readonly runtime: Runtime;
  /** Prefix of parameter names while this module is a root; as a child, its key replaces it. */
  abstract readonly name: string;
  private readonly registered: OwnParameter[] = [];
  private readonly registeredChildren = new Map<string, Module>();
  private parent: { module: Module; key: string } | null = null;

  /** Dotted path from the root: the root's name, then each registration key. */
  get path(): string {
    if (!this.parent) return this.name;
    const above = this.parent.module.path;
    return above ? `${above}.${this.parent.key}` : this.parent.key;
  }

  /** Adds a parameter stored in PyTorch's layout under `key` (e.g. 'weight'). */
  protected registerParameter(key: string, value: Tensor<'f32'>, grad: Tensor<'f32'>): void {
    this.checkNewKey(key);
    this.registered.push({ key, value, grad });
  }

  /** Adds a child whose entries are `key.*`; returns it, for `this.head = this.registerModule(...)`. */
  protected registerModule<M extends Module>(key: string, module: M): M {
    this.checkNewKey(key);
    if (!(module instanceof Module)) throw new ArgumentError(key, 'a Module', describe(module));
    if (module.parent) throw new ArgumentError(key, 'a module not yet registered in another', `one registered as ${module.path}`);
    module.parent = { module: this, key };
    this.registeredChildren.set(key, module);
    return module;
  }

  private checkNewKey(key: string): void {
    if (!KEY.test(key)) throw new ArgumentError('key', 'an identifier (letters, digits, _)', describe(key));
    if (this.registered.some((p) => p.key === key) || this.registeredChildren.has(key)) throw new ArgumentError('key', 'a key not yet registered', describe(key));
  }

  /** Child modules with their keys, in registration order. */
  children(): [string, Module][] {
    return [...this.registeredChildren];
  }

  /** Every trainable tensor, this module's first, named by its dotted path from the root. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Parameters keyed by their path below this module (`rnn.l0.weight_ih`). */
  namedParameters(): [string, Parameter][] {
    const prefix = this.path;
    const own = this.ownParameters().map(({ key, value, grad }): [string, Parameter] => [key, { name: prefix ? `${prefix}.${key}` : key, value, grad }]);
    const below = this.children().flatMap(([key, child]) => child.namedParameters().map(([k, p]): [string, Parameter] => [`${key}.${k}`, p]));
    return [...own, ...below];
  }

  /** Every key stateDict() gives, with its shape, in PyTorch's order. */
  stateShapes(): [string, readonly number[]][] {
    const below = this.children().flatMap(([key, child]) => child.stateShapes().map(([k, s]): [string, readonly number[]] => [`${key}.${k}`, s]));
    return [...this.ownShapes(), ...below];
  }

  /** PyTorch's state_dict: this module's entries, then each child's under its key. */
  stateDict(): Promise<StateDict> {
    return this.collect((m) => m.readOwnState());
  }

  /** The gradients, named and laid out as stateDict() (as each PyTorch parameter's .grad). */
  gradientStateDict(): Promise<StateDict> {
    return this.collect((m) => m.readOwnGradients());
  }

  private async collect(read: (m: Module) => Promise<StateDict>): Promise<StateDict> {
    const dict: StateDict = { ...(await read(this)) };
    for (const [key, child] of this.children()) for (const [k, v] of Object.entries(await child.collect(read))) dict[`${key}.${k}`] = v;
    return dict;
  }

  /** Checks a whole dict without writing: every key present, none unexpected, shapes and sizes right. */
  checkStateDict(dict: StateDict): void {
    const expected = this.stateShapes();
    checkStateKeys('stateDict', dict, expected.map(([key]) => key));
    for (const [key, shape] of expected) checkStateEntry('stateDict', dict, key, shape);
  }

  /** Checks the whole dict first (checkStateDict), so a rejected dict changes nothing. */
  loadStateDict(dict: StateDict): void {
    this.checkStateDict(dict);
    this.writeState(dict, '');
  }

  private writeState(dict: StateDict, prefix: string): void {
    this.writeOwnState(Object.fromEntries(this.ownShapes().map(([key]) => [key, dict[prefix + key]!])));
    for (const [key, child] of this.children()) child.writeState(dict, `${prefix}${key}.`);
  }

  /** The state dict as a safetensors file, readable by safetensors.torch.load_file. */
  async saveSafetensors(metadata: Record<string, string> = {}): Promise<Uint8Array> {
    return encodeSafetensors(await this.stateDict(), metadata);
  }

  /** Loads a safetensors state dict; `prefix` selects a submodule's entries, e.g. 'encoder.'. */
  loadSafetensors(bytes: Uint8Array, prefix = ''): void {
    this.loadStateDict(withoutPrefix(decodeSafetensors(bytes).tensors, prefix));
  }

  zeroGradients(): void {
    this.zeroOwnGradients();
    for (const [, child] of this.children()) child.zeroGradients();
  }

  dispose(): void {
    this.disposeOwn();
    for (const [, child] of this.children()) child.dispose();
  }

  // Hooks for this module's own entries (not its children's). The defaults serve registered
  // parameters; a module whose engine layout differs from PyTorch's overrides them together.

  /** Trainable tensors in the engine's layout, keyed within this module. */
  protected ownParameters(): OwnParameter[] {
    return this.registered;
  }

  /** This module's state-dict keys (PyTorch's names) and shapes. */
  protected ownShapes(): [string, readonly number[]][] {
    return this.registered.map((p) => [p.key, p.value.shape]);
  }

  protected async readOwnState(): Promise<StateDict> {
    const dict: StateDict = {};
    for (const p of this.registered) dict[p.key] = { shape: p.value.shape, data: await p.value.read() };
    return dict;
  }

  protected async readOwnGradients(): Promise<StateDict> {
    const dict: StateDict = {};
    for (const p of this.registered) dict[p.key] = { shape: p.grad.shape, data: await p.grad.read() };
    return dict;
  }

  /** Writes entries already checked against ownShapes(): exactly those keys, right shapes. */
  protected writeOwnState(dict: StateDict): void {
    for (const p of this.registered) p.value.write(dict[p.key]!.data);
  }

  protected zeroOwnGradients(): void {
    if (this.registered.length === 0) return;
    const encoder = this.runtime.commandEncoder();
    for (const p of this.registered) encoder.clearBuffer(p.grad.buffer, 0, p.grad.byteLength);
  }

  protected disposeOwn(): void {
    for (const p of this.registered) {
      p.value.dispose();
      p.grad.dispose();
    }
  }
}
