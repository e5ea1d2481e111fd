/**
 * The report's files: one PNG per chart at 2x the chart's size, summary.md,
 * and the same bytes from `run`, from `render`, and from rendering again.
 */
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadImage } from 'canvas';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReportModel } from '../../src/report/model.js';
import { renderCharts } from '../../src/report/render-charts.js';
import { NON_FINITE_COLOR } from '../../src/report/charts/common.js';
import { CHARTS, chartSpecs } from '../../src/report/charts/registry.js';
import { writeReport } from '../../src/report/writer.js';
import { BIN, gdsweep, ROOT, tempDir } from '../helpers/cli.js';
import { cosBowlDoc, seedDoc, sinGaussStartsDoc } from './helpers.js';

/** Each chart figure of a page: its id, PNG name and the static SVG's size. */
export function pageCharts(html: string): { id: string; png: string; width: number; height: number }[] {
  const out: { id: string; png: string; width: number; height: number }[] = [];
  for (const m of html.matchAll(/<figure class="chart" id="chart-[^"]+" data-chart="([^"]+)">([\s\S]*?)<\/figure>/g)) {
    const body = m[2] as string;
    const svg = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(body);
    const png = /<a href="([^"]+\.png)">/.exec(body);
    out.push({ id: m[1] as string, png: png?.[1] ?? '', width: Number(svg?.[1]), height: Number(svg?.[2]) });
  }
  return out;
}

describe('report files of the seed sweep', () => {
  let dir: string;
  let html: string;

  beforeAll(async () => {
    dir = tempDir('gdsweep-report-files-');
    await writeReport(dir, seedDoc());
    html = readFileSync(join(dir, 'index.html'), 'utf8');
  });

  it('writes a PNG of every chart that decodes at twice the chart size', async () => {
    const charts = pageCharts(html);
    const specs = chartSpecs(buildReportModel(seedDoc()));
    // Every chart of the registry but the basins (the seed sweep has one start), in its order.
    expect([...new Set(specs.map((s) => s.chart))]).toEqual(CHARTS.map((c) => c.id).filter((id) => id !== 'basins'));
    expect(charts.map((c) => c.id)).toEqual(specs.map((s) => s.id));
    const pngs = readdirSync(dir).filter((f) => f.endsWith('.png')).sort();
    expect(pngs).toEqual(charts.map((c) => c.png).sort());
    for (const c of charts) {
      const img = await loadImage(readFileSync(join(dir, c.png)));
      expect(c.width).toBeGreaterThan(200);
      expect([c.png, img.width, img.height]).toEqual([c.png, Math.round(2 * c.width), Math.round(2 * c.height)]);
    }
  });

  it('stays small: the seed page is under 1.5 MB', () => {
    expect(Buffer.byteLength(html)).toBeLessThan(1.5 * 1024 * 1024);
  });

  it('holds no host paths, timestamps or CDN links', () => {
    const all = readdirSync(dir)
      .filter((f) => !f.endsWith('.png'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    expect(all).not.toContain(dir);
    expect(all).not.toContain(ROOT);
    expect(all).not.toMatch(/\b20\d\d-\d\d-\d\dT\d\d:\d\d/);
    // No resource is loaded from anywhere: no src= or <link> (a CSP in the page backs this up).
    const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '');
    expect(markup).not.toMatch(/<link\b|\ssrc=/i);
    expect(html).toContain("default-src 'none'");
  });

  it('writes summary.md for a CI job summary', () => {
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(md).toContain('| converged | 3 | 37.5% |');
    expect(md).toContain('| slow | 3 | 37.5% |');
    expect(md).toContain('| divergent | 2 | 25% |');
    expect(md).toContain('| 100 | **0.1** | 10 | 1/1 converged |');
    expect(md).toContain('| 1000 | **0.1** | 10 | 1/1 converged |');
    expect(md).toContain('| 1 | 1 | 1000 | 2 | blew up at epoch 143 | -1.345e+100 |');
    expect(md.endsWith('\n')).toBe(true);
  });
});

describe('report files of sweeps whose starts vary', () => {
  for (const [name, doc, traced] of [
    ['cos-bowl-trap', cosBowlDoc, [0, 1, 2]],
    ['sin-gauss-starts', sinGaussStartsDoc, [6, 0, 45]],
  ] as const) {
    it(`${name}: every PNG decodes at twice its chart's size, the same bytes twice`, async () => {
      const dir = tempDir(`gdsweep-report-${name}-`);
      await writeReport(dir, doc());
      const html = readFileSync(join(dir, 'index.html'), 'utf8');
      const charts = pageCharts(html);
      const specs = chartSpecs(buildReportModel(doc()));
      // Every chart of the registry draws when the starts vary, in its order; the trajectories of the runs picked.
      expect([...new Set(specs.map((s) => s.chart))]).toEqual(CHARTS.map((c) => c.id));
      expect(charts.map((c) => c.id)).toEqual(specs.map((s) => s.id));
      expect(specs.filter((s) => s.chart === 'trajectories').map((s) => s.id)).toEqual(traced.map((id) => `trajectory-run-${id}`));
      expect(readdirSync(dir).filter((f) => f.endsWith('.png')).sort()).toEqual(charts.map((c) => c.png).sort());
      for (const c of charts) {
        const img = await loadImage(readFileSync(join(dir, c.png)));
        expect(c.width).toBeGreaterThan(200);
        expect([c.png, img.width, img.height]).toEqual([c.png, Math.round(2 * c.width), Math.round(2 * c.height)]);
      }
      // The basins section: the chart, then the points reached.
      expect(html).toContain('<section id="basins">');
      expect(html).toMatch(/<th scope="row">min at -?\d/);
      const again = tempDir(`gdsweep-report-${name}-again-`);
      await writeReport(again, doc());
      expectSameFiles(filesOf(dir), filesOf(again));
    });
  }

  it('cos-bowl-trap: the page says that x0 = 0 is stationary at a maximum', async () => {
    const dir = tempDir('gdsweep-report-cos-bowl-page-');
    await writeReport(dir, cosBowlDoc());
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('<tr class="not-minimum"><th scope="row">max at 0 (stationary)</th>');
    expect(html).toContain('not a minimum: stationary at a maximum (f&#x27;&#x27; &#x3D; -37.48 &lt; 0)');
    expect(html).toContain('<dt>runs ended at</dt>');
    expect(html).toContain('This run is stationary at a maximum');
  });
});

describe('unusual results', () => {
  it('draws overflowed runs in both maps (null in results.json is never dropped)', async () => {
    const doc = seedDoc();
    const r = doc.runs[1];
    if (!r) throw new Error('fixture changed');
    Object.assign(r, { x: null, grad: null, loss: null });
    const model = buildReportModel(doc);
    const warnings: string[] = [];
    const charts = await renderCharts(chartSpecs(model).filter((c) => c.id.endsWith('-map')), warnings);
    expect(warnings).toEqual([]);
    for (const c of charts) {
      const group = /<g class="mark-rect role-mark cells_marks"[^>]*>([\s\S]*?)<\/g>/.exec(c.svg)?.[1] ?? '';
      expect([c.spec.id, group.match(/<path\b/g)?.length]).toEqual([c.spec.id, 8]);
    }
    const gradient = charts.find((c) => c.spec.id === 'gradient-map');
    expect(gradient?.svg).toContain(`fill="${NON_FINITE_COLOR}"`);
    expect(gradient?.spec.caption.join(' ')).toMatch(/overflowed/);
    expect(model.charts['outcome-map']?.cells.find((c) => c.tRun === '1')?.gradLabel).toBe("f' overflow");
  });

  it('writes a page and a summary for a shard that holds no runs', async () => {
    const doc = seedDoc();
    doc.runs = [];
    doc.plan.shard = { index: 3, count: 3 };
    const dir = tempDir('gdsweep-report-empty-shard-');
    const out = await writeReport(dir, doc);
    expect(out.files).toEqual(['index.html', 'summary.md']);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('shard 3/3');
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('### Divergent runs (0)');
  });
});

function filesOf(dir: string): Map<string, Buffer> {
  return new Map(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f))]),
  );
}

