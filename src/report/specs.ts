/**
 * Vega-Lite specs built from the report model: one per chart. Data is
 * inlined as named datasets, and every mark that draws data rows is named,
 * so the page (and its tests) can check that each chart draws one mark per
 * row (rect, point, text) or one path per series (line).
 *
 * Only the sweep name (a restricted identifier) and numbers reach chart
 * text; the free-text title stays in the HTML, where it is escaped.
 */
import { BASIN_SIZE, basinsCaption, type BasinsModel } from './basins.js';
import { ARIA_CELL_LIMIT, GRAD_SCHEME, type MapModel } from './grid.js';
import { CLASS_COLORS, CLASS_INK, CLASS_ORDER, LABEL_INK, NON_FINITE_COLOR, rows, textWidth, topLevel } from './charts/common.js';
import type { ChartSpec, Json, JsonObject, MarkCheck } from './charts/types.js';
import type { ReportModel } from './model.js';
import { count, fmt, plural } from '../format/numbers.js';
import { decadeTicks, linearDomain, logDomain, PADDED_LIMIT, steppedTicks, tickableLinear } from './scales.js';
import type { TradeoffModel } from './tradeoff.js';
import { MARK_FONT, PANEL, type TrajectoryModel } from './trajectories.js';

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

function mapSize(map: MapModel): { width: number; height: number } {
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
function cellRows(map: MapModel): Json[] {
  const keep: string[] = ['lrLo', 'lrHi', 'epLo', 'epHi', 'class', 'logGrad'];
  if (map.panels.length > 1 || map.mode === 'aggregate') keep.push('panel');
  if (map.labels) keep.push('lrMid', 'epMid', 'outcomeLabel', 'outcomeDark', 'gradLabel', 'gradDark');
  if (map.cells.length <= ARIA_CELL_LIMIT) keep.push('tDesc');
  for (const t of mapTooltip(map)) if (t && typeof t === 'object' && !Array.isArray(t) && typeof t.field === 'string') keep.push(t.field);
  const fields = [...new Set(keep)];
  return rows(map.cells.map((c) => Object.fromEntries(fields.map((f) => [f, (c as unknown as Record<string, unknown>)[f]]))));
}

/** The lr x epochs grid with one layer of cells and optional labels; faceted when there are panels. */
function gridChart(map: MapModel, color: JsonObject, label: { field: string; dark: string } | null): { body: JsonObject; marks: MarkCheck[] } {
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

function mapSubtitle(model: ReportModel, map: MapModel): string[] {
  const lines: string[] = [`sweep ${model.header.name} · tolerance |f'| <= ${model.header.tolerance} · ${plural(model.total, 'run')}`];
  if (map.mode === 'aggregate') {
    const how: string[] = [];
    if (map.lr.binned || map.epochs.binned) how.push('neighbouring axis values binned');
    if (map.foldedAxes.length) how.push(`all ${map.foldedAxes.map((a) => `${a}s`).join(' and ')} folded together`);
    lines.push(`each cell summarises several runs (${how.join('; ') || 'repeated axis values'})`);
  }
  return lines;
}

export function outcomeSpec(model: ReportModel, map: MapModel): ChartSpec {
  const color: JsonObject = {
    field: 'class',
    type: 'nominal',
    title: map.mode === 'runs' ? 'class' : 'most common class',
    scale: { domain: CLASS_ORDER, range: CLASS_ORDER.map((k) => CLASS_COLORS[k]) },
    legend: { orient: 'right', symbolType: 'square', symbolSize: 180, symbolStrokeWidth: 0 },
  };
  const { body, marks } = gridChart(map, color, { field: 'outcomeLabel', dark: 'outcomeDark' });
  const caption = [
    'Each cell is one run (learning rate across, epoch budget up), coloured by its class: converged when |f\'(x)| reached the tolerance, slow when it had not yet, divergent when x blew past the bound or the loss ended above where it started.',
    map.lr.log ? 'The learning-rate axis is logarithmic.' : '',
    map.mode === 'aggregate' ? 'Cells summarise several runs each and show the most common class (ties go to the worse class); the tooltip gives the counts.' : '',
  ].filter(Boolean);
  return {
    id: 'outcome-map',
    caption,
    png: 'outcome-map.png',
    vl: topLevel('Outcome by learning rate and epochs', mapSubtitle(model, map), body, { cells: cellRows(map) }),
    marks,
  };
}

/** Legend ticks every few decades, always including the tolerance. */
function gradTicks(lo: number, hi: number, mid: number): number[] {
  return steppedTicks(lo, hi, mid, hi - lo > 8 ? 3 : hi - lo > 4 ? 2 : 1);
}

/** The colour bar no taller than the panels beside it (a row of low panels would leave it hanging below). */
function gradientLength(map: MapModel): number {
  const { height } = mapSize(map);
  const rows = Math.ceil(map.panels.length / map.columns);
  return Math.max(90, Math.min(160, rows * height + (rows - 1) * 40));
}

export function gradientSpec(model: ReportModel, map: MapModel): ChartSpec {
  const [lo, hi] = map.grad.domain;
  const color: JsonObject = {
    field: 'logGrad',
    type: 'quantitative',
    title: ["log10 |f'(x)|", map.mode === 'runs' ? 'at the last epoch' : '(median)'],
    scale: { scheme: GRAD_SCHEME, domain: [lo, hi], domainMid: map.grad.mid, clamp: true },
    legend: { type: 'gradient', orient: 'right', gradientLength: gradientLength(map), format: '~g', values: gradTicks(lo, hi, map.grad.mid) },
  };
  const { body, marks } = gridChart(map, color, { field: 'gradLabel', dark: 'gradDark' });
  const caption = [
    `The same grid coloured by log10 |f'(x)| at the last epoch: blue cells are at or below the tolerance ${model.header.tolerance} (log10 = ${fmt(map.grad.mid)}), orange cells are that many decades away from done.`,
    `The scale is clamped to ${fmt(lo)} .. ${fmt(hi)}: |f'| = 0 and values far beyond it take the end colours.`,
    map.grad.nonFinite ? `Dark grey cells (${map.grad.nonFinite}) overflowed: f'(x) is not a finite number there.` : '',
  ].filter(Boolean);
  return {
    id: 'gradient-map',
    caption,
    png: 'gradient-map.png',
    // Overflowed cells (logGrad null) keep their mark in a colour of their own; by
    // default vega-lite would filter them out of the map.
    vl: topLevel("How far from done: |f'(x)| at the last epoch", mapSubtitle(model, map), body, { cells: cellRows(map) }, { scale: { invalid: { color: { value: NON_FINITE_COLOR } } } }),
    marks,
  };
}

/** Point labels (the epoch each run converged at) only while they cannot crowd each other. */
const POINT_LABEL_LIMIT = 12;
/** Above this many points the trade-off chart draws them as a translucent cloud. */
const DENSE_POINTS = 300;

export function tradeoffSpec(model: ReportModel, t: TradeoffModel): ChartSpec {
  const xScale = { type: 'log', domain: t.lrDomain, nice: false };
  const x = { field: 'lr', type: 'quantitative', title: 'learning rate', scale: xScale, axis: { format: '~g', grid: true, values: decadeTicks(...t.lrDomain) } };
  const y = {
    field: 'epochs',
    type: 'quantitative',
    title: 'epochs to converge',
    scale: { type: 'log', domain: t.epochDomain, nice: false },
    axis: { format: '~g', grid: true, values: decadeTicks(...t.epochDomain) },
  };
  const layers: Json[] = [];
  const marks: MarkCheck[] = [];
  const datasets: Record<string, Json[]> = {};
  if (t.stability) {
    datasets.stability = rows([{ lr: t.stability.lr, end: t.lrDomain[1], label: t.stability.label }]);
    layers.push(
      {
        name: 'unstable',
        data: { name: 'stability' },
        mark: { type: 'rect', color: CLASS_COLORS.divergent, opacity: 0.07 },
        encoding: { x, x2: { field: 'end' } },
      },
      {
        name: 'stability',
        data: { name: 'stability' },
        mark: { type: 'rule', color: CLASS_INK.divergent, strokeDash: [6, 4], strokeWidth: 1.5 },
        encoding: { x },
      },
      {
        name: 'stabilityLabel',
        data: { name: 'stability' },
        mark: { type: 'text', align: 'right', baseline: 'top', dx: -5, dy: 5, color: CLASS_INK.divergent, fontSize: 11 },
        encoding: { x, y: { value: 0 }, text: { field: 'label' } },
      },
    );
    marks.push(
      { mark: 'unstable', dataset: 'stability', per: 'row' },
      { mark: 'stability', dataset: 'stability', per: 'row' },
      { mark: 'stabilityLabel', dataset: 'stability', per: 'row' },
    );
  }
  if (t.budgets.length) {
    datasets.budgets = rows(t.budgets.map((b) => ({ ...b, label: `budget ${b.label}` })));
    layers.push(
      {
        name: 'budgets',
        data: { name: 'budgets' },
        mark: { type: 'rule', color: '#7A7A7A', strokeDash: [2, 3], strokeWidth: 1.2 },
        encoding: { y },
      },
      {
        name: 'budgetLabels',
        data: { name: 'budgets' },
        mark: { type: 'text', align: 'right', baseline: 'bottom', dx: -4, dy: -3, color: '#555', fontSize: 10 },
        encoding: { y, x: { value: 560 }, text: { field: 'label' } },
      },
    );
    marks.push({ mark: 'budgets', dataset: 'budgets', per: 'row' }, { mark: 'budgetLabels', dataset: 'budgets', per: 'row' });
  }
  if (t.theory.length) {
    // 'curve', not 'series': vega-lite merges legends of same-named fields, and the points use 'series'.
    datasets.theory = rows(t.theory.map((p) => ({ curve: p.series, lr: p.lr, epochs: p.epochs })));
    const several = t.theorySeries.length > 1;
    layers.push({
      name: 'theory',
      data: { name: 'theory' },
      // ceil() makes the curve a staircase; step-after draws it as one.
      mark: { type: 'line', color: '#6B6B6B', strokeWidth: 1.5, interpolate: 'step-after', clip: true },
      encoding: {
        x,
        y,
        // Several curves (one per start) are told apart by dash pattern in a legend; one curve gets a text label.
        ...(several
          ? { strokeDash: { field: 'curve', type: 'nominal', title: 'theory (plain GD)', legend: { orient: 'bottom', direction: 'vertical', symbolStrokeWidth: 1.5 } } }
          : { detail: { field: 'curve', type: 'nominal' } }),
        tooltip: [{ field: 'curve', type: 'nominal', title: 'theory curve' }],
      },
    });
    marks.push({ mark: 'theory', dataset: 'theory', per: 'line', by: 'curve' });
    if (!several) {
      // Above a point a third of the way along: the curve falls away below the
      // text to the right, where its slope of -1 is clearest.
      const p = t.theory[Math.floor(t.theory.length / 3)];
      datasets.theoryLabels = rows(p ? [{ lr: p.lr, epochs: p.epochs, label: 'theory: 10x less lr needs 10x more epochs' }] : []);
      layers.push({
        name: 'theoryLabels',
        data: { name: 'theoryLabels' },
        mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 8, dy: -8, color: '#444', fontSize: 11 },
        encoding: { x, y, text: { field: 'label' } },
      });
      marks.push({ mark: 'theoryLabels', dataset: 'theoryLabels', per: 'row' });
    }
  }
  datasets.points = rows(t.points);
  const multi = t.series.length > 1;
  // Thousands of points overlap: small, translucent and without outlines they read as density.
  const dense = t.points.length > DENSE_POINTS;
  const pointStyle: JsonObject = dense ? { size: 24, opacity: 0.45, strokeWidth: 0, aria: false } : { size: 90, opacity: 0.9, stroke: 'white', strokeWidth: 1 };
  layers.push({
    name: 'points',
    data: { name: 'points' },
    mark: { type: 'point', filled: true, ...pointStyle, ...(multi ? {} : { color: CLASS_COLORS.converged as string }) },
    encoding: {
      x,
      y: { ...y, field: 'convergedAt' },
      ...(multi ? { color: { field: 'series', type: 'nominal', title: 'runs', scale: { scheme: 'tableau10' }, legend: { orient: 'bottom', columns: 2 } } } : {}),
      tooltip: [
        { field: 'lr', type: 'quantitative', title: 'learning rate', format: '~g' },
        { field: 'convergedAt', type: 'quantitative', title: 'converged at epoch' },
        { field: 'budgets', type: 'nominal', title: 'epoch budgets' },
        { field: 'runs', type: 'quantitative', title: 'runs' },
        ...(multi ? [{ field: 'series', type: 'nominal', title: 'series' }] : []),
      ],
    },
  });
  marks.push({ mark: 'points', dataset: 'points', per: 'row' });
  if (t.points.length <= POINT_LABEL_LIMIT) {
    layers.push({
      name: 'pointLabels',
      data: { name: 'points' },
      mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 7, dy: -5, fontSize: 11, color: '#1A1A1A' },
      encoding: { x, y: { ...y, field: 'convergedAt' }, text: { field: 'convergedAt', type: 'quantitative' } },
    });
    marks.push({ mark: 'pointLabels', dataset: 'points', per: 'row' });
  }
  const c = t.curvature;
  const subtitle = [
    `sweep ${model.header.name} · converged runs only, each at the epoch it first reached |f'| <= ${model.header.tolerance}`,
    c
      ? `theory for plain GD, curvature c = ${fmt(c.c, 3)}${c.source === 'exact' ? ' (exact: quadratic)' : ` (estimated at x* = ${fmt(c.at ?? NaN, 4)})`}: epochs = ceil(ln(tol/|f'(x0)|) / ln|1 - lr c|)`
      : `no theory curve: ${t.theoryNote ?? 'curvature unknown'}`,
  ];
  const caption = [
    "Epochs needed to converge against the learning rate, both on log axes. Each epoch shrinks the distance to the minimum by the factor |1 - lr c|, so for small rates the epochs needed grow as 1/lr: the points and the theory curve fall with a slope of -1, and 10x less learning rate needs 10x more epochs.",
    t.budgets.length ? 'Dotted lines are the epoch budgets of the sweep: a run whose point would sit above its budget ends slow.' : '',
    t.stability ? 'The fastest rate is lr = 1/c (one step to the minimum of a quadratic); past lr = 2/c (shaded) every step overshoots by more than it corrects, and runs diverge.' : '',
    t.atStart ? `${t.atStart} run(s) converged at epoch 0 (the start was already within tolerance) and are not drawn on the log axis.` : '',
    t.thinned ? `${plural(t.thinned, 'point was', 'points were')} thinned out to keep the page small.` : '',
    t.points.length === 0 ? 'No run converged, so there are no points.' : '',
  ].filter(Boolean);
  return {
    id: 'tradeoff',
    caption,
    png: 'tradeoff.png',
    vl: topLevel('Trade-off: learning rate vs epochs to converge', subtitle, { width: 560, height: 340, layer: layers }, datasets),
    marks,
  };
}

