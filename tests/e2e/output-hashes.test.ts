/**
 * The example sweeps' outputs, byte for byte: sha256 of every file `run`
 * writes for each file in sweeps/ (results.json, results.csv, index.html,
 * summary.md and every chart's PNG), against the committed list in
 * tests/fixtures/output-hashes.json. A refactor of the engine, the planner,
 * the loader, the writers or the report must not change a byte of them.
 * (results.json carries the version and the plan hash, and the page and the
 * summary print both, so a version bump changes them: rerun with
 * GDSWEEP_UPDATE_HASHES=1 to rewrite the list, and say why in the commit.)
 *
 * The charts are drawn with the DejaVu Sans files registered by path
 * (src/report/render-charts.ts), so the SVG in index.html and the PNG bytes
 * are the same from run to run on one machine; another machine's fonts,
 * cairo or zlib may give other bytes, and then the list is regenerated there.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gdsweep, ROOT, tempDir } from '../helpers/cli.js';

const FIXTURE = join(ROOT, 'tests/fixtures/output-hashes.json');
/** Every sweep folder holds these; the PNGs vary with the sweep and are listed as found. */
const FILES = ['results.json', 'results.csv', 'index.html', 'summary.md'] as const;

/** Per example file: file name -> sha256, the fixed files first, then the PNGs by name. */
type Hashes = Record<string, Record<string, string>>;

const examples = readdirSync(join(ROOT, 'sweeps'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function hashesOf(dir: string): Record<string, string> {
  const pngs = readdirSync(dir)
    .filter((f) => f.endsWith('.png'))
    .sort();
  return Object.fromEntries([...FILES, ...pngs].map((f) => [f, sha256(join(dir, f))]));
}

describe('example sweep outputs', () => {
  it('every file of every example (results, page, summary, chart PNGs) is byte-identical to the committed hashes', () => {
    const out = tempDir();
    const r = gdsweep(['run', ...examples.map((f) => `sweeps/${f}`), '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const got: Hashes = {};
    for (const f of examples) {
      const name = readFileSync(join(ROOT, 'sweeps', f), 'utf8').match(/^name: (\S+)/m)?.[1] as string;
      got[f] = hashesOf(join(out, name));
    }
    if (process.env.GDSWEEP_UPDATE_HASHES === '1') writeFileSync(FIXTURE, JSON.stringify(got, null, 2) + '\n');
    const want = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Hashes;
    // Every example is guarded, and the list names no example that is gone.
    expect(Object.keys(want).sort()).toEqual(examples);
    // The same files (no chart gained or lost), then the same bytes, file by file.
    for (const f of examples) expect(Object.keys(got[f] ?? {}), f).toEqual(Object.keys(want[f] ?? {}));
    for (const f of examples) expect(got[f], f).toEqual(want[f]);
  });
});
