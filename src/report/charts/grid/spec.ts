/**
 * The learning-rate x epochs grid as Vega-Lite, for both maps: the cells,
 * their labels while there are few, one facet per panel, the tooltip and
 * the subtitle. Each map adds its colour encoding (outcome-map/spec.ts,
 * gradient-map/spec.ts).
 */
import { plural } from '../../../format/numbers.js';
import { decadeTicks } from '../../scales.js';
import { LABEL_INK, rows } from '../common.js';
import type { Json, JsonObject, MarkCheck, ReportFacts } from '../types.js';
import { ARIA_CELL_LIMIT, type MapModel } from './model.js';

/** Axis values as ticks up to this many (long labels such as 0.0001468 crowd beyond it). */
const MAX_VALUE_TICKS = 8;

function scaleFor(axis: MapModel['lr']): JsonObject {
  return axis.log ? { type: 'log', domain: axis.domain, nice: false } : { type: 'linear', domain: axis.domain, nice: false, zero: false };
}

/** Ticks at the axis values while they are few; powers of ten on a log axis otherwise. */
function axisFor(axis: MapModel['lr'], title: string): JsonObject {
  // '~g' prints 0.0001 on a log axis but 2e+3 on a linear one, which keeps vega's default.
  const a: JsonObject = { title, grid: false, labelOverlap: true, ...(axis.log ? { format: '~g' } : {}) };
  if (axis.ticks && axis.ticks.length <= MAX_VALUE_TICKS) {
    a.values = axis.ticks;
    // Vega formats values by the domain's tick step unless the format names a precision:
    // a single lr of 0.01 would read "0.0", a single budget of 100 "1e+2".
    if (!axis.log) a.format = '.6~g';
  }
  else if (axis.log) a.values = decadeTicks(...axis.domain);
  return a;
}

export function mapSize(map: MapModel): { width: number; height: number } {
  const nL = map.lr.bins.length;
  const nE = map.epochs.bins.length;
  // Side by side: narrower when four go across; low when there are few epoch values (one is a single band).
  if (map.panels.length > 1) return { width: map.columns >= 4 ? 240 : 300, height: Math.min(200, Math.max(100, nE * 60)) };
  if (map.labels) return { width: Math.min(620, Math.max(360, nL * 120)), height: Math.min(360, Math.max(150, nE * 80)) };
  return { width: 560, height: 320 };
}

function mapTooltip(map: MapModel): Json[] {
  const t = (field: string, title: string): JsonObject => ({ field, type: 'nominal', title });
  if (map.mode === 'runs') {
    return [t('tRun', 'run'), t('tLr', 'learning rate'), t('tEpochs', 'epochs'), t('tStart', 'start'), t('tX', 'x'), t('tGrad', "f'(x)"), t('tLoss', 'loss'), t('tClass', 'class'), t('tConverged', 'converged at'), t('tDiverged', 'blew up at')];
  }
  return [t('panel', 'panel'), t('tLr', 'learning rate'), t('tEpochs', 'epochs'), t('tRuns', 'runs'), t('tClass', 'class'), t('tGrad', "f'(x)")];
}

/**
 * The cells' rows as the maps use them: only the fields some encoding or
 * tooltip reads, so a 3,000-cell map does not carry every model field. Both
 * maps get identical rows, which the page then stores once.
 */
export function cellRows(map: MapModel): Json[] {
  const keep: string[] = ['lrLo', 'lrHi', 'epLo', 'epHi', 'class', 'logGrad'];
  if (map.panels.length > 1 || map.mode === 'aggregate') keep.push('panel');
  if (map.labels) keep.push('lrMid', 'epMid', 'outcomeLabel', 'outcomeDark', 'gradLabel', 'gradDark');
  if (map.cells.length <= ARIA_CELL_LIMIT) keep.push('tDesc');
  for (const t of mapTooltip(map)) if (t && typeof t === 'object' && !Array.isArray(t) && typeof t.field === 'string') keep.push(t.field);
  const fields = [...new Set(keep)];
  return rows(map.cells.map((c) => Object.fromEntries(fields.map((f) => [f, (c as unknown as Record<string, unknown>)[f]]))));
}

/** The lr x epochs grid with one layer of cells and optional labels; faceted when there are panels. */
export function gridChart(map: MapModel, color: JsonObject, label: { field: string; dark: string } | null): { body: JsonObject; marks: MarkCheck[] } {
  const many = map.cells.length > ARIA_CELL_LIMIT;
  const { width, height } = mapSize(map);
  const enc: JsonObject = {
    x: { field: 'lrLo', type: 'quantitative', scale: scaleFor(map.lr), axis: axisFor(map.lr, 'learning rate') },
    x2: { field: 'lrHi' },
    y: { field: 'epLo', type: 'quantitative', scale: scaleFor(map.epochs), axis: axisFor(map.epochs, 'epochs') },
    y2: { field: 'epHi' },
    color,
    tooltip: mapTooltip(map),
    ...(many ? {} : { description: { field: 'tDesc' } }),
  };
  // Dense grids: no white gaps, and each cell reaches 0.6 px into its right and
  // upper neighbours, hiding the anti-aliasing seams between them (a stroke in
  // the cell's colour would do too, but turns the gradient legend into symbols).
  // Thousands of aria-labels would double the SVG; the run table has the facts.
  const cellMark: JsonObject = many ? { type: 'rect', x2Offset: 0.6, y2Offset: -0.6, aria: false } : { type: 'rect', stroke: 'white', strokeWidth: 1.5 };
  const layers: Json[] = [{ name: 'cells', mark: cellMark, encoding: enc }];
  const marks: MarkCheck[] = [{ mark: 'cells', dataset: 'cells', per: 'row' }];
  if (label && map.labels) {
    layers.push({
      name: 'labels',
      mark: { type: 'text', fontSize: 11, lineHeight: 14, baseline: 'middle', aria: false },
      encoding: {
        x: { field: 'lrMid', type: 'quantitative' },
        y: { field: 'epMid', type: 'quantitative' },
        text: { field: label.field },
        color: { condition: { test: `datum.${label.dark}`, value: 'white' }, value: LABEL_INK },
        tooltip: mapTooltip(map),
      },
    });
    marks.push({ mark: 'labels', dataset: 'cells', per: 'row' });
  }
  if (map.panels.length === 1) return { body: { data: { name: 'cells' }, width, height, layer: layers }, marks };
  return {
    body: {
      data: { name: 'cells' },
      facet: { field: 'panel', type: 'nominal', sort: map.panels.map((p) => p.label), header: { title: null, labelFontWeight: 'bold' } },
      columns: map.columns,
      spec: { width, height, layer: layers },
      resolve: { scale: { x: 'shared', y: 'shared', color: 'shared' } },
    },
    marks,
  };
}

export function mapSubtitle(report: ReportFacts, map: MapModel): string[] {
  const lines: string[] = [`sweep ${report.header.name} · tolerance |f'| <= ${report.header.tolerance} · ${plural(report.total, 'run')}`];
  if (map.mode === 'aggregate') {
    const how: string[] = [];
    if (map.lr.binned || map.epochs.binned) how.push('neighbouring axis values binned');
    if (map.foldedAxes.length) how.push(`all ${map.foldedAxes.map((a) => `${a}s`).join(' and ')} folded together`);
    lines.push(`each cell summarises several runs (${how.join('; ') || 'repeated axis values'})`);
  }
  return lines;
}
