/**
 * "Where each start ends": final x against start, one point per run. On a
 * function with several minima the points form flat steps, one per basin of
 * attraction, and the jumps between steps are the basin boundaries.
 *
 * Shown only when the start axis has more than one value. Which runs are
 * drawn, first rule that fits wins:
 *   1. at most MAX_BASIN_LINES combinations of (lr, epochs, schedule,
 *      optimizer): every run, a step line per combination across starts,
 *      one panel per combination;
 *   2. the largest epoch budget alone has at most MAX_BASIN_LINES
 *      combinations: those runs (the state after the most training), as in 1;
 *   3. otherwise points only, at the largest epoch budget, one panel per
 *      (schedule, optimizer) when they vary and fit, else one panel.
 * Horizontal rules mark the stationary points converged runs reached
 * (../../stationary.ts). Runs whose final x is not finite are left out and
 * counted; runs that ended far outside the domain sit as triangles at the
 * edge of the plot.
 */
import type { RunClass } from '../../../engine/classify.js';
import type { ResultsDocument, RunRecord } from '../../../results/format.js';
import { DEFAULT_OPTIMIZER } from '../../../registry/optimizers.js';
import { DEFAULT_SCHEDULE } from '../../../registry/schedules.js';
import { maxOf, plural, sig6 } from '../../../format/numbers.js';
import { valueText } from '../../run-text.js';
import { linearDomain } from '../../scales.js';
import { pointOfRun, xWidth, type StationaryKind, type StationaryModel } from '../../stationary.js';
import { panelColumns } from '../common.js';

/** Lines (and panels) per chart: more combinations than this cannot be followed. */
export const MAX_BASIN_LINES = 8;
/** Panels in the points-only view. */
export const MAX_BASIN_PANELS = 8;
/** Plotted points at most (every k-th beyond it; results.csv has every run). */
export const MAX_BASIN_POINTS = 4000;
/** Above this many points per panel they are drawn small and translucent. */
export const DENSE_BASIN_POINTS = 300;
/** How far (in domain widths) beyond the domain final x are plotted; further ones sit at the edge. */
export const BASIN_REACH = 1.5;
/** Plot size (px) of the one panel, and of each of several. */
export const BASIN_SIZE = { single: { width: 560, height: 320 }, multi: { width: 250, height: 190 } } as const;
/** Rules (points reached) drawn at most; the table under the chart lists every point. */
export const MAX_BASIN_RULES = 12;
/** Room (px) above the top rule for its label. */
const RULE_LABEL_ROOM = 16;
/** Margin (px) between the frame and the markers of runs that ended beyond the plot. */
const EDGE_MARGIN = 6;

export type BasinShape = 'circle' | 'triangle-up' | 'triangle-down';

export interface BasinPoint {
  start: number;
  /** The plotted value: the final x, or the edge of the plot for a run that ended beyond it. */
  y: number;
  class: RunClass;
  shape: BasinShape;
  tRun: string;
  tStart: string;
  tRunOf: string;
  tX: string;
  tClass: string;
}

export interface BasinLinePoint {
  /** Combination and segment: a line breaks where a run is not drawn at its value. */
  line: string;
  start: number;
  y: number;
}

export interface BasinPanel {
  label: string;
  points: BasinPoint[];
  lines: BasinLinePoint[];
}

export interface BasinRule {
  y: number;
  kind: StationaryKind;
  label: string;
  runs: number;
}

export interface BasinsModel {
  mode: 'lines' | 'points';
  /** Set when only the largest epoch budget is drawn. */
  budget: number | null;
  /** Combinations of (lr, epochs, schedule, optimizer) in the sweep. */
  combinations: number;
  /** What each panel holds, for the caption: "learning rate", "optimizer", ... */
  panelBy: string[];
  panels: BasinPanel[];
  columns: number;
  xDomain: [number, number];
  yDomain: [number, number];
  /** Ticks at the starts when there are few of them. */
  xTicks: number[] | null;
  rules: BasinRule[];
  /** Stationary points reached but beyond the plotted range. */
  rulesOutside: number;
  /** Stationary points reached within it but left out (beyond MAX_BASIN_RULES). */
  rulesLeftOut: number;
  /** Runs in the drawn scope. */
  considered: number;
  drawn: number;
  nonFinite: number;
  offRange: number;
  thinned: number;
  dense: boolean;
}

