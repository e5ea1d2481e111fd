/**
 * The lesson's diagnosis for a few runs: x per epoch, f'(x) per epoch, and
 * the descent path drawn over the function. Traces are recomputed from the
 * objective in results.json with the engine's own trace kernel (traceRun),
 * so they match the classified results bit for bit.
 */
import { CLASSES } from '../engine/classify.js';
import type { TrajectorySelector } from '../config/types.js';
import { DEFAULT_OPTIMIZER, parseOptimizerLabel } from '../registry/optimizers.js';
import { DEFAULT_SCHEDULE, parseScheduleLabel } from '../registry/schedules.js';
import { traceRun } from '../engine/descend.js';
import type { CompiledObjective } from '../objective/objective.js';
import type { ResultsDocument, RunRecord } from '../results/format.js';
import { fmt, maxOf, minOf, ordinal, plural, sig6 } from '../format/numbers.js';
import { textWidth } from './charts/common.js';
import { linearDomain, PADDED_LIMIT } from './scales.js';
import { pointOfRun, type StationaryKind, type StationaryModel, type StationaryPoint } from './stationary.js';

/** Charts per report: each is three panels with up to TRACE_POINTS points. */
export const MAX_TRAJECTORIES = 8;
/** Points per trace (the kernel thins evenly and keeps the last): about one per pixel of a panel. */
export const TRACE_POINTS = 500;
/** Dots marking the descent path over the curve. */
export const PATH_DOTS = 40;
/** Points of the path line over the curve (a smooth line needs far fewer than the trace). */
export const PATH_POINTS = 400;
/** Samples of the function curve. */
export const CURVE_SAMPLES = 400;
/** How far (in domain widths) the plotted curve stretches to follow a path. */
const PATH_REACH = 1.5;
/** A path reaching this many times further than the plotted range switches to |x| on a log axis. */
const EXPLODES = 1e3;
/** Size of each of the three panels (px), which the curve panel's label layout needs. */
export const PANEL = { width: 250, height: 180 } as const;
/** Stationary points marked on the curve at most (those most runs reached). */
export const MAX_CURVE_MARKS = 12;
/** Rows of marker labels above (and below) the markers before a label is left out (further rows drift from their marker). */
const LABEL_ROWS = 2;
/** Marker label font size (px) and row height. */
export const MARK_FONT = 10;
const MARK_ROW = 11;
/** Gap between a marker and its first label row (px). */
const MARK_GAP = 8;
/**
 * Without report.trajectories: besides one run per class, one run for each
 * other point converged runs ended at (points that are not minima first),
 * up to this many.
 */
export const MAX_EXTRA_TRAJECTORIES = 3;

export interface TracePoint {
  t: number;
  x: number;
  grad: number;
}

export interface PathPoint {
  t: number;
  x: number;
  f: number;
}

/** A point converged runs of the sweep reached, marked on the function curve. */
export interface CurveMark {
  x: number;
  f: number;
  kind: StationaryKind;
  /** "min -0.4758", "max 0". */
  text: string;
  /** The point in words (tooltip). */
  about: string;
  runs: number;
}

export interface CurveLabel {
  x: number;
  f: number;
  kind: StationaryKind;
  text: string;
  align: 'left' | 'center' | 'right';
  baseline: 'top' | 'bottom';
  dy: number;
}

export interface TrajectoryModel {
  /** Chart id and PNG name stem. */
  id: string;
  run: RunRecord;
  title: string;
  verdict: string;
  points: TracePoint[];
  dots: PathPoint[];
  path: PathPoint[];
  curve: { x: number; f: number }[];
  curveDomain: [number, number];
  curveRange: [number, number];
  /** |x| and |f'| on log axes: the run explodes (x per epoch on a linear axis would be a flat line and a spike). */
  explodes: boolean;
  /** First epoch at which the path leaves the plotted part of the curve. */
  leavesAt: number | null;
  /** Every point converged runs of the sweep reached, within the plotted curve. */
  marks: CurveMark[];
  /** Labels of the marks that fit without overlapping. */
  markLabels: CurveLabel[];
  /** The point this run ended at, when it converged. */
  at: StationaryPoint | null;
  notes: string[];
}

export interface TrajectoriesModel {
  items: TrajectoryModel[];
  source: 'selected' | 'representative';
  /** Selected runs beyond MAX_TRAJECTORIES, not drawn. */
  dropped: number;
  note: string | null;
}

