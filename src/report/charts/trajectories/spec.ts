/**
 * One run's trajectory as Vega-Lite, three panels side by side: x per
 * epoch, f'(x) per epoch (with the epoch of its verdict), and the descent
 * path over the function with the points converged runs reached. A run that
 * explodes is drawn as |x| and |f'| on log axes.
 */
import { decadeTicks, linearDomain, logDomain, PADDED_LIMIT, tickableLinear } from '../../scales.js';
import { CLASS_INK, LABEL_INK, notMinimumColor, NOT_MINIMUM, panelTitle, rows, topLevel } from '../common.js';
import type { ChartSpecBody, Json, JsonObject, MarkCheck, ReportFacts } from '../types.js';
import { trajectoryCaption } from './caption.js';
import { MARK_FONT, PANEL } from './labels.js';
import type { TrajectoryModel } from './model.js';

/**
 * The scale of a series on a linear axis, where vega could not make one:
 * a series that never moves (a run that starts where f' = 0) or moves by
 * less than doubles can tick (subnormal starts, say) gets a range around
 * its value; one too wide for float64 to pad and tick (values near the
 * largest float) gets its own ends, unpadded.
 */
function flatScale(vals: number[]): JsonObject {
  let lo = Infinity;
  let hi = -Infinity;
  for (const u of vals) {
    if (!Number.isFinite(u)) continue;
    if (u < lo) lo = u;
    if (u > hi) hi = u;
  }
  if (lo > hi || tickableLinear(lo, hi, PADDED_LIMIT)) return {};
  // Values near the largest float: no padding or nice ends, which would overflow.
  if (tickableLinear(lo, hi)) return { domain: [lo, hi], nice: false, padding: 0 };
  // Around zero (or a subnormal) a unit range reads best and ticks safely.
  return { domain: linearDomain(lo, hi, PADDED_LIMIT), nice: false };
}

/**
 * |values| on a log axis: below 1e-300 (subnormals) and above 1e300, vega's
 * own ticks, nice ends and padding leave float64; there the domain and the
 * ticks are given, without padding.
 */
function logScale(vals: number[]): { scale: JsonObject; axis: JsonObject } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of vals) {
    const u = Math.abs(v);
    if (!(u > 0) || !Number.isFinite(u)) continue;
    if (u < lo) lo = u;
    if (u > hi) hi = u;
  }
  if (lo > hi || (lo >= 1e-300 && hi <= 1e300)) return { scale: { type: 'log', padding: 6 }, axis: { format: '.0e', grid: true } };
  const domain = logDomain(lo, hi);
  return { scale: { type: 'log', domain, nice: false }, axis: { format: '.0e', grid: true, values: decadeTicks(...domain) } };
}

/** The x and f'(x) panels: a line per epoch each; the f' panel also marks the epoch the run converged or blew up. */
function seriesPanels(tr: TrajectoryModel, datasets: Record<string, Json[]>, marks: MarkCheck[]): [JsonObject, JsonObject] {
  const ink = CLASS_INK[tr.run.class];
  const ex = tr.explodes;
  // A run of 0 epochs is one point at t = 0: give the axis a width vega can tick.
  const lastT = Math.max(0, ...tr.points.map((p) => p.t));
  const t = { field: 't', type: 'quantitative', title: 'epoch', axis: { grid: true, tickMinStep: 1 }, ...(lastT === 0 ? { scale: { domain: [0, 1] } } : {}) };
  // A few pixels of padding keep the lines off the frame (a line along the top edge
  // would widen the panel's bounds and push its title above its neighbours').
  const pick = (field: 'x' | 'grad', absTitle: string, title: string): JsonObject =>
    ex
      ? { field: `abs_${field}`, type: 'quantitative', title: absTitle, ...logScale(tr.points.map((p) => p[field])) }
      : { field, type: 'quantitative', title, scale: { zero: false, padding: 6, ...flatScale(tr.points.map((p) => p[field])) }, axis: { grid: true } };
  const absTransform: Json[] = ex
    ? [
        { calculate: 'abs(datum.x)', as: 'abs_x' },
        { calculate: 'abs(datum.grad)', as: 'abs_grad' },
      ]
    : [];
  const seriesPanel = (title: string, layer: Json[]): JsonObject => ({ width: PANEL.width, height: PANEL.height, title: panelTitle(title), data: { name: 'points' }, transform: absTransform, layer });
  const seriesLine = (name: string, y: JsonObject): Json => ({ name, mark: { type: 'line', color: ink, strokeWidth: 1.8 }, encoding: { x: t, y } });
  const gradLayers: Json[] = [seriesLine('gradline', pick('grad', "|f'(x)|", "f'(x)"))];
  marks.push({ mark: 'xline', dataset: 'points', per: 'line' }, { mark: 'gradline', dataset: 'points', per: 'line' });
  // Where the run's verdict happened: the epoch it converged or blew up.
  const eventAt = tr.run.convergedAt ?? tr.run.divergedAt;
  if (eventAt !== null) {
    const late = eventAt > 0.6 * (tr.points[tr.points.length - 1]?.t ?? tr.run.epochs);
    datasets.events = [{ t: eventAt, label: tr.run.convergedAt !== null ? `converged at ${eventAt}` : `blew up at ${eventAt}` }];
    gradLayers.push(
      { name: 'event', data: { name: 'events' }, mark: { type: 'rule', color: '#555', strokeDash: [4, 3], strokeWidth: 1 }, encoding: { x: t } },
      {
        name: 'eventLabel',
        data: { name: 'events' },
        // On the far side of the rule from the panel's edge, so the label never leaves the panel.
        mark: { type: 'text', baseline: 'top', dy: 4, fontSize: 11, color: '#333', ...(late ? { align: 'right', dx: -4 } : { align: 'left', dx: 4 }) },
        encoding: { x: t, y: { value: 0 }, text: { field: 'label' } },
      },
    );
    marks.push({ mark: 'event', dataset: 'events', per: 'row' }, { mark: 'eventLabel', dataset: 'events', per: 'row' });
  }
  return [
    seriesPanel(ex ? '|x| per epoch (log scale)' : 'x per epoch', [seriesLine('xline', pick('x', '|x|', 'x'))]),
    seriesPanel(ex ? "|f'(x)| per epoch (log scale)" : "f'(x) per epoch", gradLayers),
  ];
}