export function trajectorySpec(model: ReportModel, tr: TrajectoryModel): ChartSpec {
  const ink = CLASS_INK[tr.run.class];
  const W = PANEL.width;
  const H = PANEL.height;
  const ex = tr.explodes;
  // A run of 0 epochs is one point at t = 0: give the axis a width vega can tick.
  const lastT = Math.max(0, ...tr.points.map((p) => p.t));
  const t = { field: 't', type: 'quantitative', title: 'epoch', axis: { grid: true, tickMinStep: 1 }, ...(lastT === 0 ? { scale: { domain: [0, 1] } } : {}) };
  // A few pixels of padding keep the lines off the frame (a line along the top edge
  // would widen the panel's bounds and push its title above its neighbours').
  // A series that never moves (a run that starts where f' = 0) gets a range around its value; vega would give it none.
  // So does one that moves by less than doubles can tick (subnormal starts, say).
  // So does one too wide for float64 to pad and tick (values near the largest float).
  const flat = (vals: number[]): JsonObject => {
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
  };
  // |x| on a log axis: below 1e-300 (subnormals) and above 1e300, vega's own
  // ticks, nice ends and padding leave float64; there the domain and the
  // ticks are given, without padding.
  const logged = (vals: number[]): { scale: JsonObject; axis: JsonObject } => {
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
  };
  const pick = (field: 'x' | 'grad', absTitle: string, title: string): JsonObject =>
    ex
      ? { field: `abs_${field}`, type: 'quantitative', title: absTitle, ...logged(tr.points.map((p) => p[field])) }
      : { field, type: 'quantitative', title, scale: { zero: false, padding: 6, ...flat(tr.points.map((p) => p[field])) }, axis: { grid: true } };
  const absTransform: Json[] = ex
    ? [
        { calculate: 'abs(datum.x)', as: 'abs_x' },
        { calculate: 'abs(datum.grad)', as: 'abs_grad' },
      ]
    : [];
  // A series per epoch (x or f'), as a panel over the trace's points.
  const seriesPanel = (title: string, layer: Json[]): JsonObject => ({
    width: W,
    height: H,
    title: { text: title, fontSize: 12, fontWeight: 'normal' },
    data: { name: 'points' },
    transform: absTransform,
    layer,
  });
  const seriesLine = (name: string, y: JsonObject): Json => ({ name, mark: { type: 'line', color: ink, strokeWidth: 1.8 }, encoding: { x: t, y } });
  const xPanel = seriesPanel(ex ? '|x| per epoch (log scale)' : 'x per epoch', [seriesLine('xline', pick('x', '|x|', 'x'))]);
  const gradLayers: Json[] = [seriesLine('gradline', pick('grad', "|f'(x)|", "f'(x)"))];
  // Where the run's verdict happened: the epoch it converged or blew up.
  const eventAt = tr.run.convergedAt ?? tr.run.divergedAt;
  const events: Json[] = eventAt === null ? [] : [{ t: eventAt, label: tr.run.convergedAt !== null ? `converged at ${eventAt}` : `blew up at ${eventAt}` }];
  const late = eventAt !== null && eventAt > 0.6 * (tr.points[tr.points.length - 1]?.t ?? tr.run.epochs);
  const gradPanel = seriesPanel(ex ? "|f'(x)| per epoch (log scale)" : "f'(x) per epoch", gradLayers);
  // A little padding keeps the dots at the ends of the path whole.
  const fx = { field: 'x', type: 'quantitative', title: 'x', scale: { domain: tr.curveDomain, nice: false, zero: false, padding: 5 }, axis: { grid: true } };
  const fy = { field: 'f', type: 'quantitative', title: 'f(x)', scale: { domain: tr.curveRange, nice: false, zero: false, padding: 5 }, axis: { grid: true } };
  const datasets: Record<string, Json[]> = { points: rows(tr.points), curve: rows(tr.curve) };
  if (events.length) {
    datasets.events = events;
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
  }
  const curveLayers: Json[] = [{ name: 'curve', data: { name: 'curve' }, mark: { type: 'line', color: '#9A9A9A', strokeWidth: 1.5 }, encoding: { x: fx, y: fy } }];
  const marks: MarkCheck[] = [
    { mark: 'xline', dataset: 'points', per: 'line' },
    { mark: 'gradline', dataset: 'points', per: 'line' },
    ...(events.length ? [{ mark: 'event', dataset: 'events', per: 'row' as const }, { mark: 'eventLabel', dataset: 'events', per: 'row' as const }] : []),
    { mark: 'curve', dataset: 'curve', per: 'line' },
  ];
  if (tr.path.length) {
    datasets.path = rows(tr.path);
    datasets.dots = rows(tr.dots);
    curveLayers.push(
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
  if (tr.marks.length) {
    // Rings at minima (the run's own dots stay visible inside); red diamonds where a run is stationary but not at a minimum.
    const notMin = "datum.kind !== 'minimum'";
    datasets.stationary = rows(tr.marks);
    curveLayers.push({
      name: 'stationary',
      data: { name: 'stationary' },
      mark: { type: 'point', filled: false, size: 110, strokeWidth: 1.6 },
      encoding: {
        x: fx,
        y: fy,
        shape: { condition: { test: notMin, value: 'diamond' }, value: 'circle' },
        color: { condition: { test: notMin, value: CLASS_INK.divergent }, value: '#1A1A1A' },
        tooltip: [{ field: 'about', type: 'nominal', title: 'reached' }],
      },
    });
    marks.push({ mark: 'stationary', dataset: 'stationary', per: 'row' });
    if (tr.markLabels.length) {
      datasets.stationaryLabels = rows(tr.markLabels);
      curveLayers.push({
        name: 'stationaryLabels',
        data: { name: 'stationaryLabels' },
        mark: { type: 'text', fontSize: MARK_FONT, align: { expr: 'datum.align' }, baseline: { expr: 'datum.baseline' }, dy: { expr: 'datum.dy' } },
        encoding: { x: fx, y: fy, text: { field: 'text' }, color: { condition: { test: notMin, value: CLASS_INK.divergent }, value: '#1A1A1A' } },
      });
      marks.push({ mark: 'stationaryLabels', dataset: 'stationaryLabels', per: 'row' });
    }
  }
  const curvePanel: JsonObject = {
    width: W,
    height: H,
    title: { text: 'descent path on f(x)', fontSize: 12, fontWeight: 'normal' },
    layer: curveLayers,
  };
  const subtitle = [`sweep ${model.header.name} · ${tr.verdict}`, ...tr.notes];
  const caption = [
    ex
      ? "x and f'(x) grow without bound, so their magnitudes are drawn on log axes: a straight rising line is a fixed growth factor per epoch, the signature of a learning rate past the stability limit."
      : "Left: x per epoch; middle: f'(x) per epoch, which must reach 0 (within the tolerance) for the run to converge; a derivative still sloping at the last epoch means 'train longer'. Right: the path of x over the function, one dot per step early on.",
  ];
  if (tr.marks.length) {
    const other = tr.marks.some((m) => m.kind !== 'minimum');
    caption.push(
      `On the curve, rings mark every minimum that converged runs of the sweep reached${other ? "; red diamonds mark points where a converged run is stationary but not at a minimum (f'' < 0: a maximum, where f' = 0 holds descent in place; or f'' ≈ 0)" : ''}.${tr.markLabels.length < tr.marks.length ? ' Labels that would overlap are left out (the tooltip names each point).' : ''}`,
    );
  }
  if (tr.at && tr.at.kind !== 'minimum') caption.push(`This run ${tr.at.kind === 'maximum' ? 'is stationary at a maximum' : 'stopped on a flat spot'}: it counts as converged (|f'| is within the tolerance) but did not find a minimum.`);
  return {
    id: tr.id,
    caption,
    png: `${tr.id}.png`,
    vl: topLevel(`Run ${tr.run.id}: ${tr.title}`, subtitle, { hconcat: [xPanel, gradPanel, curvePanel], spacing: 28 }, datasets),
    marks,
  };
}

/** Rule labels closer than this (px) on one side would overlap. */
const RULE_LABEL_GAP = 13;

/**
 * Which end of its rule each label goes to: the end where fewer points sit
 * under the text (a basin's points lie along its own rule), right on a tie,
 * the other end when a label is already there, none when both ends are
 * taken (the table under the chart lists every point).
 */
function ruleLabelSides(b: BasinsModel, width: number, height: number): ('left' | 'right' | null)[] {
  const [x0, x1] = b.xDomain;
  const [y0, y1] = b.yDomain;
  const px = (v: number) => ((v - x0) / (x1 - x0)) * width;
  const py = (v: number) => height - ((v - y0) / (y1 - y0)) * height;
  const pts = b.panels.flatMap((p) => p.points.map((q) => ({ x: px(q.start), y: py(q.y) })));
  const placed: Record<'left' | 'right', number[]> = { left: [], right: [] };
  return b.rules.map((r) => {
    const w = textWidth(r.label, 10) + 8;
    const ry = py(r.y);
    const near = (x: number, y: number) => y <= ry + 6 && y >= ry - 20 && x >= 0 && x <= width;
    const left = pts.filter((p) => near(p.x, p.y) && p.x <= w).length;
    const right = pts.filter((p) => near(p.x, p.y) && p.x >= width - w).length;
    const first = left < right ? 'left' : 'right';
    for (const side of [first, first === 'left' ? 'right' : 'left'] as const) {
      if (placed[side].every((y) => Math.abs(y - ry) >= RULE_LABEL_GAP)) {
        placed[side].push(ry);
        return side;
      }
    }
    return null;
  });
}

/** Final x against start: one layered plot per panel, concatenated when there are several. */
export function basinsSpec(model: ReportModel, b: BasinsModel): ChartSpec {
  const multi = b.panels.length > 1;
  const { width: W, height: H } = multi ? BASIN_SIZE.multi : BASIN_SIZE.single;
  const x = {
    field: 'start',
    type: 'quantitative',
    title: 'start x0',
    scale: { domain: b.xDomain, nice: false, zero: false },
    axis: { grid: true, labelOverlap: true, ...(b.xTicks ? { values: b.xTicks, format: '~g' } : {}) },
  };
  const y = { field: 'y', type: 'quantitative', title: 'final x (last epoch)', scale: { domain: b.yDomain, nice: false, zero: false }, axis: { grid: true } };
  const sides = ruleLabelSides(b, W, H);
  const datasets: Record<string, Json[]> = {
    diagonal: rows([
      { start: b.xDomain[0], y: b.xDomain[0] },
      { start: b.xDomain[1], y: b.xDomain[1] },
    ]),
    rules: rows(b.rules.map((r) => ({ y: r.y, kind: r.kind, label: r.label, runs: r.runs }))),
    ruleLabels: rows(
      b.rules.flatMap((r, i) => {
        const side = sides[i];
        return side ? [{ y: r.y, kind: r.kind, label: r.label, side, at: side === 'left' ? b.xDomain[0] : b.xDomain[1] }] : [];
      }),
    ),
  };
  const marks: MarkCheck[] = [];
  const dense = b.dense;
  const notMin = "datum.kind !== 'minimum'";
  const panels: JsonObject[] = b.panels.map((p, i) => {
    const sfx = multi ? `_${i}` : '';
    const layers: Json[] = [
      {
        name: `diagonal${sfx}`,
        data: { name: 'diagonal' },
        mark: { type: 'line', color: '#B0B0B0', strokeDash: [2, 3], strokeWidth: 1, clip: true },
        encoding: { x, y },
      },
    ];
    marks.push({ mark: `diagonal${sfx}`, dataset: 'diagonal', per: 'line' });
    if (b.rules.length) {
      layers.push(
        {
          name: `rules${sfx}`,
          data: { name: 'rules' },
          mark: { type: 'rule', strokeWidth: 1 },
          encoding: {
            y,
            color: { condition: { test: notMin, value: CLASS_INK.divergent }, value: '#666666' },
            strokeDash: { condition: { test: notMin, value: [5, 3] }, value: [1, 0] },
            tooltip: [
              { field: 'label', type: 'nominal', title: 'point' },
              { field: 'runs', type: 'quantitative', title: 'converged runs here' },
            ],
          },
        },
        {
          name: `ruleLabels${sfx}`,
          data: { name: 'ruleLabels' },
          mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 10, align: { expr: 'datum.side' }, dx: { expr: "datum.side === 'left' ? 4 : -4" } },
          encoding: {
            x: { field: 'at', type: 'quantitative' },
            y,
            text: { field: 'label' },
            color: { condition: { test: notMin, value: CLASS_INK.divergent }, value: '#333333' },
          },
        },
      );
      marks.push({ mark: `rules${sfx}`, dataset: 'rules', per: 'row' }, { mark: `ruleLabels${sfx}`, dataset: 'ruleLabels', per: 'row' });
    }
    if (b.mode === 'lines' && p.lines.length) {
      datasets[`lines${sfx}`] = rows(p.lines);
      layers.push({
        name: `lines${sfx}`,
        data: { name: `lines${sfx}` },
        mark: { type: 'line', interpolate: 'step', color: '#8C8C8C', strokeWidth: 1.2 },
        encoding: { x, y, detail: { field: 'line', type: 'nominal' } },
      });
      marks.push({ mark: `lines${sfx}`, dataset: `lines${sfx}`, per: 'line', by: 'line' });
    }
    datasets[`points${sfx}`] = rows(p.points);
    layers.push({
      name: `points${sfx}`,
      data: { name: `points${sfx}` },
      mark: { type: 'point', filled: true, ...(dense ? { size: 22, opacity: 0.5, strokeWidth: 0, aria: false } : { size: 60, opacity: 0.95, stroke: 'white', strokeWidth: 0.8 }) },
      encoding: {
        x,
        y,
        color: {
          field: 'class',
          type: 'nominal',
          title: 'class',
          scale: { domain: CLASS_ORDER, range: CLASS_ORDER.map((k) => CLASS_COLORS[k]) },
          legend: { orient: 'right', symbolType: 'circle', symbolSize: 120, symbolStrokeWidth: 0 },
        },
        shape: { field: 'shape', type: 'nominal', scale: null },
        tooltip: [
          { field: 'tRun', type: 'nominal', title: 'run' },
          { field: 'tStart', type: 'nominal', title: 'start' },
          { field: 'tRunOf', type: 'nominal', title: 'settings' },
          { field: 'tX', type: 'nominal', title: 'final x' },
          { field: 'tClass', type: 'nominal', title: 'class' },
        ],
      },
    });
    marks.push({ mark: `points${sfx}`, dataset: `points${sfx}`, per: 'row' });
    return { width: W, height: H, ...(multi ? { title: { text: p.label, fontSize: 12, fontWeight: 'bold', anchor: 'middle' } } : {}), layer: layers };
  });
  const body: JsonObject = multi
    ? { concat: panels, columns: b.columns, spacing: 20, resolve: { scale: { color: 'shared', shape: 'shared' }, legend: { color: 'shared' } } }
    : (panels[0] as JsonObject);
  const scope = [
    b.budget !== null ? `largest epoch budget (${plural(b.budget, 'epoch')})` : '',
    b.mode === 'points' ? 'points only' : '',
    b.panels.length === 1 && (b.panels[0]?.label ?? '') !== '' ? (b.panels[0]?.label ?? '') : '',
  ].filter(Boolean);
  const subtitle = [`sweep ${model.header.name} · ${plural(b.drawn, 'run')}${scope.length ? ` · ${scope.join(' · ')}` : ''}`];
  return {
    id: 'basins',
    caption: [...basinsCaption(b), ...(sides.some((x) => x === null) ? ['Labels that would overlap are left out; the table below lists every point.'] : [])],
    png: 'basins.png',
    vl: topLevel('Where each start ends', subtitle, body, datasets),
    marks,
  };
}

/** Every chart of the report, in page order. */
export function chartSpecs(model: ReportModel): ChartSpec[] {
  const out: ChartSpec[] = [];
  if (model.map) out.push(outcomeSpec(model, model.map), gradientSpec(model, model.map));
  if (model.basins) out.push(basinsSpec(model, model.basins));
  if (model.tradeoff) out.push(tradeoffSpec(model, model.tradeoff));
  for (const tr of model.trajectories.items) out.push(trajectorySpec(model, tr));
  return out;
}
