/**
 * A parameter list as an axis, end to end: `optimizer: {momentum: {beta:
 * [...]}}` runs one outcome map per optimizer value, the results carry the
 * labels, and render and merge read them back.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gdsweep, tempDir } from '../helpers/cli.js';

describe('parameter lists as axes', () => {
  it('lr x beta: three optimizer values, every run, labels that render and merge read back', () => {
    const dir = tempDir();
    const file = join(dir, 'beta.yaml');
    writeFileSync(
      file,
      'name: beta\nobjective:\n  builtin: seed-quadratic\nstarts: [2]\nlearning_rate: [0.1, 0.01, 0.001]\nepochs: [10, 100]\n' +
        'optimizer: {momentum: {beta: [0.5, 0.9, 0.99]}}\nreport:\n  trajectories:\n    - {optimizer: momentum(beta=0.99), learning_rate: 0.01}\n',
    );
    const out = join(dir, 'out');
    const r = gdsweep(['run', file, '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'beta', 'results.json'), 'utf8'));
    expect(doc.sweep.axes.optimizer).toEqual(['momentum(beta=0.5)', 'momentum', 'momentum(beta=0.99)']);
    expect(doc.runs).toHaveLength(3 * 3 * 2);
    expect(new Set(doc.runs.map((x: { optimizer: string }) => x.optimizer))).toEqual(new Set(['momentum(beta=0.5)', 'momentum', 'momentum(beta=0.99)']));
    expect(readFileSync(join(out, 'beta', 'index.html'), 'utf8')).toContain('momentum(beta=0.99)');

    const rendered = gdsweep(['render', join(out, 'beta'), '--quiet']);
    expect(rendered.stderr).toBe('');
    expect(rendered.status).toBe(0);

    const shards = [1, 2].map((i) => {
      const d = join(dir, `shard-${i}`);
      expect(gdsweep(['run', file, '--out', d, '--shard', `${i}/2`, '--quiet', '--no-report']).status).toBe(0);
      return join(d, `beta.shard-${i}-of-2`);
    });
    const merged = join(dir, 'merged');
    const m = gdsweep(['merge', ...shards, '--out', merged, '--quiet', '--no-report']);
    expect(m.stderr).toBe('');
    expect(m.status).toBe(0);
    expect(readFileSync(join(merged, 'beta', 'results.csv'), 'utf8')).toBe(readFileSync(join(out, 'beta', 'results.csv'), 'utf8'));
  });
});