function matches(sel: TrajectorySelector, r: RunRecord): boolean {
  return (
    (sel.learning_rate === undefined || sel.learning_rate === r.lr) &&
    (sel.epochs === undefined || sel.epochs === r.epochs) &&
    (sel.start === undefined || sel.start === r.start) &&
    (sel.schedule === undefined || sel.schedule === r.schedule) &&
    (sel.optimizer === undefined || sel.optimizer === r.optimizer)
  );
}

/**
 * The runs to trace: those report.trajectories selects (in selector order,
 * then run id), else one representative per class: the first run of that
 * class by id.
 */
export function pickTrajectoryRuns(
  doc: ResultsDocument,
  stationary: StationaryModel | null = null,
): { runs: RunRecord[]; source: 'selected' | 'representative'; dropped: number } {
  const sels = doc.sweep.report.trajectories;
  if (sels.length > 0) {
    const seen = new Set<number>();
    const runs: RunRecord[] = [];
    for (const sel of sels) {
      for (const r of doc.runs) {
        if (!seen.has(r.id) && matches(sel, r)) {
          seen.add(r.id);
          runs.push(r);
        }
      }
    }
    return { runs: runs.slice(0, MAX_TRAJECTORIES), source: 'selected', dropped: Math.max(0, runs.length - MAX_TRAJECTORIES) };
  }
  const runs: RunRecord[] = [];
  for (const k of CLASSES) {
    const r = doc.runs.find((x) => x.class === k);
    if (r) runs.push(r);
  }
  if (stationary) {
    // Points no chosen run ends at: those that are not minima first, then the minima most runs reached.
    const covered = new Set(runs.map((r) => stationary.byRun.get(r.id)).filter((i) => i !== undefined));
    const rank = (p: StationaryPoint) => (p.kind === 'minimum' ? 1 : 0);
    const order = stationary.points.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || b.p.runs - a.p.runs || a.p.x - b.p.x);
    let extra = 0;
    for (const { p, i } of order) {
      if (extra >= MAX_EXTRA_TRAJECTORIES || runs.length >= MAX_TRAJECTORIES) break;
      if (covered.has(i)) continue;
      const r = doc.runs.find((x) => x.id === p.firstRun);
      if (!r) continue;
      runs.push(r);
      covered.add(i);
      extra++;
    }
  }
  return { runs, source: 'representative', dropped: 0 };
}

export function runTitle(r: RunRecord, doc: ResultsDocument): string {
  const ax = doc.sweep.axes;
  const parts = [`lr ${sig6(r.lr)}`, plural(r.epochs, 'epoch'), `start ${sig6(r.start)}`];
  if (ax.schedule.length > 1 || r.schedule !== DEFAULT_SCHEDULE) parts.push(r.schedule);
  if (ax.optimizer.length > 1 || r.optimizer !== DEFAULT_OPTIMIZER) parts.push(r.optimizer);
  return parts.join(' · ');
}

export function verdictText(r: RunRecord): string {
  switch (r.reason) {
    case 'within-tolerance':
      return `converged at epoch ${r.convergedAt ?? '?'}`;
    case 'still-descending':
      return "slow: still descending (f' still sloping: train longer)";
    case 'oscillating':
      return "slow: oscillating (f' alternates sign and does not shrink)";
    case 'blew-up':
      return `divergent: blew up at epoch ${r.divergedAt ?? '?'}`;
    case 'loss-increased':
      return 'divergent: loss ended above where it started';
  }
}

function evenly<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (n - 1))] as T);
  return out;
}

/** Thin a path to n points: every early step (where descent moves most), then evenly spaced. */
function headThenEvenly<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  const head = Math.floor(n / 2);
  return [...xs.slice(0, head), ...evenly(xs.slice(head), n - head)];
}

/**
 * Labels for the marks: minima below their marker (the curve rises on both
 * sides of a minimum, so below is free), others above; a label that would
 * overlap one already placed moves a row further out, and is left out after
 * LABEL_ROWS rows. Then the curve's range is widened so every label fits
 * inside the panel.
 */
