/**
 * The tasks page: the lectures' three shapes of sequence problem, each trained live on the
 * page's one WebGPU device: parity (many-to-one), binary addition (many-to-many) and sorting
 * (encoder-decoder, greedy against beam search).
 */
import { createRuntime, type Runtime } from '../../src/index.js';
import { publish, setupPage } from '../shared/page.js';
import { addition } from './addition.js';
import { TaskCard } from './card.js';
import { parity } from './parity.js';
import { sorting } from './sorting.js';

const page = await setupPage('tasks');
let runtime: Promise<Runtime> | null = null;
// One device for every task: a second would compile every kernel again.
const getRuntime = () => (runtime ??= createRuntime());

const container = document.getElementById('tasks')!;
const cards = [parity, addition, sorting].map((spec) => new TaskCard(spec, container, getRuntime, page.webgpu));
publish('tasks', Object.fromEntries(cards.map((card) => [card.spec.id, card])));

const all = document.getElementById('train-all') as HTMLButtonElement;
all.disabled = !page.webgpu;
all.onclick = async () => {
  all.disabled = true;
  // One after another: together they would only share the same GPU more slowly.
  for (const card of cards) await card.train();
  all.disabled = false;
};