/** The points reached on the curve: rings at minima (the run's own dots stay visible inside), red diamonds elsewhere, and their labels. */
function stationaryLayers(tr: TrajectoryModel, fx: JsonObject, fy: JsonObject, datasets: Record<string, Json[]>, marks: MarkCheck[]): Json[] {
  if (!tr.marks.length) return [];
  datasets.stationary = rows(tr.marks);
  const layers: Json[] = [
    {
      name: 'stationary',
      data: { name: 'stationary' },
      mark: { type: 'point', filled: false, size: 110, strokeWidth: 1.6 },
      encoding: {
        x: fx,
        y: fy,
        shape: { condition: { test: NOT_MINIMUM, value: 'diamond' }, value: 'circle' },
        color: notMinimumColor(LABEL_INK),
        tooltip: [{ field: 'about', type: 'nominal', title: 'reached' }],
      },
    },
  ];
  marks.push({ mark: 'stationary', dataset: 'stationary', per: 'row' });
  if (!tr.markLabels.length) return layers;
  datasets.stationaryLabels = rows(tr.markLabels);
  layers.push({
    name: 'stationaryLabels',
    data: { name: 'stationaryLabels' },
    mark: { type: 'text', fontSize: MARK_FONT, align: { expr: 'datum.align' }, baseline: { expr: 'datum.baseline' }, dy: { expr: 'datum.dy' } },
    encoding: { x: fx, y: fy, text: { field: 'text' }, color: notMinimumColor(LABEL_INK) },
  });
  marks.push({ mark: 'stationaryLabels', dataset: 'stationaryLabels', per: 'row' });
  return layers;
}

/** The descent path over f(x): the curve, the path and a dot per early step, and the points reached. */
function curvePanel(tr: TrajectoryModel, datasets: Record<string, Json[]>, marks: MarkCheck[]): JsonObject {
  const ink = CLASS_INK[tr.run.class];
  // A little padding keeps the dots at the ends of the path whole.
  const fx = { field: 'x', type: 'quantitative', title: 'x', scale: { domain: tr.curveDomain, nice: false, zero: false, padding: 5 }, axis: { grid: true } };
  const fy = { field: 'f', type: 'quantitative', title: 'f(x)', scale: { domain: tr.curveRange, nice: false, zero: false, padding: 5 }, axis: { grid: true } };
  const layers: Json[] = [{ name: 'curve', data: { name: 'curve' }, mark: { type: 'line', color: '#9A9A9A', strokeWidth: 1.5 }, encoding: { x: fx, y: fy } }];
  marks.push({ mark: 'curve', dataset: 'curve', per: 'line' });
  if (tr.path.length) {
    datasets.path = rows(tr.path);
    datasets.dots = rows(tr.dots);
    layers.push(
      { name: 'path', data: { name: 'path' }, mark: { type: 'line', color: ink, strokeWidth: 1, opacity: 0.6, clip: true }, encoding: { x: fx, y: fy, order: { field: 't', type: 'quantitative' } } },
      {
        name: 'dots',
        data: { name: 'dots' },
        mark: { type: 'point', filled: true, size: 28, color: ink, clip: true },
        encoding: {
          x: fx,
          y: fy,
          tooltip: [
            { field: 't', type: 'quantitative', title: 'epoch' },
            { field: 'x', type: 'quantitative', title: 'x', format: '.6~g' },
            { field: 'f', type: 'quantitative', title: 'f(x)', format: '.6~g' },
          ],
        },
      },
    );
    marks.push({ mark: 'path', dataset: 'path', per: 'line' }, { mark: 'dots', dataset: 'dots', per: 'row' });
  }
  layers.push(...stationaryLayers(tr, fx, fy, datasets, marks));
  return { width: PANEL.width, height: PANEL.height, title: panelTitle('descent path on f(x)'), layer: layers };
}

export function trajectorySpec(report: ReportFacts, tr: TrajectoryModel): ChartSpecBody {
  const datasets: Record<string, Json[]> = { points: rows(tr.points), curve: rows(tr.curve) };
  const marks: MarkCheck[] = [];
  const [xPanel, gradPanel] = seriesPanels(tr, datasets, marks);
  const curve = curvePanel(tr, datasets, marks);
  return {
    id: tr.id,
    caption: trajectoryCaption(tr),
    png: `${tr.id}.png`,
    vl: topLevel(`Run ${tr.run.id}: ${tr.title}`, [`sweep ${report.header.name} · ${tr.verdict}`, ...tr.notes], { hconcat: [xPanel, gradPanel, curve], spacing: 28 }, datasets),
    marks,
  };
}
