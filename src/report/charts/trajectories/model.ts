/**
 * The lesson's diagnosis for a few runs: x per epoch, f'(x) per epoch, and
 * the descent path drawn over the function. Traces are recomputed from the
 * objective in results.json with the engine's own trace kernel (traceRun),
 * so they match the classified results bit for bit.
 */
import { CLASSES } from '../../../engine/classify.js';
import type { TrajectorySelector } from '../../../config/types.js';
import { DEFAULT_OPTIMIZER, parseOptimizerLabel } from '../../../registry/optimizers.js';
import { DEFAULT_SCHEDULE, parseScheduleLabel } from '../../../registry/schedules.js';
import { traceRun } from '../../../engine/descend.js';
import type { CompiledObjective } from '../../../objective/objective.js';
import type { ResultsDocument, RunRecord } from '../../../results/format.js';
import { fmt, maxOf, minOf, ordinal, plural, sig6 } from '../../../format/numbers.js';
import { linearDomain, PADDED_LIMIT } from '../../scales.js';
import { pointOfRun, type StationaryModel, type StationaryPoint } from '../../stationary.js';
import { curveMarks, layoutLabels, type CurveLabel, type CurveMark } from './labels.js';

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

/** The run traced again with the engine's kernel, up to its first non-finite value; notes say what is not drawn. */
function tracePoints(doc: ResultsDocument, objective: CompiledObjective, r: RunRecord): { points: TracePoint[]; notes: string[] } | null {
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
  return { points, notes };
}

/**
 * The stretch of x the curve is drawn over: the domain (or the starts),
 * widened to take in the path for as long as it stays within PATH_REACH
 * domain-widths of it (the first zigzags of a run that is about to blow up
 * are the classic picture); beyond that the path is clipped.
 */
function curveDomainOf(doc: ResultsDocument, points: readonly TracePoint[]): [number, number] {
  const dom = doc.sweep.objective.domain;
  const starts = doc.sweep.axes.start;
  const a = dom ? dom[0] : minOf(starts) - 1;
  const b = dom ? dom[1] : maxOf(starts) + 1;
  const width = b - a;
  let xLo = a;
  let xHi = b;
  for (const p of points) {
    if (p.x < a - PATH_REACH * width || p.x > b + PATH_REACH * width) break;
    xLo = Math.min(xLo, p.x);
    xHi = Math.max(xHi, p.x);
  }
  // A domain vega can tick: subnormal starts get a unit range, ends near the largest float are pulled in.
  return linearDomain(xLo, xHi, PADDED_LIMIT);
}

/** f sampled across [a, b] where finite, and its range padded by 5 % (a unit range when there is none). */
function sampleCurve(objective: CompiledObjective, a: number, b: number): { curve: { x: number; f: number }[]; range: [number, number] } {
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
  return { curve, range: [fLo - pad, fHi + pad] };
}

/** The verdict, and a first note, for a run that converged somewhere that is not a minimum. */
function notAMinimum(r: RunRecord, at: StationaryPoint): { verdict: string; note: string } {
  const x = fmt(r.x ?? NaN, 6);
  return at.kind === 'maximum'
    ? {
        verdict: ', but stationary at a maximum, not a minimum',
        note: `f'(${x}) = ${fmt(r.grad ?? NaN)} and f''(${x}) = ${fmt(at.curvature)} < 0: x = ${x} is a local maximum, and nothing there pushes descent downhill`,
      }
    : { verdict: ", but on a flat spot (f'' ≈ 0), not a minimum", note: `f'(${x}) = ${fmt(r.grad ?? NaN)} and f''(${x}) = ${fmt(at.curvature)} ≈ 0: a flat spot, where descent stalls` };
}

function traceOne(doc: ResultsDocument, objective: CompiledObjective, r: RunRecord, stationary: StationaryModel): TrajectoryModel | null {
  const traced = tracePoints(doc, objective, r);
  if (!traced) return null;
  const { points, notes } = traced;
  const [a, b] = curveDomainOf(doc, points);
  const reach = Math.max(Math.abs(a), Math.abs(b), 1);
  const explodes = points.some((p) => Math.abs(p.x) > EXPLODES * reach);
  const leaving = points.find((p) => p.x < a || p.x > b);
  const leavesAt = leaving ? leaving.t : null;
  if (leavesAt !== null) notes.push(`the path leaves the plotted range at epoch ${leavesAt}`);
  const { curve, range } = sampleCurve(objective, a, b);
  const marks = curveMarks(stationary, a, b);
  const laid = layoutLabels(marks, [a, b], range);
  const at = pointOfRun(stationary, r);
  let verdict = verdictText(r);
  if (at && at.kind !== 'minimum') {
    const trap = notAMinimum(r, at);
    verdict += trap.verdict;
    notes.unshift(trap.note);
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