type Dim = 'lr' | 'epochs' | 'schedule' | 'optimizer';

const DIM_NAMES: Record<Dim, string> = { lr: 'learning rate', epochs: 'epochs', schedule: 'schedule', optimizer: 'optimizer' };

function dimValue(r: RunRecord, d: Dim): string {
  return d === 'lr' ? String(r.lr) : d === 'epochs' ? String(r.epochs) : d === 'schedule' ? r.schedule : r.optimizer;
}

function dimLabel(r: RunRecord, d: Dim): string {
  return d === 'lr' ? `lr ${sig6(r.lr)}` : d === 'epochs' ? plural(r.epochs, 'epoch') : d === 'schedule' ? r.schedule : r.optimizer;
}

/** Distinct keys in order of first appearance (the planner's axis order). */
function groupBy(runs: readonly RunRecord[], dims: readonly Dim[]): Map<string, RunRecord[]> {
  const out = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const k = dims.map((d) => dimValue(r, d)).join('\u0000');
    const g = out.get(k);
    if (g) g.push(r);
    else out.set(k, [r]);
  }
  return out;
}

function varying(runs: readonly RunRecord[], dims: readonly Dim[]): Dim[] {
  return dims.filter((d) => new Set(runs.map((r) => dimValue(r, d))).size > 1);
}

interface Scope {
  mode: 'lines' | 'points';
  budget: number | null;
  runs: RunRecord[];
  panelDims: Dim[];
}

function chooseScope(doc: ResultsDocument): Scope & { combinations: number } {
  const all: Dim[] = ['lr', 'epochs', 'schedule', 'optimizer'];
  const runs = doc.runs;
  const combinations = groupBy(runs, all).size;
  if (combinations <= MAX_BASIN_LINES) return { mode: 'lines', budget: null, runs, panelDims: varying(runs, all), combinations };
  const epochs = [...new Set(runs.map((r) => r.epochs))];
  const maxE = maxOf(epochs);
  const atMax = epochs.length > 1 ? runs.filter((r) => r.epochs === maxE) : runs;
  const budget = epochs.length > 1 ? maxE : null;
  const rest: Dim[] = ['lr', 'schedule', 'optimizer'];
  if (groupBy(atMax, rest).size <= MAX_BASIN_LINES) return { mode: 'lines', budget, runs: atMax, panelDims: varying(atMax, rest), combinations };
  const so = varying(atMax, ['schedule', 'optimizer']);
  const panels = groupBy(atMax, so).size;
  return { mode: 'points', budget, runs: atMax, panelDims: panels <= MAX_BASIN_PANELS ? so : [], combinations };
}

function runOf(r: RunRecord, doc: ResultsDocument): string {
  const ax = doc.sweep.axes;
  const parts = [`lr ${sig6(r.lr)}`, plural(r.epochs, 'epoch')];
  if (ax.schedule.length > 1 || r.schedule !== DEFAULT_SCHEDULE) parts.push(r.schedule);
  if (ax.optimizer.length > 1 || r.optimizer !== DEFAULT_OPTIMIZER) parts.push(r.optimizer);
  return parts.join(' · ');
}

type Reached = Map<number, { kind: StationaryKind; label: string; runs: number }>;

/** The stationary points the drawn runs reached, by x: kind, label and how many of the runs. */
function reachedBy(runs: readonly RunRecord[], stationary: StationaryModel): Reached {
  const reached: Reached = new Map();
  for (const r of runs) {
    const p = pointOfRun(stationary, r);
    if (!p) continue;
    const e = reached.get(p.x);
    if (e) e.runs++;
    else reached.set(p.x, { kind: p.kind, label: p.label, runs: 1 });
  }
  return reached;
}

