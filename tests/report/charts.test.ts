/**
 * The chart registry (src/report/charts/registry.ts): each chart is a
 * folder of src/report/charts/ listed once, and the report model, the
 * specs, the page's contents and its sections all follow the list.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHARTS, chartSpecs, modelOf } from '../../src/report/charts/registry.js';
import { buildReportModel } from '../../src/report/model.js';
import { writeReport } from '../../src/report/writer.js';
import { ROOT, tempDir } from '../helpers/cli.js';
import { cosBowlDoc, seedDoc, sinGaussStartsDoc } from './helpers.js';

const CHARTS_DIR = join(ROOT, 'src/report/charts');
const ids: string[] = CHARTS.map((c) => c.id);

/** The page's contents: one entry per line of the <nav>, the chart links before the fixed ones. */
function contents(html: string): string[] {
  const nav = /<nav class="toc"[^>]*>\n([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';
  return nav.split('\n').slice(0, -1);
}

/** Section ids in page order, each with the figures inside it. */
function sections(html: string): { id: string; figures: string[] }[] {
  const main = /<main>([\s\S]*)<\/main>/.exec(html)?.[1] ?? '';
  return [...main.matchAll(/<section id="([^"]+)">([\s\S]*?)\n<\/section>/g)].map((m) => ({
    id: m[1] as string,
    figures: [...(m[2] as string).matchAll(/<figure class="chart" id="chart-[^"]+" data-chart="([^"]+)">/g)].map((f) => f[1] as string),
  }));
}

describe('the chart registry', () => {
  it('lists each chart once, and each chart is a folder with its definition, spec and caption', () => {
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(CHARTS.map((c) => c.page.anchor)).size).toBe(ids.length);
    for (const id of ids) {
      for (const f of ['index.ts', 'spec.ts', 'caption.ts']) expect(existsSync(join(CHARTS_DIR, id, f)), `${id}/${f}`).toBe(true);
    }
    // No folder defines a chart that the registry does not list.
    const defined = readdirSync(CHARTS_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(CHARTS_DIR, d.name, 'index.ts')))
      .map((d) => d.name);
    expect(defined.sort()).toEqual([...ids].sort());
  });

  for (const [name, doc] of [
    ['seed', seedDoc],
    ['cos-bowl-trap', cosBowlDoc],
    ['sin-gauss-starts', sinGaussStartsDoc],
  ] as const) {
    it(`${name}: a model per chart, and each chart's specs in registry order, named by the chart that drew them`, () => {
      const model = buildReportModel(doc());
      expect(Object.keys(model.charts)).toEqual(ids);
      const specs = chartSpecs(model);
      const order = specs.map((s) => ids.indexOf(s.chart));
      expect(order.every((i) => i >= 0)).toBe(true);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(new Set(specs.map((s) => s.id)).size).toBe(specs.length);
      for (const s of specs) {
        expect(s.png).toBe(`${s.id}.png`);
        expect(s.caption.length, s.id).toBeGreaterThan(0);
        expect(s.marks.length, s.id).toBeGreaterThan(0);
      }
      // A chart without a model draws nothing.
      for (const c of CHARTS) if (modelOf(model.charts, c.id) === null) expect(specs.filter((s) => s.chart === c.id)).toEqual([]);
    });
  }

  it('builds the grid both maps draw once', () => {
    const model = buildReportModel(seedDoc());
    expect(model.charts['outcome-map']).not.toBeNull();
    expect(model.charts['gradient-map']).toBe(model.charts['outcome-map']);
  });
});

describe('the page follows the registry', () => {
  let cosBowl = '';
  let seed = '';

  beforeAll(async () => {
    const a = tempDir('gdsweep-report-registry-cos-');
    await writeReport(a, cosBowlDoc());
    cosBowl = readFileSync(join(a, 'index.html'), 'utf8');
    const b = tempDir('gdsweep-report-registry-seed-');
    await writeReport(b, seedDoc());
    seed = readFileSync(join(b, 'index.html'), 'utf8');
  });

  it('links every chart in the contents and gives it its section with its figures, in registry order', () => {
    const specs = chartSpecs(buildReportModel(cosBowlDoc()));
    expect(contents(cosBowl).slice(0, CHARTS.length)).toEqual(CHARTS.map((c) => `  <a href="#${c.page.anchor}">${c.page.toc}</a>`));
    const found = sections(cosBowl);
    expect(found.map((s) => s.id)).toEqual([...CHARTS.map((c) => c.page.anchor), 'best', 'runs']);
    for (const c of CHARTS) {
      const figures = found.find((s) => s.id === c.page.anchor)?.figures;
      expect(figures, c.id).toEqual(specs.filter((s) => s.chart === c.id).map((s) => s.id));
    }
  });

  it('keeps an empty contents line and no section for a chart with nothing to draw', () => {
    const i = ids.indexOf('basins');
    const lines = contents(seed);
    expect(lines[i]).toBe('  ');
    expect(lines.slice(0, CHARTS.length).filter((l) => l !== '  ')).toHaveLength(CHARTS.length - 1);
    expect(sections(seed).map((s) => s.id)).not.toContain('basins');
  });
});