function layoutLabels(marks: CurveMark[], domain: [number, number], range: [number, number]): { labels: CurveLabel[]; range: [number, number] } {
  const { width: W, height: H } = PANEL;
  const [a, b] = domain;
  const px = (x: number) => ((x - a) / (b - a)) * W;
  const rows: Record<'top' | 'bottom', [number, number][][]> = { top: [], bottom: [] };
  const labels: CurveLabel[] = [];
  const needs: { f: number; need: number; below: boolean }[] = [];
  // Labels of the points most runs reached are placed first.
  const order = [...marks].sort((p, q) => q.runs - p.runs || p.x - q.x);
  const place = (m: CurveMark, text: string): boolean => {
    const below = m.kind === 'minimum';
    const baseline = below ? 'top' : 'bottom';
    const w = textWidth(text, MARK_FONT);
    const cx = px(m.x);
    let align: CurveLabel['align'] = 'center';
    let l = cx - w / 2;
    let r = cx + w / 2;
    if (l < 0) {
      align = 'left';
      l = cx;
      r = cx + w;
    } else if (r > W) {
      align = 'right';
      l = cx - w;
      r = cx;
    }
    const side = rows[baseline];
    for (let row = 0; row < LABEL_ROWS; row++) {
      const taken = side[row] ?? [];
      if (taken.some(([p, q]) => l < q + 4 && r > p - 4)) continue;
      taken.push([l, r]);
      side[row] = taken;
      const off = MARK_GAP + row * MARK_ROW;
      labels.push({ x: m.x, f: m.f, kind: m.kind, text, align, baseline, dy: below ? off : -off });
      needs.push({ f: m.f, need: off + MARK_ROW + 2, below });
      return true;
    }
    return false;
  };
  // Crowded minima keep their number alone (the ring says "minimum"); a label that still does not fit is left out.
  for (const m of order) if (!place(m, m.text) && m.kind === 'minimum') place(m, m.text.replace(/^min /, ''));
  let [lo, hi] = range;
  for (let pass = 0; pass < 2; pass++) {
    for (const n of needs) {
      const k = n.need / H;
      if (k >= 0.9) continue;
      if (n.below) lo = Math.min(lo, (n.f - k * hi) / (1 - k));
      else hi = Math.max(hi, (n.f - k * lo) / (1 - k));
    }
  }
  labels.sort((p, q) => p.x - q.x);
  return { labels, range: [lo, hi] };
}

function curveMarks(stationary: StationaryModel, a: number, b: number): CurveMark[] {
  const inside = stationary.points.filter((p) => p.x >= a && p.x <= b && Number.isFinite(p.f));
  const kept = new Set([...inside].sort((p, q) => q.runs - p.runs || p.x - q.x).slice(0, MAX_CURVE_MARKS));
  return inside
    .filter((p) => kept.has(p))
    .map((p) => ({ x: p.x, f: p.f, kind: p.kind, text: p.short, about: `${p.label}: ${p.text}; ${p.runs} converged run(s) ended here`, runs: p.runs }));
}

