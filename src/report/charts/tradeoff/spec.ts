/**
 * The trade-off as Vega-Lite: converged runs (lr, epoch converged at) on
 * log-log axes over the theory curve of plain GD, with the stability limit
 * shaded and the sweep's epoch budgets as rules. Layers are drawn in the
 * order they are added: the limit, the budgets, the theory, the points.
 */
import { fmt } from '../../../format/numbers.js';
import { decadeTicks } from '../../scales.js';
import { CLASS_COLORS, CLASS_INK, LABEL_INK, rows, topLevel } from '../common.js';
import type { ChartSpecBody, Json, JsonObject, MarkCheck, ReportFacts } from '../types.js';
import { tradeoffCaption } from './caption.js';
import type { TradeoffModel } from './model.js';

/** Point labels (the epoch each run converged at) only while they cannot crowd each other. */
const POINT_LABEL_LIMIT = 12;
/** Above this many points the trade-off chart draws them as a translucent cloud. */
const DENSE_POINTS = 300;

/** The chart being built: layers, their datasets and the marks a test counts, in drawing order. */
interface Layers {
  layers: Json[];
  datasets: Record<string, Json[]>;
  marks: MarkCheck[];
  x: JsonObject;
  y: JsonObject;
}

/** Past lr = 2/c: a shaded band, the limit as a dashed rule, and its label. */
function stabilityLayers(t: TradeoffModel, l: Layers): void {
  if (!t.stability) return;
  const { x } = l;
  l.datasets.stability = rows([{ lr: t.stability.lr, end: t.lrDomain[1], label: t.stability.label }]);
  l.layers.push(
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
  l.marks.push(
    { mark: 'unstable', dataset: 'stability', per: 'row' },
    { mark: 'stability', dataset: 'stability', per: 'row' },
    { mark: 'stabilityLabel', dataset: 'stability', per: 'row' },
  );
}

/** The sweep's epoch budgets as dotted rules with labels. */
function budgetLayers(t: TradeoffModel, l: Layers): void {
  if (!t.budgets.length) return;
  const { y } = l;
  l.datasets.budgets = rows(t.budgets.map((b) => ({ ...b, label: `budget ${b.label}` })));
  l.layers.push(
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
  l.marks.push({ mark: 'budgets', dataset: 'budgets', per: 'row' }, { mark: 'budgetLabels', dataset: 'budgets', per: 'row' });
}

/** The theory curves: one labelled staircase, or several told apart by dash pattern in a legend. */
function theoryLayers(t: TradeoffModel, l: Layers): void {
  if (!t.theory.length) return;
  const { x, y } = l;
  // 'curve', not 'series': vega-lite merges legends of same-named fields, and the points use 'series'.
  l.datasets.theory = rows(t.theory.map((p) => ({ curve: p.series, lr: p.lr, epochs: p.epochs })));
  const several = t.theorySeries.length > 1;
  l.layers.push({
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
  l.marks.push({ mark: 'theory', dataset: 'theory', per: 'line', by: 'curve' });
  if (several) return;
  // Above a point a third of the way along: the curve falls away below the
  // text to the right, where its slope of -1 is clearest.
  const p = t.theory[Math.floor(t.theory.length / 3)];
  l.datasets.theoryLabels = rows(p ? [{ lr: p.lr, epochs: p.epochs, label: 'theory: 10x less lr needs 10x more epochs' }] : []);
  l.layers.push({
    name: 'theoryLabels',
    data: { name: 'theoryLabels' },
    mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 8, dy: -8, color: '#444', fontSize: 11 },
    encoding: { x, y, text: { field: 'label' } },
  });
  l.marks.push({ mark: 'theoryLabels', dataset: 'theoryLabels', per: 'row' });
}

/** The converged runs, coloured by series when there are several, labelled with their epoch while few. */
function pointLayers(t: TradeoffModel, l: Layers): void {
  const { x, y } = l;
  l.datasets.points = rows(t.points);
  const multi = t.series.length > 1;
  // Thousands of points overlap: small, translucent and without outlines they read as density.
  const dense = t.points.length > DENSE_POINTS;
  const pointStyle: JsonObject = dense ? { size: 24, opacity: 0.45, strokeWidth: 0, aria: false } : { size: 90, opacity: 0.9, stroke: 'white', strokeWidth: 1 };
  l.layers.push({
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
  l.marks.push({ mark: 'points', dataset: 'points', per: 'row' });
  if (t.points.length > POINT_LABEL_LIMIT) return;
  l.layers.push({
    name: 'pointLabels',
    data: { name: 'points' },
    mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 7, dy: -5, fontSize: 11, color: LABEL_INK },
    encoding: { x, y: { ...y, field: 'convergedAt' }, text: { field: 'convergedAt', type: 'quantitative' } },
  });
  l.marks.push({ mark: 'pointLabels', dataset: 'points', per: 'row' });
}

/** What is drawn: converged runs only, and the theory's formula with its curvature (or why there is none). */
function tradeoffSubtitle(report: ReportFacts, t: TradeoffModel): string[] {
  const c = t.curvature;
  return [
    `sweep ${report.header.name} · converged runs only, each at the epoch it first reached |f'| <= ${report.header.tolerance}`,
    c
      ? `theory for plain GD, curvature c = ${fmt(c.c, 3)}${c.source === 'exact' ? ' (exact: quadratic)' : ` (estimated at x* = ${fmt(c.at ?? NaN, 4)})`}: epochs = ceil(ln(tol/|f'(x0)|) / ln|1 - lr c|)`
      : `no theory curve: ${t.theoryNote ?? 'curvature unknown'}`,
  ];
}

export function tradeoffSpec(report: ReportFacts, t: TradeoffModel): ChartSpecBody {
  const xScale = { type: 'log', domain: t.lrDomain, nice: false };
  const x = { field: 'lr', type: 'quantitative', title: 'learning rate', scale: xScale, axis: { format: '~g', grid: true, values: decadeTicks(...t.lrDomain) } };
  const y = {
    field: 'epochs',
    type: 'quantitative',
    title: 'epochs to converge',
    scale: { type: 'log', domain: t.epochDomain, nice: false },
    axis: { format: '~g', grid: true, values: decadeTicks(...t.epochDomain) },
  };
  const l: Layers = { layers: [], datasets: {}, marks: [], x, y };
  stabilityLayers(t, l);
  budgetLayers(t, l);
  theoryLayers(t, l);
  pointLayers(t, l);
  return {
    id: 'tradeoff',
    caption: tradeoffCaption(t),
    png: 'tradeoff.png',
    vl: topLevel('Trade-off: learning rate vs epochs to converge', tradeoffSubtitle(report, t), { width: 560, height: 340, layer: l.layers }, l.datasets),
    marks: l.marks,
  };
}
