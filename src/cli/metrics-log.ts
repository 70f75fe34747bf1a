/**
 * A run's loss log: `metrics.jsonl` in its checkpoint directory, one JSON object a line,
 *   {"step": 12, "kind": "train", "loss_nats": 2.31, "bits_per_char": 3.33, "tokens_per_second": 1650}
 *   {"step": 50, "kind": "validation", "bits_per_char": 3.29}
 * for plotting or comparing runs. A resumed run continues the log from its checkpoint's
 * step: lines past it (from a run that went further) are dropped, so no step appears twice.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const METRICS_FILE = 'metrics.jsonl';

/** The step of a log line, or null for a line that is not one (a write cut short). */
function stepOf(line: string): number | null {
  try {
    const step = (JSON.parse(line) as { step?: unknown }).step;
    return typeof step === 'number' ? step : null;
  } catch {
    return null;
  }
}

export class MetricsLog {
  readonly path: string;

  constructor(directory: string, startStep: number) {
    mkdirSync(directory, { recursive: true });
    this.path = join(directory, METRICS_FILE);
    const earlier = startStep > 0 && existsSync(this.path) ? readFileSync(this.path, 'utf8').split('\n') : [];
    const kept = earlier.filter((line) => {
      const step = stepOf(line);
      return step !== null && step <= startStep;
    });
    writeFileSync(this.path, kept.map((line) => `${line}\n`).join(''));
  }

  train(step: number, lossNats: number, tokensPerSecond: number): void {
    this.append({ step, kind: 'train', loss_nats: lossNats, bits_per_char: lossNats / Math.LN2, tokens_per_second: Math.round(tokensPerSecond) });
  }

  validation(step: number, bitsPerCharacter: number): void {
    this.append({ step, kind: 'validation', bits_per_char: bitsPerCharacter });
  }

  private append(entry: Record<string, number | string>): void {
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
  }
}
