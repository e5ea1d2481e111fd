/**
 * Faults end to end: a read-only output folder and a disk that fills. In each
 * case: exit non-zero with one clear message, the previous output intact, no
 * half-written folder. Needs root to mount a small tmpfs; skipped (saying so)
 * where that is not possible.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gdsweep, tempDir } from '../helpers/cli.js';

const mounts: string[] = [];

function mountTmpfs(size: string): string | null {
  const dir = join(tempDir('gdsweep-fault-'), 'mnt');
  mkdirSync(dir);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  mounts.push(dir);
  return dir;
}

afterAll(() => {
  for (const m of mounts) spawnSync('umount', ['-l', m]);
});

const canMount = (() => {
  const probe = mountTmpfs('64k');
  return probe !== null;
})();

describe.skipIf(!canMount)('faults on the output folder (tmpfs)', () => {
  it('a read-only output folder: exit 1, one message, the previous results intact', () => {
    const dir = mountTmpfs('4m') as string;
    expect(gdsweep(['run', 'sweeps/seed.yaml', '--out', dir, '--quiet']).status).toBe(0);
    const before = readFileSync(join(dir, 'seed', 'results.json'));
    expect(spawnSync('mount', ['-o', 'remount,ro', dir]).status).toBe(0);
    const r = gdsweep(['run', 'sweeps/seed.yaml', '--out', dir, '--force']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^gdsweep: cannot write .*: EROFS \(read-only file system\); the previous contents were left as they were\n$/);
    expect(readFileSync(join(dir, 'seed', 'results.json'))).toEqual(before);
  });

  it('a disk that fills: exit 1, one message, the previous report intact, nothing half-written', () => {
    const dir = mountTmpfs('16m') as string;
    expect(gdsweep(['run', 'sweeps/seed.yaml', '--out', dir, '--quiet']).status).toBe(0);
    // Shrink the disk to what the seed report uses plus 200 KiB.
    const used = Number(spawnSync('du', ['-sk', dir], { encoding: 'utf8' }).stdout.split('\t')[0]);
    expect(spawnSync('mount', ['-o', `remount,size=${used + 200}k`, dir]).status).toBe(0);
    const seedFiles = readdirSync(join(dir, 'seed')).sort();
    const before = seedFiles.map((f) => readFileSync(join(dir, 'seed', f)));
    // The medium sweep's results (1,200 runs) do not fit in what is left.
    const r = gdsweep(['run', 'tests/fixtures/sweeps/medium.yaml', '--out', dir, '--no-report', '--quiet']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^gdsweep: cannot write .*: ENOSPC \(no space left on device\); the previous contents were left as they were\n$/);
    expect(existsSync(join(dir, 'medium'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
    expect(readdirSync(join(dir, 'seed')).sort()).toEqual(seedFiles);
    seedFiles.forEach((f, i) => expect(readFileSync(join(dir, 'seed', f))).toEqual(before[i]));
  });
});

describe.skipIf(canMount)('faults on the output folder', () => {
  it('is skipped: mounting a tmpfs needs root here', () => {
    console.warn('skipping the read-only and full-disk tests: cannot mount a tmpfs (needs root)');
  });
});
