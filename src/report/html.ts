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
import { count, sig6, fmt, percent, plural } from '../format/numbers.js';
import { PNG_SCALE, type RenderedChart } from './render-charts.js';
import { CLASS_COLORS, CLASS_INK } from './charts/common.js';
import type { Json } from './charts/types.js';
import { startsText } from './stationary.js';
import { MAX_TRAJECTORIES } from './charts/trajectories/model.js';

interface ChartView {
  id: string;
  caption: string[];
  png: string;
  svg: string;
  width: number;
  pngWidth: number;
  pngHeight: number;
}

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

function trajectoryLead(model: ReportModel): string {
  const t = model.trajectories;
  return t.source === 'selected'
    ? "The runs chosen in the sweep's report.trajectories, traced again epoch by epoch with the engine's own arithmetic."
    : "No report.trajectories in the sweep, so one representative run per class is shown (the first run of each class), and the first run to end at each other point where converged runs stopped (a maximum first, then the minima most runs reached), traced again epoch by epoch with the engine's own arithmetic.";
}

/** Rows of the points-reached table. */
export const MAX_POINT_ROWS = 50;

function basinsSection(model: ReportModel, hasChart: boolean): { title: string; points: unknown[]; lead: string; note: string | null } | null {
  const st = model.stationary;
  const interesting = st.points.length > 1 || st.points.some((p) => p.kind !== 'minimum');
  if (!hasChart && !interesting) return null;
  const shown = st.points.slice(0, MAX_POINT_ROWS);
  return {
    title: hasChart ? 'Where each start ends' : 'Where the runs end',
    points: shown.map((p) => ({
      label: p.label,
      x: fmt(p.x, 8),
      f: fmt(p.f, 6),
      curvature: Number.isFinite(p.curvature) ? fmt(p.curvature, 4) : '-',
      kind: p.text,
      minimum: p.kind === 'minimum',
      runs: `${count(p.runs)} (${percent(p.runs, st.converged)})`,
      starts: p.starts.length ? startsText(p.starts) : '',
    })),
    lead:
      "Each converged run stops where |f'(x)| is within the tolerance, a little way (about tolerance / |f''|) from a stationary point. Its final x is refined to that point (Newton's method on f'), runs at the same point are counted together, and the sign of f'' there (by central differences of f') tells a minimum from a maximum.",
    note:
      st.points.length > shown.length
        ? `Showing ${shown.length} of ${plural(st.points.length, 'point')}, by x.`
        : st.note,
  };
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

  const byId = new Map(charts.map((c) => [c.spec.id, c]));
  const view = (id: string) => {
    const c = byId.get(id);
    return c ? chartView(c) : null;
  };
  const trajectoryViews = model.trajectories.items
    .map((t) => {
      const c = byId.get(t.id);
      return c ? chartView(c) : null;
    })
    .filter((v): v is ChartView => v !== null);
  const notes: string[] = [];
  if (model.trajectories.note) notes.push(model.trajectories.note);
  if (model.trajectories.dropped) notes.push(`${model.trajectories.dropped} more selected run(s) are not drawn: at most ${MAX_TRAJECTORIES} trajectories per report.`);

  const shared = shareDatasets(charts);
  const context = {
    header: model.header,
    reportVersion: VERSION,
    colors: CLASS_COLORS,
    ink: CLASS_INK,
    counts: (['converged', 'slow', 'divergent'] as RunClass[]).map((k) => ({ class: k, n: count(model.counts[k]), share: percent(model.counts[k], model.total) })),
    total: count(model.total),
    notes: model.notes,
    charts: { outcome: view('outcome-map'), gradient: view('gradient-map'), basins: view('basins'), tradeoff: view('tradeoff'), trajectories: trajectoryViews },
    basins: basinsSection(model, byId.has('basins')),
    trajectories: { lead: trajectoryLead(model), notes },
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
