/**
 * The training progress line, every loss in bits per character (log2 of the perplexity
 * per character; nats ÷ ln 2):
 *   [######--------------] step 120/300  epoch 0.21  train 2.412 bits/char  val 2.633 bits/char @100  lr 0.01  grad 0.84  1,988 tok/s  ETA 3:05
 * On a terminal one line is redrawn in place, in colour (NO_COLOR turns colour off,
 * FORCE_COLOR on); piped (CI logs, files) a plain line is printed every `every` steps.
 */
import { createColors } from 'picocolors';
import type { StepInfo } from './trainer.js';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export type Colors = ReturnType<typeof createColors>;

/** Colour for a terminal unless NO_COLOR is set; FORCE_COLOR (not 0) forces it. */
export function colorsFor(out: { isTTY?: boolean }, env: Record<string, string | undefined> = process.env): Colors {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  return createColors(forced || (out.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb'));
}

/** Fields dropped, in this order, until the line fits the terminal's width. */
const DROPPED_FIRST = ['lr', 'epoch', 'grad', 'bar'] as const;

export function progressLine(info: StepInfo, colors: Colors = createColors(false), columns = Infinity): string {
  const width = 20;
  const filled = Math.round((width * info.step) / info.steps);
  const validation = info.lastValidation === null ? '–' : `${colors.green(info.lastValidation.bitsPerCharacter.toFixed(3))} bits/char @${info.lastValidation.step}`;
  const fields: [name: string, text: string][] = [
    ['bar', colors.dim(`[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`)],
    ['step', `step ${info.step}/${info.steps}`],
    ['epoch', `epoch ${info.epoch.toFixed(2)}`],
    ['train', `train ${colors.cyan((info.loss / Math.LN2).toFixed(3))} bits/char`],
    ['val', `val ${validation}`],
    ['lr', `lr ${info.lr}`],
    ['grad', `grad ${info.gradientNorm.toPrecision(3)}`],
    ['speed', `${Math.round(info.tokensPerSecond).toLocaleString('en-US')} tok/s`],
    ['eta', `ETA ${colors.yellow(formatDuration(info.secondsLeft))}`],
    ...(info.skipped ? [['skipped', colors.red('skipped: non-finite loss or gradient')] as [string, string]] : []),
  ];
  const line = () => fields.map(([, text]) => text).join('  ');
  const visible = () => line().replace(/\x1b\[[0-9;]*m/g, '').length;
  for (const name of DROPPED_FIRST) {
    if (visible() < columns) break;
    fields.splice(fields.findIndex(([n]) => n === name), 1);
  }
  return line();
}

export class Progress {
  private shown = false;
  readonly colors: Colors;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly every = 10,
  ) {
    this.colors = colorsFor(out);
  }

  private get live(): boolean {
    return this.out.isTTY === true;
  }

  step(info: StepInfo): void {
    if (this.live) {
      this.out.write(`\r\x1b[2K${progressLine(info, this.colors, this.out.columns)}`);
      this.shown = true;
    } else if (info.step % this.every === 0 || info.step === info.steps) {
      this.out.write(`${progressLine(info, this.colors)}\n`);
    }
  }

  /** Prints whole lines above the progress line. */
  print(text: string): void {
    if (this.live && this.shown) this.out.write('\r\x1b[2K');
    this.out.write(`${text}\n`);
    this.shown = false;
  }
}
