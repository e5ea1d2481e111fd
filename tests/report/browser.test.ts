/**
 * The seed report in real headless Chromium, opened from disk: no console or
 * page errors, no request that is not file: or data:, every chart draws one
 * mark per data row (one path per line), tooltips and sorting work, and the
 * page still shows every chart with JavaScript off; the same for the
 * charts of sweeps whose starts vary (final x against start, the points
 * reached marked on the function curve).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartSpecs } from '../../src/report/charts/registry.js';
import { buildReportModel } from '../../src/report/model.js';
import { writeReport } from '../../src/report/writer.js';
import { tempDir } from '../helpers/cli.js';
import { HOSTILE, cosBowlDoc, seedDoc, syntheticDoc } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const SKIP_NOTE = `${CHROMIUM} is missing: install Debian's chromium (npm run setup -- --browser) to run the browser tests`;

interface MarkCount {
  chart: string;
  mark: string;
  expected: number;
  actual: number;
}

/** For every named mark of every chart: rows in its dataset (or series, for lines) against SVG elements drawn. */
function countMarks(page: Page): Promise<MarkCount[]> {
  return page.evaluate(() => {
    interface Check {
      mark: string;
      dataset: string;
      per: 'row' | 'line';
      by?: string;
    }
    const store = JSON.parse(document.getElementById('chart-data')?.textContent ?? '{}') as Record<string, Record<string, unknown>[]>;
    const out: { chart: string; mark: string; expected: number; actual: number }[] = [];
    for (const fig of Array.from(document.querySelectorAll<HTMLElement>('figure[data-chart]'))) {
      const id = fig.dataset.chart ?? '';
      const page = JSON.parse(document.getElementById(`${id}-spec`)?.textContent ?? '{}') as { marks: Check[]; data: Record<string, string> };
      for (const m of page.marks) {
        const key = page.data[m.dataset];
        const rows = key === undefined ? [] : (store[key] ?? []);
        const by = m.by;
        const expected = m.per === 'row' ? rows.length : by ? new Set(rows.map((r) => String(r[by]))).size : rows.length > 0 ? 1 : 0;
        out.push({ chart: id, mark: m.mark, expected, actual: fig.querySelectorAll(`svg g.${m.mark}_marks > *`).length });
      }
    }
    return out;
  });
}

function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

