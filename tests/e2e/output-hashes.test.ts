/**
 * The example sweeps' results files, byte for byte: sha256 of results.json
 * and results.csv of each file in sweeps/, against the committed list in
 * tests/fixtures/output-hashes.json. A refactor of the engine, the planner,
 * the loader or the writers must not change a byte of them. (results.json
 * carries the version and the plan hash, so a version bump changes them:
 * rerun with GDSWEEP_UPDATE_HASHES=1 to rewrite the list, and say why in
 * the commit.)
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gdsweep, ROOT, tempDir } from '../helpers/cli.js';

const FIXTURE = join(ROOT, 'tests/fixtures/output-hashes.json');
const FILES = ['results.json', 'results.csv'] as const;

type Hashes = Record<string, Record<(typeof FILES)[number], string>>;

const examples = readdirSync(join(ROOT, 'sweeps'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('example sweep outputs', () => {
  it('results.json and results.csv of every example are byte-identical to the committed hashes', () => {
    const out = tempDir();
    const r = gdsweep(['run', ...examples.map((f) => `sweeps/${f}`), '--out', out, '--quiet', '--no-report']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const got: Hashes = {};
    for (const f of examples) {
      const name = readFileSync(join(ROOT, 'sweeps', f), 'utf8').match(/^name: (\S+)/m)?.[1] as string;
      got[f] = { 'results.json': sha256(join(out, name, 'results.json')), 'results.csv': sha256(join(out, name, 'results.csv')) };
    }
    if (process.env.GDSWEEP_UPDATE_HASHES === '1') writeFileSync(FIXTURE, JSON.stringify(got, null, 2) + '\n');
    const want = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Hashes;
    // Every example is guarded, and the list names no example that is gone.
    expect(Object.keys(want).sort()).toEqual(examples);
    for (const f of examples) expect(got[f], f).toEqual(want[f]);
  });
});
