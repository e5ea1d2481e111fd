import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gdsweep, tempDir } from '../helpers/cli.js';
import { interruptedRun, journalRecords } from '../helpers/journal.js';

describe('interrupt and resume', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} mid-run exits ${code}, keeps finished batches, and a rerun gives the uninterrupted bytes`, async () => {
      const whole = tempDir();
      expect(gdsweep(['run', 'tests/fixtures/sweeps/medium.yaml', '--out', whole, '--no-report', '--quiet']).status).toBe(0);

      const out = tempDir();
      const r = await interruptedRun(out, signal, 2);
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(new RegExp(`interrupted by ${signal}; finished work was kept, rerun the same command to resume`));
      expect(existsSync(join(out, 'medium'))).toBe(false);
      // At least the batches finished before the signal were saved.
      expect(journalRecords(join(out, '.medium.journal'))).toBeGreaterThanOrEqual(2);

      const again = gdsweep(['run', 'tests/fixtures/sweeps/medium.yaml', '--out', out, '--no-report']);
      expect(again.status).toBe(0);
      const m = /resumed: (\d+) of (\d+) tracks were already done/.exec(again.stdout);
      expect(m).not.toBeNull();
      expect(Number(m?.[1])).toBeGreaterThan(0);
      expect(Number(m?.[1])).toBeLessThan(Number(m?.[2]));
      for (const f of ['results.json', 'results.csv']) {
        expect(readFileSync(join(out, 'medium', f))).toEqual(readFileSync(join(whole, 'medium', f)));
      }
      // The journal has served its purpose.
      expect(readdirSync(out)).toEqual(['medium']);
    });
  }

  it('tolerates a torn last journal record', async () => {
    const whole = tempDir();
    expect(gdsweep(['run', 'tests/fixtures/sweeps/medium.yaml', '--out', whole, '--no-report', '--quiet']).status).toBe(0);
    const out = tempDir();
    const r = await interruptedRun(out, 'SIGINT', 2);
    expect(r.code).toBe(130);
    const path = join(out, '.medium.journal');
    const data = readFileSync(path);
    const before = journalRecords(path);
    const { writeFileSync } = await import('node:fs');
    // Cut the file in the middle of its last record, as a kill during a write would.
    writeFileSync(path, data.subarray(0, data.length - 100));
    expect(journalRecords(path)).toBe(before - 1);
    expect(gdsweep(['run', 'tests/fixtures/sweeps/medium.yaml', '--out', out, '--no-report', '--quiet']).status).toBe(0);
    expect(readFileSync(join(out, 'medium', 'results.json'))).toEqual(readFileSync(join(whole, 'medium', 'results.json')));
  });

  it('reuses the results of an identical plan, and --force recomputes', () => {
    const out = tempDir();
    expect(gdsweep(['run', 'sweeps/seed.yaml', '--out', out, '--no-report']).status).toBe(0);
    const again = gdsweep(['run', 'sweeps/seed.yaml', '--out', out, '--no-report']);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^seed: results of this plan \([0-9a-f]{16}\) are already in .*seed; reused them \(--force recomputes\)\n$/);
    const forced = gdsweep(['run', 'sweeps/seed.yaml', '--out', out, '--no-report', '--force']);
    expect(forced.stdout).toMatch(/seed: 8 runs/);
  });
});
