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
 * (stationary.ts). Runs whose final x is not finite are left out and
 * counted; runs that ended far outside the domain sit as triangles at the
 * edge of the plot.
 */
import type { RunClass } from '../engine/classify.js';
import type { ResultsDocument, RunRecord } from '../results/format.js';
import { DEFAULT_OPTIMIZER } from '../registry/optimizers.js';
import { DEFAULT_SCHEDULE } from '../registry/schedules.js';
import { panelColumns } from './charts/common.js';
import { valueText } from './run-text.js';
import { count, sig6, fmt, maxOf, plural } from '../format/numbers.js';
import { linearDomain } from './scales.js';
import { pointOfRun, xWidth, type StationaryKind, type StationaryModel } from './stationary.js';

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
  const reached = new Map<number, { kind: StationaryKind; label: string; runs: number }>();
  for (const r of runs) {
    const p = pointOfRun(stationary, r);
    if (!p) continue;
    const e = reached.get(p.x);
    if (e) e.runs++;
    else reached.set(p.x, { kind: p.kind, label: p.label, runs: 1 });
  }
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
  const yDomain: [number, number] = [lo - pad, hi + pad];
  let rules: BasinRule[] = [];
  let rulesOutside = 0;
  for (const [y, p] of [...reached.entries()].sort((a, b) => a[0] - b[0])) {
    if (inReach(y)) rules.push({ y, kind: p.kind, label: p.label, runs: p.runs });
    else rulesOutside++;
  }
  // Too many rules hide the points: those that are not minima, then the minima most runs reached.
  const rulesLeftOut = Math.max(0, rules.length - MAX_BASIN_RULES);
  if (rulesLeftOut) {
    const keep = new Set(
      [...rules].sort((a, b) => (a.kind === 'minimum' ? 1 : 0) - (b.kind === 'minimum' ? 1 : 0) || b.runs - a.runs || a.y - b.y).slice(0, MAX_BASIN_RULES),
    );
    rules = rules.filter((r) => keep.has(r));
  }
  const panelCount = groupBy(runs, panelDims).size;
  const H = (panelCount > 1 ? BASIN_SIZE.multi : BASIN_SIZE.single).height;
  // Labels sit above their rule: the top one needs room below the frame.
  const top = rules[rules.length - 1];
  if (top) {
    const k = RULE_LABEL_ROOM / H;
    yDomain[1] = Math.max(yDomain[1], (top.y - k * yDomain[0]) / (1 - k));
  }
  // Runs that ended beyond the plot sit at its edges, a marker's size inside the frame
  // (a marker sticking out would push its panel's title above its neighbours').
  const edge: [number, number] = [yDomain[0], yDomain[1]];
  if (runs.some((r) => r.x !== null && Number.isFinite(r.x) && !inReach(r.x))) {
    const m = ((yDomain[1] - yDomain[0]) * (EDGE_MARGIN / H)) / (1 - (2 * EDGE_MARGIN) / H);
    yDomain[0] -= m;
    yDomain[1] += m;
  }
  // A few starts sit further in from the frame, so their points are whole and apart from it.
  const xPad = (sHi - sLo) * (starts.length <= 4 ? 0.08 : 0.03);
  // Subnormal starts, or final x near the largest float, need a domain vega can tick.
  const xDomain = linearDomain(sLo - xPad, sHi + xPad);
  [yDomain[0], yDomain[1]] = linearDomain(yDomain[0], yDomain[1]);

  let nonFinite = 0;
  let offRange = 0;
  const groups = groupBy(runs, panelDims);
  const total = runs.length;
  const k = Math.ceil(total / MAX_BASIN_POINTS);
  let thinned = 0;
  let seen = 0;
  const panels: BasinPanel[] = [];
  for (const g of groups.values()) {
    const first = g[0] as RunRecord;
    const label = panelDims.map((d) => dimLabel(first, d)).join(' · ');
    const points: BasinPoint[] = [];
    // Lines: per combination within the panel, in start order, broken where a run is not drawn at its value.
    const lineRuns = new Map<string, { start: number; y: number | null; id: number }[]>();
    for (const r of g) {
      const i = seen++;
      const finite = r.x !== null && Number.isFinite(r.x);
      if (!finite) nonFinite++;
      const x = r.x as number;
      const off = finite && !inReach(x);
      if (off) offRange++;
      if (mode === 'lines') {
        const key = (['lr', 'epochs', 'schedule', 'optimizer'] as const).map((d) => dimValue(r, d)).join(' · ');
        const l = lineRuns.get(key) ?? [];
        l.push({ start: r.start, y: finite && !off ? x : null, id: r.id });
        lineRuns.set(key, l);
      }
      if (!finite) continue;
      if (k > 1 && i % k !== 0) {
        thinned++;
        continue;
      }
      points.push({
        start: r.start,
        y: off ? (x < reach[0] ? edge[0] : edge[1]) : x,
        class: r.class,
        shape: off ? (x < reach[0] ? 'triangle-down' : 'triangle-up') : 'circle',
        tRun: String(r.id),
        tStart: sig6(r.start),
        tRunOf: runOf(r, doc),
        tX: valueText(r.x, r),
        tClass: `${r.class} (${r.reason})`,
      });
    }
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
    panels.push({ label, points, lines });
  }
  const drawn = panels.reduce((s, p) => s + p.points.length, 0);
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
    considered: total,
    drawn,
    nonFinite,
    offRange,
    thinned,
    dense: panels.some((p) => p.points.length > DENSE_BASIN_POINTS),
  };
}