function expectSameFiles(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  expect([...b.keys()]).toEqual([...a.keys()]);
  for (const [name, bytes] of a) expect({ name, same: bytes.equals(b.get(name) as Buffer) }).toEqual({ name, same: true });
}

describe('run and render', () => {
  it('give the same bytes, and rendering again changes nothing', () => {
    expect(existsSync(BIN), 'build first: npx tsc -p .').toBe(true);
    const out = tempDir('gdsweep-report-run-');
    const run = gdsweep(['run', 'sweeps/seed.yaml', '--out', out, '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const fromRun = filesOf(join(out, 'seed'));
    expect([...fromRun.keys()]).toEqual(expect.arrayContaining(['index.html', 'summary.md', 'results.json', 'results.csv', 'outcome-map.png', 'tradeoff.png']));

    // render sees only what is on disk: a copy of the folder, rebuilt from its results.json.
    const copy = join(tempDir('gdsweep-report-render-'), 'seed');
    cpSync(join(out, 'seed'), copy, { recursive: true });
    // Stale outputs must not survive a render.
    cpSync(join(copy, 'tradeoff.png'), join(copy, 'stale-chart.png'));
    const r1 = gdsweep(['render', copy]);
    expect(r1.stderr).toBe('');
    expect(r1.status).toBe(0);
    expect(r1.stdout).toMatch(/^seed: report -> .*index\.html \(7 charts, summary\.md\)\n$/);
    expectSameFiles(fromRun, filesOf(copy));

    // Another locale, time zone and SOURCE_DATE_EPOCH change nothing either.
    const r2 = gdsweep(['render', copy, '--quiet'], { env: { LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8', TZ: 'Pacific/Kiritimati', SOURCE_DATE_EPOCH: '0' } });
    expect(r2.status).toBe(0);
    expectSameFiles(fromRun, filesOf(copy));
    // No temporary folders left beside it.
    expect(readdirSync(join(copy, '..'))).toEqual(['seed']);
  });

  it('refuses a folder without results.json and leaves it alone', () => {
    const dir = tempDir('gdsweep-report-empty-');
    const r = gdsweep(['render', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no results\.json here/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
