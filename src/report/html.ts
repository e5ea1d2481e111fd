/**
 * index.html: the model and the rendered charts poured into the Handlebars
 * templates in templates/. Handlebars escapes every {{value}}; the few raw
 * {{{blocks}}} are produced here and escaped for their context: the charts'
 * SVG (vega escapes its text), JSON in <script> (escape.jsonForScript), the
 * library builds (escape.scriptForInline) and our own CSS and script.
 */
import Handlebars from 'handlebars';
import type { RunClass } from '../engine/classify.js';
import { VERSION } from '../version.js';
import type { PageAssets } from './assets.js';
import { BEST_RULE } from '../analysis/best.js';
import { jsonForScript, scriptForInline } from './escape.js';
import type { ReportModel } from './model.js';
import { count, sig6, percent, plural } from '../format/numbers.js';
import { PNG_SCALE, type RenderedChart } from './render-charts.js';
import { CLASS_COLORS, CLASS_INK } from './charts/common.js';
import { CHART_DEFS, modelOf } from './charts/registry.js';
import type { ChartView, Json, PageSection } from './charts/types.js';

function chartView(c: RenderedChart): ChartView {
  return {
    id: c.spec.id,
    caption: c.spec.caption,
    png: c.spec.png,
    svg: c.svg,
    width: c.width,
    pngWidth: Math.round(c.width * PNG_SCALE),
    pngHeight: Math.round(c.height * PNG_SCALE),
  };
}

/** A chart's link in the page's contents; a chart with nothing to show keeps an empty line there. */
interface ContentsEntry {
  anchor: string;
  toc: string;
  shown: boolean;
}

/**
 * The registry's charts as the page lays them out, in its order: a line in
 * the contents each, and a section each that has something to show (its
 * own, or the page's heading over its figures).
 */
function chartSections(model: ReportModel, charts: readonly RenderedChart[]): { contents: ContentsEntry[]; sections: PageSection[] } {
  const contents: ContentsEntry[] = [];
  const sections: PageSection[] = [];
  for (const def of CHART_DEFS) {
    const figures = charts.filter((c) => c.spec.chart === def.id).map(chartView);
    const section = def.section
      ? def.section(modelOf(model.charts, def.id), figures, model)
      : figures.length
        ? { ...def.page, partial: 'section', figures }
        : null;
    contents.push({ anchor: section?.anchor ?? def.page.anchor, toc: section?.toc ?? def.page.toc, shown: section !== null });
    if (section) sections.push(section);
  }
  return { contents, sections };
}

function bestRows(model: ReportModel): { rows: unknown[]; withAxes: boolean; rule: string } {
  const withAxes = model.header.axes.some((a) => a.name === 'schedule' || a.name === 'optimizer');
  const rows = model.best.map((b) => {
    const c = b.best ?? b.closest;
    return {
      epochs: String(b.epochs),
      lr: b.best ? sig6(b.best.lr) : c ? `none (closest: ${sig6(c.lr)})` : 'none converged',
      schedule: c ? c.schedule : '',
      optimizer: c ? c.optimizer : '',
      convergedAt: c ? String(c.convergedAt) : '-',
      runs: c ? `${c.converged}/${c.runs} converged` : '-',
      missing: !b.best,
    };
  });
  return {
    rows,
    withAxes,
    rule: BEST_RULE,
  };
}

interface PageSpec {
  id: string;
  json: string;
}

/**
 * The charts' inline datasets, each stored once for the page: the outcome
 * and gradient maps draw the same cells, which would otherwise be embedded
 * twice. Each chart's JSON names its datasets by store key; the page's
 * script puts the values back before handing the spec to vega.
 */
function shareDatasets(charts: readonly RenderedChart[]): { store: string; specs: PageSpec[] } {
  const keys = new Map<string, string>();
  const store: Record<string, Json> = {};
  const specs = charts.map((c) => {
    const refs: Record<string, string> = {};
    const data = Array.isArray(c.vega.data) ? c.vega.data : [];
    const stripped = data.map((d) => {
      if (d === null || typeof d !== 'object' || Array.isArray(d) || !Array.isArray(d.values) || typeof d.name !== 'string') return d;
      const text = JSON.stringify(d.values);
      let key = keys.get(text);
      if (key === undefined) {
        key = `d${keys.size}`;
        keys.set(text, key);
        store[key] = d.values;
      }
      refs[d.name] = key;
      const { values: _values, ...rest } = d;
      return rest;
    });
    // `marks` tells the page's tests how to check each named mark against its dataset.
    return { id: c.spec.id, json: jsonForScript({ marks: c.spec.marks, data: refs, spec: { ...c.vega, data: stripped } }) };
  });
  return { store: jsonForScript(store), specs };
}

export function renderHtml(model: ReportModel, charts: readonly RenderedChart[], assets: PageAssets): string {
  const hb = Handlebars.create();
  for (const [name, src] of Object.entries(assets.partials)) hb.registerPartial(name, src);
  const layout = hb.compile(assets.layout, { strict: true, noEscape: false });

  const { contents, sections } = chartSections(model, charts);
  const shared = shareDatasets(charts);
  const context = {
    header: model.header,
    reportVersion: VERSION,
    colors: CLASS_COLORS,
    ink: CLASS_INK,
    counts: (['converged', 'slow', 'divergent'] as RunClass[]).map((k) => ({ class: k, n: count(model.counts[k]), share: percent(model.counts[k], model.total) })),
    total: count(model.total),
    notes: model.notes,
    contents,
    sections,
    best: bestRows(model),
    table: {
      ...model.table,
      lead: `${plural(model.table.total, 'run')}, divergent ones included.`,
    },
    pngs: charts.map((c) => c.spec.png),
    css: assets.css,
    client: scriptForInline(assets.client),
    // The compiled Vega specs drive the live charts.
    specs: shared.specs,
    dataStore: shared.store,
    libraries: assets.libraries.map((l) => ({ name: l.name, source: scriptForInline(l.source) })),
  };
  return layout(context);
}