/** The caption's account of what is drawn. */
export function basinsCaption(b: BasinsModel): string[] {
  const out: string[] = [
    'Each point is one run: where it started (across) against the x it ended at after its last epoch (up), coloured by its class. Runs that start in the same basin roll into the same minimum, so the points form flat steps; where the step changes is a basin boundary, a maximum of f between two minima. Points on the dotted diagonal ended where they started.',
  ];
  if (b.mode === 'lines') {
    out.push(
      b.panels.length > 1
        ? `One panel per combination of ${b.panelBy.join(', ')}; a step line joins its runs across the starts.`
        : 'A step line joins the runs across the starts.',
    );
  } else {
    out.push(
      `The sweep has ${count(b.combinations)} combinations of learning rate, epochs, schedule and optimizer, too many to follow as lines: points only${b.panelBy.length ? `, one panel per ${b.panelBy.join(' and ')}` : ''}. Runs with other settings that end at the same x overlap (the tooltip names each run).`,
    );
  }
  if (b.budget !== null) out.push(`Only the largest epoch budget (${plural(b.budget, 'epoch')}) is drawn: where the runs end after the most training.`);
  if (b.rules.length) {
    const maxima = b.rules.some((r) => r.kind !== 'minimum');
    out.push(
      `Horizontal lines mark the points where converged runs ended: solid at minima (f'' > 0)${maxima ? "; dashed red where f'' < 0 (stationary at a maximum: f' = 0 there, so descent that starts exactly on it never moves) or f'' ≈ 0" : ''}.`,
    );
  }
  if (b.rulesOutside) out.push(`${b.rulesOutside} point(s) reached lie beyond the plotted range and have no line.`);
  if (b.rulesLeftOut) out.push(`${b.rulesLeftOut} more point(s) reached have no line, to keep the chart readable; the table below lists every point.`);
  if (b.offRange) out.push(`${count(b.offRange)} run(s) ended more than ${BASIN_REACH} domain widths outside the domain and are drawn as triangles at the edge of the plot.`);
  if (b.nonFinite) out.push(`${count(b.nonFinite)} run(s) ended at a non-finite x (overflow) and are not drawn.`);
  if (b.thinned) out.push(`${plural(b.thinned, 'point was', 'points were')} thinned out to keep the page small; results.csv has every run.`);
  return out;
}
