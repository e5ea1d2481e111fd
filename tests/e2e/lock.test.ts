/**
 * One run per output folder: a second run into the same --out stops (exit 1,
 * naming the other run's pid) and touches nothing of the first; a lock left
 * by a run that is gone is taken over.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, gdsweep, ROOT, tempDir } from '../helpers/cli.js';

interface Finished {
  pid: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A run slowed down enough (150 ms per batch) that two of them overlap for seconds. */
function slowRun(args: string[]): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'run', ...args], { cwd: ROOT, env: { ...process.env, CI: 'true', GDSWEEP_TEST_DELAY_MS: '150' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ pid: child.pid as number, code, stdout, stderr }));
  });
}

function filesOf(dir: string): Record<string, Buffer> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))]));
}

describe('two runs into one output folder', () => {
  for (const [sweep, name, extra] of [
    ['tests/fixtures/sweeps/medium.yaml', 'medium', ['--no-report', '--workers', '2']],
    ['sweeps/seed.yaml', 'seed', []],
  ] as const) {
    it(`${name}${extra.length ? ' (results only)' : ' (with its report)'}: one succeeds, the other stops with exit 1 naming it; the folder is one run's bytes`, async () => {
      const single = tempDir('gdsweep-lock-');
      expect(gdsweep(['run', sweep, '--out', single, '--quiet', ...extra]).status).toBe(0);

      const out = tempDir('gdsweep-lock-');
      const [a, b] = await Promise.all([slowRun([sweep, '--out', out, ...extra]), slowRun([sweep, '--out', out, ...extra])]);
      const runs = [a, b].sort((x, y) => (x.code ?? -1) - (y.code ?? -1));
      const [winner, loser] = runs as [Finished, Finished];
      expect([winner.code, loser.code], `${a.stderr}\n${b.stderr}`).toEqual([0, 1]);
      expect(loser.stderr).toBe(
        `gdsweep: ${join(out, name)} is being written by another gdsweep run (pid ${winner.pid} on ${hostname()}); nothing was changed. ` +
          `Wait for it to finish, or remove ${join(out, `.${name}.lock`)} if that run is gone\n`,
      );
      expect(loser.stdout).toBe('');
      expect(filesOf(join(out, name))).toEqual(filesOf(join(single, name)));
      // No lock, journal or temporary folder is left.
      expect(readdirSync(out).sort()).toEqual(readdirSync(single).sort());
    });
  }

  it('a run finding the lock of a live run changes nothing, even with --force', () => {
    const out = tempDir('gdsweep-lock-');
    expect(gdsweep(['run', 'sweeps/seed.yaml', '--out', out, '--no-report', '--quiet']).status).toBe(0);
    const before = filesOf(join(out, 'seed'));
    // This test process is alive: its pid holds the lock.
    const lock = join(out, '.seed.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname() }) + '\n');
    const r = gdsweep(['run', 'sweeps/seed.yaml', '--out', out, '--no-report', '--force']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`is being written by another gdsweep run (pid ${process.pid} on ${hostname()})`);
    expect(filesOf(join(out, 'seed'))).toEqual(before);
    expect(readdirSync(out).sort()).toEqual(['.seed.lock', 'seed']);
  });

  it('a lock left by a run that is gone (its pid is dead on this host) is taken over', () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    expect(deadPid).toBeGreaterThan(0);
    const out = tempDir('gdsweep-lock-');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, '.seed.lock'), JSON.stringify({ pid: deadPid, host: hostname() }) + '\n');
    const r = gdsweep(['run', 'sweeps/seed.yaml', '--out', out, '--no-report', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(out, '.seed.lock'))).toBe(false);
    expect(readdirSync(out)).toEqual(['seed']);
  });
});
