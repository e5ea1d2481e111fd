/**
 * render, merge and compare check what they read: a crafted or damaged
 * results file is exit 2 with one line naming the file and what is wrong,
 * never exit 70 with a stack, never exit 0 with a report built on garbage,
 * and never a passing --fail-on regression gate over runs it cannot read.
 */
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gdsweep, tempDir } from '../helpers/cli.js';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const root = tempDir();
const reports = join(root, 'reports');
// One run with its report, and two shards of the same sweep.
expect(gdsweep(['run', 'sweeps/seed.yaml', '--out', reports, '--quiet']).status).toBe(0);
for (const i of [1, 2]) expect(gdsweep(['run', 'sweeps/seed.yaml', '--out', join(root, 'shards'), '--shard', `${i}/2`, '--quiet']).status).toBe(0);
const seed = join(reports, 'seed');
const original = readFileSync(join(seed, 'results.json'), 'utf8');

function crafted(name: string, edit: (d: Doc) => void): { dir: string; file: string } {
  const dir = join(root, name);
  cpSync(seed, dir, { recursive: true });
  const d = JSON.parse(original) as Doc;
  edit(d);
  const file = join(dir, 'results.json');
  writeFileSync(file, JSON.stringify(d));
  return { dir, file };
}

function expectRefused(r: { status: number; stderr: string }, message: string): void {
  expect(r.stderr).toBe(`gdsweep: ${message}\n`);
  expect(r.status).toBe(2);
}

const CRAFTED: [string, (d: Doc) => void, string][] = [
  ['null-run', (d) => (d.runs = [null]), 'runs[0]: must be a mapping, got null'],
  ['no-plan', (d) => delete d.plan, 'plan: required key is missing'],
  ['unknown-class', (d) => (d.runs[4].class = 'stuck'), 'runs[4].class: must be one of "converged", "slow", "divergent", got the string "stuck"'],
  ['string-epochs', (d) => (d.runs[3].epochs = '1000'), 'runs[3].epochs: must be a finite number, got the string "1000"'],
  ['dropped-run', (d) => d.runs.splice(5, 1), "runs: 1 of the grid's 8 runs are missing (first: run id 5)"],
  ['duplicate-row', (d) => (d.runs[7] = { ...d.runs[6] }), 'runs[7]: run id 6 is given twice'],
];

describe('results files are checked before use', () => {
  for (const [name, edit, what] of CRAFTED) {
    it(`render and compare refuse ${name}, naming the file`, () => {
      const { dir, file } = crafted(name, edit);
      const before = readFileSync(join(dir, 'index.html'));
      expectRefused(gdsweep(['render', dir]), `${file}: ${what}`);
      // A refused render changes nothing.
      expect(readFileSync(join(dir, 'index.html'))).toEqual(before);
      expect(readdirSync(root).filter((f) => f.startsWith('.'))).toEqual([]);
      // The gate does not pass over runs it cannot read (the file given as BASE or as NEW).
      expectRefused(gdsweep(['compare', ...(name.length % 2 ? [seed, dir] : [file, seed]), '--fail-on', 'regression']), `${file}: ${what}`);
    });
  }

  it('results of another version still render (their plan cannot be recomputed, their shape is checked)', () => {
    const { dir } = crafted('older', (d) => {
      d.tool.version = '0.0.9';
      d.plan.version = '0.0.9';
    });
    const r = gdsweep(['render', dir, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toContain('0.0.9');
  });

  it('merge refuses a shard whose sweep section was edited, and a CSV that contradicts its results.json', () => {
    const shards = join(root, 'shards');
    const json = join(shards, 'seed.shard-2-of-2', 'results.json');
    const csv = join(shards, 'seed.shard-2-of-2', 'results.csv');
    const jsonText = readFileSync(json, 'utf8');
    const csvText = readFileSync(csv, 'utf8');
    const d = JSON.parse(jsonText) as Doc;
    d.sweep.classify.bound = 1e9;
    writeFileSync(json, JSON.stringify(d));
    let r = gdsweep(['merge', shards, '--out', join(root, 'm1'), '--no-report']);
    expect(r.stderr.startsWith(`gdsweep: ${json}: plan.hash: ${d.plan.hash} is not the hash of the sweep section (`)).toBe(true);
    expect(r.stderr).toMatch(/\([0-9a-f]{16}\); was the file edited\?\n$/);
    expect(r.status).toBe(2);
    writeFileSync(json, jsonText);
    // The CSV says a run of the JSON converged where the JSON says it is slow.
    const lines = csvText.split('\n');
    const i = lines.findIndex((l) => l.includes(',slow,still-descending,'));
    lines[i] = (lines[i] as string).replace(',slow,still-descending,', ',converged,within-tolerance,');
    writeFileSync(csv, lines.join('\n'));
    r = gdsweep(['merge', shards, '--out', join(root, 'm2'), '--no-report']);
    expect(r.stderr).toMatch(new RegExp(`^gdsweep: ${csv.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:${i + 1}: run id \\d+: class is 'converged', but results.json has slow\\n$`));
    expect(r.status).toBe(2);
    writeFileSync(csv, csvText);
    r = gdsweep(['merge', shards, '--out', join(root, 'm3'), '--no-report']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
