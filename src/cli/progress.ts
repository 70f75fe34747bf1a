/**
 * The training progress line: step, tokens/s, train loss, validation bits per character and
 * time left. On a terminal one line is redrawn in place; elsewhere (CI logs) a line is
 * printed every `every` steps.
 */
import type { StepInfo } from './trainer.js';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function progressLine(info: StepInfo, width = 20): string {
  const filled = Math.round((width * info.step) / info.steps);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const validation = info.lastValidation === null ? '–' : info.lastValidation.toFixed(3);
  return `${bar} step ${info.step}/${info.steps}  ${Math.round(info.tokensPerSecond).toLocaleString('en-US')} tok/s  loss ${info.loss.toFixed(3)}  val ${validation} bpc  ETA ${formatDuration(info.secondsLeft)}`;
}

export class Progress {
  private shown = false;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly every = 10,
  ) {}

  private get live(): boolean {
    return this.out.isTTY === true;
  }

  step(info: StepInfo): void {
    if (this.live) {
      this.out.write(`\r\x1b[2K${progressLine(info)}`);
      this.shown = true;
    } else if (info.step % this.every === 0 || info.step === info.steps) {
      this.out.write(`${progressLine(info)}\n`);
    }
  }

  /** Prints whole lines above the progress line. */
  print(text: string): void {
    if (this.live && this.shown) this.out.write('\r\x1b[2K');
    this.out.write(`${text}\n`);
    this.shown = false;
  }
}