/** The final x plotted: the starts, every final x and every point reached within reach, padded by 4 %. */
function yRange(runs: readonly RunRecord[], reached: Reached, inReach: (v: number) => boolean, sLo: number, sHi: number): [number, number] {
  let lo = sLo;
  let hi = sHi;
  for (const r of runs) {
    if (r.x !== null && Number.isFinite(r.x) && inReach(r.x)) {
      lo = Math.min(lo, r.x);
      hi = Math.max(hi, r.x);
    }
  }
  for (const y of reached.keys()) {
    if (inReach(y)) {
      lo = Math.min(lo, y);
      hi = Math.max(hi, y);
    }
  }
  const pad = (hi - lo) * 0.04 || Math.max(Math.abs(hi), 1) * 0.1;
  return [lo - pad, hi + pad];
}

/** A rule per point reached within reach; too many hide the points: those that are not minima are kept, then the minima most runs reached. */
function chooseRules(reached: Reached, inReach: (v: number) => boolean): { rules: BasinRule[]; rulesOutside: number; rulesLeftOut: number } {
  let rules: BasinRule[] = [];
  let rulesOutside = 0;
  for (const [y, p] of [...reached.entries()].sort((a, b) => a[0] - b[0])) {
    if (inReach(y)) rules.push({ y, kind: p.kind, label: p.label, runs: p.runs });
    else rulesOutside++;
  }
  const rulesLeftOut = Math.max(0, rules.length - MAX_BASIN_RULES);
  if (rulesLeftOut) {
    const keep = new Set(
      [...rules].sort((a, b) => (a.kind === 'minimum' ? 1 : 0) - (b.kind === 'minimum' ? 1 : 0) || b.runs - a.runs || a.y - b.y).slice(0, MAX_BASIN_RULES),
    );
    rules = rules.filter((r) => keep.has(r));
  }
  return { rules, rulesOutside, rulesLeftOut };
}

/**
 * The y domain with room above the top rule for its label and, where runs
 * ended beyond the plot, a marker's size at both edges; `edge` is where
 * those runs sit (a marker sticking out would push its panel's title above
 * its neighbours').
 */
function frameY(range: [number, number], rules: BasinRule[], runs: readonly RunRecord[], inReach: (v: number) => boolean, H: number): { yDomain: [number, number]; edge: [number, number] } {
  const yDomain: [number, number] = [range[0], range[1]];
  // Labels sit above their rule: the top one needs room below the frame.
  const top = rules[rules.length - 1];
  if (top) {
    const k = RULE_LABEL_ROOM / H;
    yDomain[1] = Math.max(yDomain[1], (top.y - k * yDomain[0]) / (1 - k));
  }
  const edge: [number, number] = [yDomain[0], yDomain[1]];
  if (runs.some((r) => r.x !== null && Number.isFinite(r.x) && !inReach(r.x))) {
    const m = ((yDomain[1] - yDomain[0]) * (EDGE_MARGIN / H)) / (1 - (2 * EDGE_MARGIN) / H);
    yDomain[0] -= m;
    yDomain[1] += m;
  }
  // Final x near the largest float need a domain vega can tick.
  [yDomain[0], yDomain[1]] = linearDomain(yDomain[0], yDomain[1]);
  return { yDomain, edge };
}

/** Where the plot reaches: runs that ended beyond it sit at `edge`. */
interface Reach {
  reach: [number, number];
  inReach: (v: number) => boolean;
  edge: [number, number];
}

/** Runs left out or moved while drawing, over all panels; `seen` numbers the runs for thinning. */
interface Tally {
  nonFinite: number;
  offRange: number;
  thinned: number;
  seen: number;
}

/** Each combination's runs in start order, as line segments broken where a run is not drawn at its value (two points or more). */
function stepLines(lineRuns: Map<string, { start: number; y: number | null; id: number }[]>): BasinLinePoint[] {
  const lines: BasinLinePoint[] = [];
  let n = 0;
  for (const [key, l] of lineRuns) {
    l.sort((a, b) => a.start - b.start || a.id - b.id);
    let seg: BasinLinePoint[] = [];
    const flush = () => {
      if (seg.length >= 2) lines.push(...seg);
      seg = [];
      n++;
    };
    for (const p of l) {
      if (p.y === null) flush();
      else seg.push({ line: `${key} #${n}`, start: p.start, y: p.y });
    }
    flush();
  }
  return lines;
}

