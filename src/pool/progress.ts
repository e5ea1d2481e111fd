/**
 * Progress on stderr: a redrawn bar on a TTY, a plain line about every 10 %
 * elsewhere (CI logs), nothing when quiet. Runs that finish within a second
 * print nothing: a progress line for an instant job is noise.
 */
import { plural } from '../format/numbers.js';

export interface Progress {
  advance(steps: number): void;
  done(): void;
}

const GRACE_MS = 1000;

export function createProgress(totalSteps: number, label: string, mode: 'auto' | 'quiet', stream: NodeJS.WriteStream = process.stderr): Progress {
  if (mode === 'quiet' || totalSteps <= 0) return { advance() {}, done() {} };
  const tty = stream.isTTY === true;
  const started = Date.now();
  let done = 0;
  let lastDecile = 0;
  let lastDraw = 0;
  let shown = false;
  const draw = () => {
    const frac = Math.min(1, done / totalSteps);
    const width = 30;
    const filled = Math.round(frac * width);
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%`);
    shown = true;
  };
  return {
    advance(steps: number) {
      done += steps;
      const now = Date.now();
      if (now - started < GRACE_MS) return;
      if (tty) {
        if (now - lastDraw > 100) {
          lastDraw = now;
          draw();
        }
      } else {
        const decile = Math.floor((Math.min(1, done / totalSteps) * 100) / 10);
        if (decile > lastDecile && decile < 10) {
          lastDecile = decile;
          stream.write(`${label}: ${decile * 10}% of ${plural(totalSteps, 'step')}\n`);
          shown = true;
        }
      }
    },
    done() {
      if (!shown) return;
      if (tty) {
        done = totalSteps;
        draw();
        stream.write('\n');
      } else {
        stream.write(`${label}: 100%\n`);
      }
    },
  };
}
