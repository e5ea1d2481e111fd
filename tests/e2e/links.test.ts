/**
 * A symbolic link planted where gdsweep writes under --out (the journal, the
 * lock, the output folder, temporary names, the batch index) is refused:
 * exit 2, a message naming it, and the link's target untouched.
 */
import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, gdsweep, ROOT, tempDir } from '../helpers/cli.js';

const NOTES = 'my notes, not a journal\n';

interface Planted {
  /** The name under --out, given the run's pid. */
  name: (pid: number) => string;
  /** The link points at a folder rather than a file. */
  folder?: boolean;
  report?: boolean;
  /** Something to leave in --out before the run. */
  before?: (out: string) => void;
}

const CASES: Record<string, Planted> = {
  'the journal': { name: () => '.seed.journal' },
  'the lock': { name: () => '.seed.lock' },
  'the output folder': { name: () => 'seed', folder: true },
  'the batch index': { name: () => 'index.html', report: true },
  "the output folder's temporary name": { name: (pid) => `.seed.tmp-${pid}`, folder: true },
  "the batch index's temporary name": { name: (pid) => `.index.html.tmp-${pid}`, report: true },
  "the journal's temporary name (rewriting a journal of another plan)": {
    name: (pid) => `.seed.journal.tmp-${pid}`,
    before: (out) => writeFileSync(join(out, '.seed.journal'), '{"format":"gdsweep-journal/2","hash":"0","version":"0","shard":null}\n'),
  },
};

/** Run the seed sweep, planting the link as soon as the child's pid is known (long before it writes). */
function runWithLink(out: string, c: Planted, target: string): Promise<{ code: number | null; stderr: string; planted: string }> {
  return new Promise((resolve) => {
    const args = [BIN, 'run', 'sweeps/seed.yaml', '--out', out, '--quiet', ...(c.report ? [] : ['--no-report'])];
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, CI: 'true' } });
    const planted = join(out, c.name(child.pid as number));
    symlinkSync(target, planted);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (code) => resolve({ code, stderr, planted }));
  });
}

describe('links planted under --out', () => {
  for (const [what, c] of Object.entries(CASES)) {
    it(`${what}: refused with exit 2 naming it; the link's target is untouched`, async () => {
      const home = tempDir('gdsweep-links-');
      const out = join(home, 'reports');
      mkdirSync(out);
      c.before?.(out);
      const notes = join(home, 'notes.txt');
      const elsewhere = join(home, 'elsewhere');
      writeFileSync(notes, NOTES);
      mkdirSync(elsewhere);
      const r = await runWithLink(out, c, c.folder ? elsewhere : notes);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toBe(`gdsweep: ${r.planted}: is a symbolic link; gdsweep never writes through links (remove it, or choose another --out)\n`);
      expect(readFileSync(notes, 'utf8')).toBe(NOTES);
      expect(readdirSync(elsewhere)).toEqual([]);
      expect(lstatSync(r.planted).isSymbolicLink()).toBe(true);
      // Nothing of this run is left behind but what it had finished (and the journal, its resume data).
      const left = readdirSync(out).filter((n) => n.includes('.tmp-') || n.includes('.old-') || n.endsWith('.lock'));
      expect(left.map((n) => join(out, n)).filter((p) => p !== r.planted)).toEqual([]);
    });
  }

  it('a dangling link at the journal is refused too, and the run then works once it is removed', () => {
    const out = tempDir('gdsweep-links-');
    const journal = join(out, '.seed.journal');
    symlinkSync(join(out, 'does-not-exist'), journal);
    const r = gdsweep(['run', 'sweeps/seed.yaml', '--out', out, '--no-report', '--quiet']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${journal}: is a symbolic link`);
    expect(readdirSync(out)).toEqual(['.seed.journal']);
    expect(() => lstatSync(join(out, 'does-not-exist'))).toThrow();
    // The user removes it: a normal run.
    unlinkSync(journal);
    expect(gdsweep(['run', 'sweeps/seed.yaml', '--out', out, '--no-report', '--quiet']).status).toBe(0);
    expect(readdirSync(out)).toEqual(['seed']);
  });
});
