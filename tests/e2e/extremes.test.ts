/**
 * Sweeps whose values sit at the edges of float64 run and render end to end:
 * a report, exit 0, and nothing left behind. A subnormal learning-rate grid
 * used to kill the process while building the chart specs (a V8 fatal error,
 * exit 133, with a temporary folder left); subnormal starts used to end in
 * "RangeError: Invalid array length" from vega (exit 70).
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gdsweep, tempDir } from '../helpers/cli.js';

const SWEEPS: Record<string, string> = {
  'subnormal-lr': 'objective: {builtin: seed-quadratic}\nstarts: [2]\nlearning_rate: {geomspace: {from: 5.0e-324, to: 1, num: 50}}\nepochs: [10]\n',
  'subnormal-starts': 'objective: {builtin: seed-quadratic}\nstarts: {linspace: {from: -1.5e-323, to: 5e-323, num: 2}}\nlearning_rate: [0.1]\nepochs: {range: {from: 0, to: 1, step: 1}}\n',
  'huge-starts': 'objective: {builtin: seed-quadratic}\nstarts: [1.7e+308, 1.7976931348623157e+308]\nlearning_rate: [0.3, 1.0e-20]\nepochs: [0]\nclassify: {bound: 1.0e+300}\n',
};

describe('sweeps at the edges of float64', () => {
  for (const [name, body] of Object.entries(SWEEPS)) {
    it(`${name}: runs, writes the whole report, leaves nothing behind`, () => {
      const dir = tempDir();
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, `name: ${name}\n${body}`);
      const out = join(dir, 'reports');
      const r = gdsweep(['run', file, '--out', out, '--workers', '1', '--quiet']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const files = readdirSync(join(out, name));
      for (const f of ['results.json', 'results.csv', 'index.html', 'summary.md', 'outcome-map.png', 'gradient-map.png']) expect(files).toContain(f);
      expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
      // render rebuilds the same report from the results.
      const again = gdsweep(['render', join(out, name), '--quiet']);
      expect(again.stderr).toBe('');
      expect(again.status).toBe(0);
      expect(existsSync(join(out, name, 'index.html'))).toBe(true);
    });
  }
});
