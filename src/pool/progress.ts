/**
 * Progress on stderr: a redrawn bar on a TTY, a plain line about every 10 %
 * elsewhere (CI logs), nothing when quiet.
 */
export interface Progress {
  advance(steps: number): void;
  done(): void;
}

export function createProgress(totalSteps: number, label: string, mode: 'auto' | 'quiet', stream: NodeJS.WriteStream = process.stderr): Progress {
  if (mode === 'quiet' || totalSteps <= 0) return { advance() {}, done() {} };
  const tty = stream.isTTY === true;
  let done = 0;
  let lastDecile = 0;
  let lastDraw = 0;
  const draw = () => {
    const frac = Math.min(1, done / totalSteps);
    const width = 30;
    const filled = Math.round(frac * width);
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%`);
  };
  return {
    advance(steps: number) {
      done += steps;
      if (tty) {
        const now = Date.now();
        if (now - lastDraw > 100) {
          lastDraw = now;
          draw();
        }
      } else {
        const decile = Math.floor((Math.min(1, done / totalSteps) * 100) / 10);
        if (decile > lastDecile && decile < 10) {
          lastDecile = decile;
          stream.write(`${label}: ${decile * 10}%\n`);
        }
      }
    },
    done() {
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
