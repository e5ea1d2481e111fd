/**
 * SIGTERM and SIGINT at any moment of a run that writes a report: the run
 * ends with 0 (it had finished) or 130/143, and the output folder is the
 * previous one, absent, or the complete new one, never half; no temporary
 * folder, set-aside folder or lock is left; a rerun completes it.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, gdsweep, ROOT, tempDir } from '../helpers/cli.js';

type Signal = 'SIGTERM' | 'SIGINT';

interface Ending {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** The signal was sent while the report's temporary folder existed. */
  duringReport: boolean;
}

let reference: Record<string, Buffer>;

function filesOf(dir: string): Record<string, Buffer> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))]));
}

/**
 * Run the seed sweep with its report into `out` and send `signal` (`count`
 * times, 30 ms apart): `after` ms after the start, or, with `whenTmp`, that
 * many ms after the temporary folder of the report appears.
 */
function signalledRun(out: string, signal: Signal, after: number, whenTmp: boolean, count = 1): Promise<Ending> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'run', 'sweeps/seed.yaml', '--out', out, '--force', '--quiet'], { cwd: ROOT, env: { ...process.env, CI: 'true' } });
    let stderr = '';
    let duringReport = false;
    let exited = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const fire = () => {
      if (exited) return;
      duringReport = existsSync(out) && readdirSync(out).some((n) => n.startsWith('.seed.tmp-'));
      for (let k = 0; k < count; k++) setTimeout(() => !exited && child.kill(signal), 30 * k);
    };
    let poll: NodeJS.Timeout | null = null;
    if (whenTmp) {
      poll = setInterval(() => {
        if (existsSync(out) && readdirSync(out).some((n) => n.startsWith('.seed.tmp-'))) {
          clearInterval(poll as NodeJS.Timeout);
          poll = null;
          setTimeout(fire, after);
        }
      }, 5);
    } else setTimeout(fire, after);
    child.on('exit', (code, sig) => {
      exited = true;
      if (poll) clearInterval(poll);
      resolve({ code, signal: sig, stderr, duringReport });
    });
  });
}

/** The state every ending must leave: a whole folder or none (or the previous), nothing temporary. */
function expectClean(out: string, hadPrevious: boolean): void {
  const names = readdirSync(out);
  expect(names.filter((n) => n.includes('.tmp-') || n.includes('.old-') || n.endsWith('.lock'))).toEqual([]);
  if (existsSync(join(out, 'seed'))) expect(filesOf(join(out, 'seed'))).toEqual(reference);
  else expect(hadPrevious).toBe(false);
}

beforeAll(() => {
  const whole = tempDir('gdsweep-signals-whole-');
  expect(gdsweep(['run', 'sweeps/seed.yaml', '--out', whole, '--quiet']).status).toBe(0);
  reference = filesOf(join(whole, 'seed'));
});

const CODE: Record<Signal, number> = { SIGINT: 130, SIGTERM: 143 };

describe('a signal while the report is written', () => {
  for (const [signal, after, previous, count] of [
    ['SIGTERM', 0, false, 1],
    ['SIGTERM', 100, true, 1],
    ['SIGTERM', 600, false, 1],
    ['SIGINT', 200, true, 1],
    ['SIGTERM', 50, false, 2],
  ] as const) {
    it(`${signal}${count > 1 ? ' twice' : ''} ${after} ms into the report${previous ? ', over a previous report' : ''}: exit ${CODE[signal]}, no half folder, no leftovers; a rerun completes it`, async () => {
      const out = tempDir('gdsweep-signals-');
      if (previous) expect(gdsweep(['run', 'sweeps/seed.yaml', '--out', out, '--quiet']).status).toBe(0);
      const e = await signalledRun(out, signal, after, true, count);
      if (e.duringReport) {
        // Stopped: by our handler (130/143), or, in the last instant after it was removed, by the signal itself.
        expect(e.code === CODE[signal] || e.signal === signal, `${e.code} ${e.signal} ${e.stderr}`).toBe(true);
        if (e.code !== null) expect(e.stderr).toMatch(new RegExp(`interrupted by ${signal}; finished work was kept, rerun the same command to resume`));
      } else expect(e.code).toBe(0);
      expectClean(out, previous);
      const again = gdsweep(['run', 'sweeps/seed.yaml', '--out', out, '--quiet']);
      expect(again.status, again.stderr).toBe(0);
      expect(filesOf(join(out, 'seed'))).toEqual(reference);
      expect(readdirSync(out).sort()).toEqual(['index.html', 'seed']);
    });
  }
});

describe('a signal at any moment of a run with a report', () => {
  for (const after of [150, 900, 1800, 2700]) {
    it(`SIGTERM ${after} ms after the start: exit 0 or 143, the folder whole or absent, no leftovers`, async () => {
      const out = tempDir('gdsweep-signals-');
      const e = await signalledRun(out, 'SIGTERM', after, false);
      // Before its handlers are installed (module loading), the process dies of the signal itself; nothing is written then.
      expect(e.code === 0 || e.code === 143 || e.signal === 'SIGTERM', `${e.code} ${e.signal} ${e.stderr}`).toBe(true);
      if (e.code === 0) expect(existsSync(join(out, 'seed', 'index.html'))).toBe(true);
      if (e.duringReport) expect(e.code).not.toBe(0);
      expectClean(out, false);
    });
  }
});
