import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gdsweep, tempDir } from '../helpers/cli.js';

function runVariant(dir: string, name: string, edit: (s: string) => string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, edit(readFileSync('sweeps/seed.yaml', 'utf8')));
  const out = join(dir, name);
  expect(gdsweep(['run', file, '--out', out, '--no-report', '--quiet']).status).toBe(0);
  return join(out, 'seed');
}

describe('gdsweep compare', () => {
  const dir = tempDir();
  const base = runVariant(dir, 'base', (s) => s);
  // A tolerance so tight that lr = 0.01 at 1000 epochs (|f'| = 5.3e-15) no longer converges.
  const tight = runVariant(dir, 'tight', (s) => s.replace('tolerance: 1.0e-3', 'tolerance: 1.0e-20'));

  it('--out naming a file is bad input (exit 2), and the file is left as it was', () => {
    const file = join(dir, 'keep.txt');
    writeFileSync(file, 'mine');
    const r = gdsweep(['compare', base, base, '--out', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`gdsweep: ${file}: is a file, not a folder (--out names the folder that receives seed.compare/)\n`);
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });

  it('exits 0 on identical results and says nothing changed', () => {
    const r = gdsweep(['compare', base, join(base, 'results.json'), '--fail-on', 'regression']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('8 runs compared; **0 regressed**, 0 improved, 0 changed reason, 8 unchanged.');
  });

  it('exits 1 with --fail-on regression on a constructed regression, and names it', () => {
    const r = gdsweep(['compare', base, tight, '--fail-on', 'regression', '--out', join(dir, 'cmp')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('**1 regressed**');
    expect(r.stdout).toContain('| 0.01 | 1000 | 2 | constant | gd | converged/within-tolerance | slow/still-descending | WORSE |');
    expect(r.stdout).toContain('Definition changes: `tolerance: 0.001 -> 1e-20`');
    // The best lr per budget moved neither: 0.1 reaches f' = 0 exactly.
    expect(r.stdout).toMatch(/\| 1000 \| 0\.1 at epoch 10 \| 0\.1 at epoch \d+ \|/);
    const html = readFileSync(join(dir, 'cmp', 'seed.compare', 'compare.html'), 'utf8');
    expect(html).toContain('<h2>Delta map</h2>');
    expect(html).toContain('title="converged/within-tolerance -&gt; slow/still-descending">WORSE</td>');
    // Without the gate the same comparison exits 0; reversed, it is an improvement.
    expect(gdsweep(['compare', base, tight]).status).toBe(0);
    const rev = gdsweep(['compare', tight, base, '--fail-on', 'regression']);
    expect(rev.status).toBe(0);
    expect(rev.stdout).toContain('**0 regressed**, 1 improved');
  });

  it('--out receives <new-name>.compare/ and never replaces the folder it names', () => {
    // The reports folder holding seed/ is the --out folder, as for run and merge.
    const reports = join(dir, 'base');
    writeFileSync(join(reports, 'keep.txt'), 'another report\n');
    const before = readFileSync(join(base, 'results.json'));
    for (let i = 0; i < 2; i++) {
      const r = gdsweep(['compare', base, base, '--out', reports]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    expect(readFileSync(join(base, 'results.json'))).toEqual(before);
    expect(readFileSync(join(reports, 'keep.txt'), 'utf8')).toBe('another report\n');
    expect(readdirSync(reports).sort()).toEqual(['keep.txt', 'seed', 'seed.compare']);
    expect(readdirSync(join(reports, 'seed.compare')).sort()).toEqual(['compare.html', 'compare.md']);
    expect(readFileSync(join(reports, 'seed.compare', 'compare.md'), 'utf8')).toContain('8 runs compared; **0 regressed**');
    expect(existsSync(join(reports, 'seed', 'results.csv'))).toBe(true);
  });

  it('refuses grids that do not match unless --common', () => {
    const fewer = runVariant(dir, 'fewer', (s) =>
      s.replace('learning_rate: [1, 0.1, 0.01, 0.001]', 'learning_rate: [1, 0.1, 0.01]').replace('    - {learning_rate: 0.001, epochs: 1000, start: 2}\n', ''),
    );
    const r = gdsweep(['compare', base, fewer]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'gdsweep: the grids differ: 2 runs only in the base, 0 only in the new results (e.g. lr=0.001 epochs=100 start=2 constant gd); --common compares the runs they share\n',
    );
    const c = gdsweep(['compare', base, fewer, '--common', '--json']);
    expect(c.status).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ common: 6, onlyBase: 2, onlyNew: 0, counts: { regressed: 0 } });
  });

  it('says clearly when an input is not a results file', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"runs": []}');
    const r = gdsweep(['compare', base, bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`gdsweep: ${bad}: not a gdsweep results file (expected "format": "gdsweep-results/1")\n`);
  });
});