function traceOne(doc: ResultsDocument, objective: CompiledObjective, r: RunRecord, stationary: StationaryModel): TrajectoryModel | null {
  const optimizer = parseOptimizerLabel(r.optimizer);
  if (!optimizer || !parseScheduleLabel(r.schedule)) return null;
  const trace = traceRun({
    fSource: objective.fSource,
    dfSource: objective.dfSource,
    start: r.start,
    lr: r.lr,
    epochs: r.epochs,
    schedule: r.schedule,
    optimizer,
    tolerance: doc.sweep.classify.tolerance,
    bound: doc.sweep.classify.bound,
    maxPoints: TRACE_POINTS,
  });
  const notes: string[] = [];
  const points: TracePoint[] = [];
  for (let i = 0; i < trace.t.length; i++) {
    const x = trace.x[i] as number;
    const g = trace.grad[i] as number;
    if (!Number.isFinite(x) || !Number.isFinite(g)) {
      notes.push(`x or f'(x) stops being finite at epoch ${trace.t[i] as number} and is not drawn from there`);
      break;
    }
    points.push({ t: trace.t[i] as number, x, grad: g });
  }
  const every = trace.t.length > 1 ? (trace.t[1] as number) - (trace.t[0] as number) : 1;
  if (every > 1) notes.push(`every ${ordinal(every)} epoch drawn (${plural(points.length, 'point')})`);

  const dom = doc.sweep.objective.domain;
  const starts = doc.sweep.axes.start;
  let a = dom ? dom[0] : minOf(starts) - 1;
  let b = dom ? dom[1] : maxOf(starts) + 1;
  const width = b - a;
  // Widen the curve to take in the path for as long as it stays within 1.5
  // domain-widths of the domain (the first zigzags of a run that is about to
  // blow up are the classic picture); beyond that the path is clipped.
  let xLo = a;
  let xHi = b;
  for (const p of points) {
    if (p.x < a - PATH_REACH * width || p.x > b + PATH_REACH * width) break;
    xLo = Math.min(xLo, p.x);
    xHi = Math.max(xHi, p.x);
  }
  // A domain vega can tick: subnormal starts get a unit range, ends near the largest float are pulled in.
  [a, b] = linearDomain(xLo, xHi, PADDED_LIMIT);
  const reach = Math.max(Math.abs(a), Math.abs(b), 1);
  const explodes = points.some((p) => Math.abs(p.x) > EXPLODES * reach);
  const leaving = points.find((p) => p.x < a || p.x > b);
  const leavesAt = leaving ? leaving.t : null;
  if (leavesAt !== null) notes.push(`the path leaves the plotted range at epoch ${leavesAt}`);

  const curve: { x: number; f: number }[] = [];
  for (let i = 0; i < CURVE_SAMPLES; i++) {
    const x = a + ((b - a) * i) / (CURVE_SAMPLES - 1);
    const f = objective.f(x);
    if (Number.isFinite(f)) curve.push({ x, f });
  }
  let fLo = Infinity;
  let fHi = -Infinity;
  for (const c of curve) {
    fLo = Math.min(fLo, c.f);
    fHi = Math.max(fHi, c.f);
  }
  if (!Number.isFinite(fLo)) {
    fLo = 0;
    fHi = 1;
  }
  const pad = (fHi - fLo) * 0.05 || 1;
  const marks = curveMarks(stationary, a, b);
  const laid = layoutLabels(marks, [a, b], [fLo - pad, fHi + pad]);
  const at = pointOfRun(stationary, r);
  let verdict = verdictText(r);
  if (at && at.kind !== 'minimum') {
    verdict += at.kind === 'maximum' ? ', but stationary at a maximum, not a minimum' : ", but on a flat spot (f'' ≈ 0), not a minimum";
    const x = fmt(r.x ?? NaN, 6);
    notes.unshift(
      at.kind === 'maximum'
        ? `f'(${x}) = ${fmt(r.grad ?? NaN)} and f''(${x}) = ${fmt(at.curvature)} < 0: x = ${x} is a local maximum, and nothing there pushes descent downhill`
        : `f'(${x}) = ${fmt(r.grad ?? NaN)} and f''(${x}) = ${fmt(at.curvature)} ≈ 0: a flat spot, where descent stalls`,
    );
  }
  const inRange = points.filter((p) => p.x >= a && p.x <= b);
  const path = inRange.map((p) => ({ t: p.t, x: p.x, f: objective.f(p.x) })).filter((p) => Number.isFinite(p.f));
  return {
    id: `trajectory-run-${r.id}`,
    run: r,
    title: runTitle(r, doc),
    verdict,
    // Log axes cannot show 0.
    points: explodes ? points.filter((p) => p.x !== 0 && p.grad !== 0) : points,
    dots: headThenEvenly(path, PATH_DOTS),
    path: headThenEvenly(path, PATH_POINTS),
    curve,
    curveDomain: [a, b],
    curveRange: linearDomain(laid.range[0], laid.range[1], PADDED_LIMIT),
    explodes,
    leavesAt,
    marks,
    markLabels: laid.labels,
    at,
    notes,
  };
}

export function buildTrajectories(
  doc: ResultsDocument,
  objective: CompiledObjective | null,
  objectiveError: string | null,
  stationary: StationaryModel = { points: [], converged: 0, byRun: new Map(), note: null },
): TrajectoriesModel {
  const { runs, source, dropped } = pickTrajectoryRuns(doc, stationary);
  if (!objective) return { items: [], source, dropped, note: runs.length ? `trajectories not drawn: ${objectiveError ?? 'no objective'}` : null };
  const items: TrajectoryModel[] = [];
  for (const r of runs) {
    const t = traceOne(doc, objective, r, stationary);
    if (t) items.push(t);
  }
  const skipped = runs.length - items.length;
  return { items, source, dropped, note: skipped ? `${skipped} run(s) not traced: unknown schedule or optimizer label` : null };
}
