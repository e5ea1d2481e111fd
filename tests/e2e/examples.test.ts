/**
 * The example sweeps of the companion lessons: each runs whole (they are
 * small), its report renders, and its final values agree with the lessons'
 * own NumPy loops (tests/fixtures/numpy/lessons.py).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gdsweep, ROOT, tempDir } from '../helpers/cli.js';

interface Run {
  lr: number;
  start: number;
  epochs: number;
  schedule: string;
  x: number;
  class: string;
  reason: string;
  convergedAt: number | null;
}

const lessons = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/numpy/lessons.json'), 'utf8')) as Record<string, Record<string, number | string>[]>;
const examples = readdirSync(join(ROOT, 'sweeps'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
}

describe('example sweeps', () => {
  const out = tempDir();
  const r = gdsweep(['run', ...examples.map((f) => `sweeps/${f}`), '--out', out, '--quiet']);

  it('all run, with their reports and a batch index', () => {
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const f of examples) {
      const name = readFileSync(join(ROOT, 'sweeps', f), 'utf8').match(/^name: (\S+)/m)?.[1] as string;
      expect(existsSync(join(out, name, 'results.json')), name).toBe(true);
      expect(existsSync(join(out, name, 'index.html')), name).toBe(true);
      expect(existsSync(join(out, name, 'summary.md')), name).toBe(true);
    }
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    expect(index.match(/<tr>\n<td><a href=/g)?.length).toBe(examples.length);
  });

  const runs = (name: string): Run[] => JSON.parse(readFileSync(join(out, name, 'results.json'), 'utf8')).runs;

  it('sin-gauss starts: each start ends where the lesson\'s loop ends (basins left and right)', () => {
    for (const want of lessons['sin-gauss-starts'] as { start: number; x: number }[]) {
      const run = runs('sin-gauss-starts').find((x) => close(x.start, want.start)) as Run;
      expect(close(run.x, want.x), `start ${want.start}: ${run.x} vs ${want.x}`).toBe(true);
    }
    // Start -5 drifts left, out of the domain, towards the minimum near -7.8.
    expect(runs('sin-gauss-starts')[0]?.x).toBeLessThan(-6.6);
  });

  it('sin-gauss learning rates from x0 = 0 agree with the lesson', () => {
    for (const want of lessons['sin-gauss-lr'] as { lr: number; x: number }[]) {
      const run = runs('sin-gauss-lr').find((x) => x.lr === want.lr) as Run;
      expect(close(run.x, want.x), `lr ${want.lr}`).toBe(true);
    }
    expect(runs('sin-gauss-lr-epochs').length).toBe(50 * 40);
  });

  it('the local-minimum trap: from 0 nothing moves, a nudge rolls into a minimum', () => {
    const r3 = runs('cos-bowl-trap');
    for (const want of lessons['cos-bowl-trap'] as { start: number; x: number }[]) {
      const run = r3.find((x) => x.start === want.start) as Run;
      expect(run.x).toBe(want.x);
    }
    expect(r3.find((x) => x.start === 0)).toMatchObject({ x: 0, class: 'converged', convergedAt: 0 });
  });

  it('dynamic learning rates on the quadratic agree with the lesson', () => {
    for (const want of lessons['dynamic-lr'] as { lr: number; schedule: string; x: number }[]) {
      const run = runs('dynamic-lr').find((x) => x.lr === want.lr && x.schedule === want.schedule) as Run;
      expect(run.x, `${want.schedule} ${want.lr}`).toBe(want.x);
    }
  });
});
