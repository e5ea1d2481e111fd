/**
 * Limits raised on the command line hold for the whole command: the workers
 * and the report compile the objective under them, merge plans under them,
 * render compiles under them. A sweep that `validate` accepts with a flag,
 * `run` with the same flag runs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gdsweep, tempDir } from '../helpers/cli.js';

const dir = tempDir();

function sweep(name: string, expr: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nobjective:\n  expr: "${expr}"\n  domain: [-2, 2]\nstarts: [1]\nlearning_rate: [0.1, 0.2]\nepochs: [10]\n`);
  return file;
}

// 3,000 characters: more than the default --max-expr-length of 2000.
const LONG = Array.from({ length: 120 }, () => '(0.001*x^2 + 0.002*x^2)').join(' + ');
// 70 nested parentheses: deeper than the default --max-expr-depth of 64.
const DEEP = `${'('.repeat(70)}x^2${')'.repeat(70)} + 1`;

describe('raised limits reach every command', () => {
  for (const [name, expr, flags] of [
    ['long', LONG, ['--max-expr-length', '5000']],
    ['deep', DEEP, ['--max-expr-depth', '100']],
  ] as const) {
    it(`${name}: validate, run and render with ${flags.join(' ')}`, () => {
      const file = sweep(name, expr);
      const refused = gdsweep(['validate', file]);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(new RegExp(`raise it with ${flags[0]}`));
      expect(gdsweep(['validate', file, ...flags]).status).toBe(0);
      const out = join(dir, `${name}-out`);
      const r = gdsweep(['run', file, '--out', out, '--quiet', ...flags]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const page = readFileSync(join(out, name, 'index.html'), 'utf8');
      expect(page).not.toContain('could not be compiled');
      const doc = JSON.parse(readFileSync(join(out, name, 'results.json'), 'utf8'));
      expect(doc.runs.map((x: { class: string }) => x.class)).toEqual(['slow', 'slow']);
      const again = gdsweep(['render', join(out, name), '--quiet', ...flags]);
      expect(again.stderr).toBe('');
      expect(again.status).toBe(0);
      expect(readFileSync(join(out, name, 'index.html'), 'utf8')).toBe(page);
      // Read back without the flag, the results are refused as the sweep file is, naming the file and the flag.
      const results = join(out, name, 'results.json');
      const without = gdsweep(['render', join(out, name)]);
      expect(without.status).toBe(2);
      expect(without.stderr).toMatch(new RegExp(`^gdsweep: ${results.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: sweep\\.objective\\.expr: .*raise it with ${flags[0]}\\)\\n$`));
      expect(gdsweep(['compare', results, results]).status).toBe(2);
      const compared = gdsweep(['compare', results, results, '--fail-on', 'regression', ...flags]);
      expect(compared.stderr).toBe('');
      expect(compared.status).toBe(0);
    });
  }

  it('merge plans under --max-runs (and --max-steps) as run does', () => {
    const root = tempDir();
    for (const i of [1, 2]) expect(gdsweep(['run', 'sweeps/seed.yaml', '--out', join(root, 'shards'), '--shard', `${i}/2`, '--quiet']).status).toBe(0);
    const shard = join(root, 'shards', 'seed.shard-1-of-2', 'results.json');
    const runs = gdsweep(['merge', join(root, 'shards'), '--out', join(root, 'a'), '--no-report', '--max-runs', '4']);
    expect(runs.status).toBe(2);
    expect(runs.stderr).toBe(`gdsweep: ${shard}: the plan has 8 runs, more than the limit of 4 (raise it with --max-runs)\n`);
    const steps = gdsweep(['merge', join(root, 'shards'), '--out', join(root, 'b'), '--no-report', '--max-steps', '1000']);
    expect(steps.status).toBe(2);
    expect(steps.stderr).toMatch(/seed.shard-1-of-2\/results.json: the plan needs 4000 steps, more than the limit of 1000 \(raise it with --max-steps\)\n$/);
    const ok = gdsweep(['merge', join(root, 'shards'), '--out', join(root, 'c'), '--no-report', '--max-runs', '8']);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
  });
});