/** One panel: a point per run with a finite final x (every k-th when thinned) and, in 'lines' mode, the step lines. */
function drawPanel(g: readonly RunRecord[], label: string, mode: Scope['mode'], k: number, at: Reach, tally: Tally, doc: ResultsDocument): BasinPanel {
  const points: BasinPoint[] = [];
  // Lines: per combination within the panel, in start order, broken where a run is not drawn at its value.
  const lineRuns = new Map<string, { start: number; y: number | null; id: number }[]>();
  for (const r of g) {
    const i = tally.seen++;
    const finite = r.x !== null && Number.isFinite(r.x);
    if (!finite) tally.nonFinite++;
    const x = r.x as number;
    const off = finite && !at.inReach(x);
    if (off) tally.offRange++;
    if (mode === 'lines') {
      const key = (['lr', 'epochs', 'schedule', 'optimizer'] as const).map((d) => dimValue(r, d)).join(' · ');
      const l = lineRuns.get(key) ?? [];
      l.push({ start: r.start, y: finite && !off ? x : null, id: r.id });
      lineRuns.set(key, l);
    }
    if (!finite) continue;
    if (k > 1 && i % k !== 0) {
      tally.thinned++;
      continue;
    }
    points.push({
      start: r.start,
      y: off ? (x < at.reach[0] ? at.edge[0] : at.edge[1]) : x,
      class: r.class,
      shape: off ? (x < at.reach[0] ? 'triangle-down' : 'triangle-up') : 'circle',
      tRun: String(r.id),
      tStart: sig6(r.start),
      tRunOf: runOf(r, doc),
      tX: valueText(r.x, r),
      tClass: `${r.class} (${r.reason})`,
    });
  }
  return { label, points, lines: stepLines(lineRuns) };
}

export function buildBasins(doc: ResultsDocument, stationary: StationaryModel): BasinsModel | null {
  const starts = [...new Set(doc.sweep.axes.start)].sort((a, b) => a - b);
  if (starts.length < 2 || doc.runs.length === 0) return null;
  const { mode, budget, runs, panelDims, combinations } = chooseScope(doc);

  // The plotted range: the domain (or the starts) and every final x within reach of it.
  const width = xWidth(doc);
  const dom = doc.sweep.objective.domain;
  const sLo = starts[0] as number;
  const sHi = starts[starts.length - 1] as number;
  const base: [number, number] = dom ? [Math.min(dom[0], sLo), Math.max(dom[1], sHi)] : [sLo, sHi];
  const reach: [number, number] = [base[0] - BASIN_REACH * width, base[1] + BASIN_REACH * width];
  const inReach = (v: number) => v >= reach[0] && v <= reach[1];
  const reached = reachedBy(runs, stationary);
  const { rules, rulesOutside, rulesLeftOut } = chooseRules(reached, inReach);
  const H = (groupBy(runs, panelDims).size > 1 ? BASIN_SIZE.multi : BASIN_SIZE.single).height;
  const { yDomain, edge } = frameY(yRange(runs, reached, inReach, sLo, sHi), rules, runs, inReach, H);
  // A few starts sit further in from the frame, so their points are whole and apart from it.
  const xPad = (sHi - sLo) * (starts.length <= 4 ? 0.08 : 0.03);
  // Subnormal starts need a domain vega can tick.
  const xDomain = linearDomain(sLo - xPad, sHi + xPad);

  const k = Math.ceil(runs.length / MAX_BASIN_POINTS);
  const tally: Tally = { nonFinite: 0, offRange: 0, thinned: 0, seen: 0 };
  const panels = [...groupBy(runs, panelDims).values()].map((g) =>
    drawPanel(g, panelDims.map((d) => dimLabel(g[0] as RunRecord, d)).join(' · '), mode, k, { reach, inReach, edge }, tally, doc),
  );
  return {
    mode,
    budget,
    combinations,
    panelBy: panelDims.map((d) => DIM_NAMES[d]),
    panels,
    columns: panelColumns(panels.length),
    xDomain,
    yDomain,
    xTicks: starts.length <= 8 ? starts : null,
    rules,
    rulesOutside,
    rulesLeftOut,
    considered: runs.length,
    drawn: panels.reduce((s, p) => s + p.points.length, 0),
    nonFinite: tally.nonFinite,
    offRange: tally.offRange,
    thinned: tally.thinned,
    dense: panels.some((p) => p.points.length > DENSE_BASIN_POINTS),
  };
}
