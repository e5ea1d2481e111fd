/**
 * Final x against start as Vega-Lite: one layered plot per panel (the
 * diagonal, a rule and label per point reached, the step lines, the runs),
 * concatenated when there are several. Every mark is named per panel, so
 * each can be counted against its own rows.
 */
import { plural } from '../../../format/numbers.js';
import { classScale, notMinimumColor, NOT_MINIMUM, rows, textWidth, topLevel } from '../common.js';
import type { ChartSpecBody, Json, JsonObject, MarkCheck, ReportFacts } from '../types.js';
import { basinsCaption } from './caption.js';
import { BASIN_SIZE, type BasinPanel, type BasinsModel } from './model.js';

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

/** The start (x) and final x (y) encodings every layer shares. */
interface Axes {
  x: JsonObject;
  y: JsonObject;
}

/** The rules at the points reached and their labels: solid grey at minima, dashed red elsewhere. */
function ruleLayers(sfx: string, { y }: Axes): Json[] {
  return [
    {
      name: `rules${sfx}`,
      data: { name: 'rules' },
      mark: { type: 'rule', strokeWidth: 1 },
      encoding: {
        y,
        color: notMinimumColor('#666666'),
        strokeDash: { condition: { test: NOT_MINIMUM, value: [5, 3] }, value: [1, 0] },
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
        color: notMinimumColor('#333333'),
      },
    },
  ];
}

/** The runs, coloured by class; triangles for runs that ended beyond the plot; small and translucent when dense. */
function pointsLayer(sfx: string, dense: boolean, { x, y }: Axes): Json {
  return {
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
        scale: classScale(),
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
  };
}

/** One panel's layers; its own datasets go into `datasets` and its marks into `marks`. */
function panelSpec(b: BasinsModel, p: BasinPanel, sfx: string, axes: Axes, datasets: Record<string, Json[]>, marks: MarkCheck[]): Json[] {
  const { x, y } = axes;
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
    layers.push(...ruleLayers(sfx, axes));
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
  layers.push(pointsLayer(sfx, b.dense, axes));
  marks.push({ mark: `points${sfx}`, dataset: `points${sfx}`, per: 'row' });
  return layers;
}

/** The datasets every panel shares: the diagonal, the rules, and the labels that found a side. */
function sharedDatasets(b: BasinsModel, sides: ('left' | 'right' | null)[]): Record<string, Json[]> {
  return {
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
}

/** Final x against start: one layered plot per panel, concatenated when there are several. */
export function basinsSpec(report: ReportFacts, b: BasinsModel): ChartSpecBody {
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
  const datasets = sharedDatasets(b, sides);
  const marks: MarkCheck[] = [];
  const panels: JsonObject[] = b.panels.map((p, i) => {
    const layers = panelSpec(b, p, multi ? `_${i}` : '', { x, y }, datasets, marks);
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
  const subtitle = [`sweep ${report.header.name} · ${plural(b.drawn, 'run')}${scope.length ? ` · ${scope.join(' · ')}` : ''}`];
  return {
    id: 'basins',
    caption: basinsCaption(b, sides.some((s) => s === null)),
    png: 'basins.png',
    vl: topLevel('Where each start ends', subtitle, body, datasets),
    marks,
  };
}
