import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gdsweep, tempDir } from '../helpers/cli.js';

function sweep(dir: string, name: string, objective: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nobjective:\n${objective}  domain: [-2, 2]\nstarts: [-1]\nlearning_rate: [0.1]\nepochs: [1]\n`);
  return file;
}

describe('derivatives are checked against f', () => {
  const dir = tempDir();

  for (const [name, expr, truth] of [
    // f = |x| + x^2: f'(-1) = -3, so one step of lr 0.1 from -1 lands at -0.7 (a simplified 2x + 1 gave -1: -0.9).
    ['abs-square', '(x^2)^0.5 + x^2', -3],
    // f = |x|^3: f'(-1) = -3 (a simplified 3x^2 gave +3, descending uphill to -1.3).
    ['abs-cube', '(x^2)^1.5', -3],
  ] as const) {
    it(`runs ${expr} with a derivative that is right for x < 0`, () => {
      const r = gdsweep(['run', sweep(dir, name, `  expr: "${expr}"\n`), '--out', dir, '--no-report', '--quiet']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const doc = JSON.parse(readFileSync(join(dir, name, 'results.json'), 'utf8'));
      expect(doc.sweep.objective.derivative).not.toMatch(/^(2 \* x \+ 1|3 \* x \^ 2)$/);
      expect(doc.runs[0].x).toBeCloseTo(-1 - 0.1 * truth, 12);
    });
  }

  it('refuses a given derivative that does not match f, located, exit 2, nothing written', () => {
    const file = sweep(dir, 'wrong', '  expr: 3*x^2 - 3*x + 4\n  derivative: 6*x + 3\n');
    const msg = `gdsweep: ${file}:4:15: objective.derivative: does not match objective.expr: at x = -1.97613 it gives -8.85676, but a central difference of f gives -14.8568\n`;
    const v = gdsweep(['validate', file]);
    expect(v.status).toBe(2);
    expect(`gdsweep: ${v.stderr}`).toBe(msg);
    const out = join(dir, 'wrong-out');
    const r = gdsweep(['run', file, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(msg);
    expect(existsSync(out)).toBe(false);
  });
});