describe('the report in headless Chromium', () => {
  let browser: Browser | null = null;
  let dir = '';
  let url = '';

  beforeAll(async () => {
    if (!hasChromium) return;
    dir = tempDir('gdsweep-report-browser-');
    await writeReport(dir, seedDoc());
    url = pathToFileURL(join(dir, 'index.html')).href;
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('opens the seed report from file:// with no errors, no network and one mark per data row', async (ctx) => {
    if (!hasChromium) return ctx.skip(SKIP_NOTE);
    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!/^(file|data):/.test(r.url())) problems.push(`request: ${r.url()}`);
    });
    page.on('dialog', (d) => problems.push(`dialog: ${d.message()}`));
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.hasAttribute('data-charts'), null, { timeout: 60_000 });
    expect(await page.getAttribute('html', 'data-charts')).toBe('live');

    const counts = await countMarks(page);
    const charts = new Set(counts.map((c) => c.chart));
    // Every chart the registry draws for the seed sweep, in page order.
    expect([...charts]).toEqual(chartSpecs(buildReportModel(seedDoc())).map((s) => s.id));
    for (const c of counts) expect(c).toEqual({ ...c, actual: c.expected });
    const get = (chart: string, mark: string) => counts.find((c) => c.chart === chart && c.mark === mark)?.expected;
    expect(get('outcome-map', 'cells')).toBe(8);
    expect(get('gradient-map', 'cells')).toBe(8);
    expect(get('tradeoff', 'points')).toBe(2);
    expect(get('trajectory-run-2', 'dots')).toBe(40);

    // Tooltips: moving the pointer over a cell of the live chart shows its run
    // (mouse moves rather than hover(): the cell's text label sits on top of it).
    const cell = page.locator('#chart-outcome-map svg g.cells_marks > path').first();
    await cell.scrollIntoViewIfNeeded();
    const box = await cell.boundingBox();
    if (!box) throw new Error('no outcome cell on the page');
    await page.mouse.move(box.x + 4, box.y + 4);
    await page.mouse.move(box.x + box.width / 2, box.y + 12, { steps: 4 });
    await page.waitForSelector('#vg-tooltip-element.visible', { timeout: 10_000 });
    const tip = await page.textContent('#vg-tooltip-element');
    expect(tip).toMatch(/learning rate\s*0\.001/);
    expect(tip).toMatch(/f'\(x\)\s*4\.93/);
    expect(tip).toMatch(/converged at\s*-/);

    // The run table sorts in the browser: by lr ascending, then descending.
    const lrColumn = () => page.$$eval('table.runs tbody tr', (rows) => rows.map((r) => Number(r.children[1]?.textContent)));
    await page.click('table.runs th:nth-child(2) button');
    expect(await lrColumn()).toEqual([0.001, 0.001, 0.01, 0.01, 0.1, 0.1, 1, 1]);
    await page.click('table.runs th:nth-child(2) button');
    expect(await lrColumn()).toEqual([1, 1, 0.1, 0.1, 0.01, 0.01, 0.001, 0.001]);
    // Divergent runs are in the table, not filtered out.
    expect(await page.$$eval('table.runs tbody tr.r-divergent', (rows) => rows.length)).toBe(2);

    const shot = join(dir, 'seed-report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(50_000);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows every chart with JavaScript off', async (ctx) => {
    if (!hasChromium) return ctx.skip(SKIP_NOTE);
    const context = await (browser as Browser).newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(url);
    expect(await page.getAttribute('html', 'data-charts')).toBeNull();
    const counts = await countMarks(page);
    expect(counts.length).toBeGreaterThan(20);
    for (const c of counts) expect(c).toEqual({ ...c, actual: c.expected });
    await context.close();
  });

  it('draws one mark per data row where the starts vary: final x against start, and the points reached on each curve', async (ctx) => {
    if (!hasChromium) return ctx.skip(SKIP_NOTE);
    // Two learning rates: one panel each, every mark named per panel; start 0 ended non-finite, start 2 far out.
    const panels = syntheticDoc({ lr: [0.01, 0.1], epochs: [100], starts: [-2, -1, 0, 1, 2] }, (lr, _e, start) =>
      lr === 0.1 && start === 0
        ? { class: 'divergent', x: null, grad: null, loss: null }
        : lr === 0.1 && start === 2
          ? { class: 'divergent', x: 1e70, grad: 6e70, loss: 3e140 }
          : { class: 'converged', x: 0.5 + start * 1e-6 },
    );
    for (const [name, doc] of [
      ['cos-bowl-trap', cosBowlDoc()],
      ['panels', panels],
    ] as const) {
      const out = tempDir(`gdsweep-report-browser-${name}-`);
      await writeReport(out, doc);
      const file = pathToFileURL(join(out, 'index.html')).href;
      const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      await page.goto(file);
      await page.waitForFunction(() => document.documentElement.hasAttribute('data-charts'), null, { timeout: 60_000 });
      expect(await page.getAttribute('html', 'data-charts')).toBe('live');
      const counts = await countMarks(page);
      for (const c of counts) expect(c).toEqual({ ...c, actual: c.expected });
      const get = (chart: string, mark: string) => counts.find((c) => c.chart === chart && c.mark === mark)?.expected;
      if (name === 'cos-bowl-trap') {
        expect(get('basins', 'points')).toBe(3);
        expect(get('basins', 'rules')).toBe(3);
        expect(get('basins', 'lines')).toBe(1);
        for (const id of ['trajectory-run-0', 'trajectory-run-1', 'trajectory-run-2']) {
          expect(get(id, 'stationary')).toBe(3);
          expect(get(id, 'stationaryLabels')).toBe(3);
        }
        // The maximum's marker is drawn in its own colour.
        expect(await page.locator('#chart-trajectory-run-1 svg g.stationary_marks > path[stroke="#B2182B"]').count()).toBe(1);
      } else {
        expect([get('basins', 'points_0'), get('basins', 'points_1')]).toEqual([5, 4]);
        expect([get('basins', 'lines_0'), get('basins', 'lines_1')]).toEqual([1, 1]);
        expect(get('basins', 'rules_1')).toBe(1);
      }
      expect(problems).toEqual([]);
      await page.close();
      // And the static SVG, as read with JavaScript off.
      const context = await (browser as Browser).newContext({ javaScriptEnabled: false });
      const still = await context.newPage();
      await still.goto(file);
      const staticCounts = await countMarks(still);
      expect(staticCounts.filter((c) => c.chart === 'basins').length).toBeGreaterThan(4);
      for (const c of staticCounts) expect(c).toEqual({ ...c, actual: c.expected });
      await context.close();
    }
  });

  it('shows a hostile sweep title as text', async (ctx) => {
    if (!hasChromium) return ctx.skip(SKIP_NOTE);
    const doc = seedDoc();
    doc.sweep.title = HOSTILE;
    const hostileDir = tempDir('gdsweep-report-browser-hostile-');
    await writeReport(hostileDir, doc);
    const page = await (browser as Browser).newPage();
    const problems: string[] = [];
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(pathToFileURL(join(hostileDir, 'index.html')).href);
    await page.waitForFunction(() => document.documentElement.getAttribute('data-charts') === 'live', null, { timeout: 60_000 });
    expect(await page.textContent('h1')).toBe(HOSTILE);
    expect(await page.title()).toBe(`${HOSTILE} · gdsweep report`);
    expect(await page.$$eval('img', (imgs) => imgs.length)).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
