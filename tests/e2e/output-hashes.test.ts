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
 * cairo or pango may give other bytes. The list records the renderer it was
 * made with (RENDERER_KEY); where the renderer differs, the rendered files
 * (the page, whose SVG carries text metrics, and the PNGs) are not compared,
 * and the results and summary still are.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gdsweep, ROOT, tempDir } from '../helpers/cli.js';

const FIXTURE = join(ROOT, 'tests/fixtures/output-hashes.json');
/** Every sweep folder holds these; the PNGs vary with the sweep and are listed as found. */
const FILES = ['results.json', 'results.csv', 'index.html', 'summary.md'] as const;

/** Per example file: file name -> sha256, the fixed files first, then the PNGs by name. */
type Hashes = Record<string, Record<string, string>>;
/** The entry that names the renderer the hashes were made with, not an example. */
const RENDERER_KEY = '(renderer)';
/** Files whose bytes do not depend on fonts or the drawing libraries. */
const PLAIN = new Set(['results.json', 'results.csv', 'summary.md']);

function renderer(): Record<string, string> {
  const canvas = createRequire(import.meta.url)('canvas') as { cairoVersion: string; freetypeVersion: string; pangoVersion: string };
  const font = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
  return { cairo: canvas.cairoVersion, freetype: canvas.freetypeVersion, pango: canvas.pangoVersion, font: existsSync(font) ? sha256(font) : 'none' };
}

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
    const here = renderer();
    if (process.env.GDSWEEP_UPDATE_HASHES === '1') writeFileSync(FIXTURE, JSON.stringify({ [RENDERER_KEY]: here, ...got }, null, 2) + '\n');
    const { [RENDERER_KEY]: made, ...want } = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Hashes;
    const sameRenderer = JSON.stringify(made) === JSON.stringify(here);
    const compared = (h: Record<string, string> | undefined) => Object.fromEntries(Object.entries(h ?? {}).filter(([f]) => sameRenderer || PLAIN.has(f)));
    // Every example is guarded, and the list names no example that is gone.
    expect(Object.keys(want).sort()).toEqual(examples);
    // The same files (no chart gained or lost), then the same bytes, file by file.
    for (const f of examples) expect(Object.keys(got[f] ?? {}), f).toEqual(Object.keys(want[f] ?? {}));
    for (const f of examples) expect(compared(got[f]), f).toEqual(compared(want[f]));
  });
});
