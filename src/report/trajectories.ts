/**
 * The lesson's diagnosis for a few runs: x per epoch, f'(x) per epoch, and
 * the descent path drawn over the function. Traces are recomputed from the
 * objective in results.json with the engine's own trace kernel (traceRun),
 * so they match the classified results bit for bit.
 */
import { CLASSES } from '../engine/classify.js';
import { parseOptimizerLabel, type TrajectorySelector } from '../config/types.js';
import { traceRun } from '../engine/descend.js';
import type { CompiledObjective } from '../objective/objective.js';
import type { ResultsDocument, RunRecord } from '../results/format.js';
import { fmt, maxOf, minOf } from './numbers.js';

/** Charts per report: each is three panels with up to TRACE_POINTS points. */
export const MAX_TRAJECTORIES = 8;
/** Points per trace (the kernel thins evenly and keeps the last). */
export const TRACE_POINTS = 2000;
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
export function pickTrajectoryRuns(doc: ResultsDocument): { runs: RunRecord[]; source: 'selected' | 'representative'; dropped: number } {
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
  return { runs, source: 'representative', dropped: 0 };
}

export function runTitle(r: RunRecord, doc: ResultsDocument): string {
  const ax = doc.sweep.axes;
  const parts = [`lr ${fmt(r.lr, 6)}`, `${r.epochs} epochs`, `start ${fmt(r.start, 6)}`];
  if (ax.schedule.length > 1 || r.schedule !== 'constant') parts.push(r.schedule);
  if (ax.optimizer.length > 1 || r.optimizer !== 'gd') parts.push(r.optimizer);
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

function traceOne(doc: ResultsDocument, objective: CompiledObjective, r: RunRecord): TrajectoryModel | null {
  const optimizer = parseOptimizerLabel(r.optimizer);
  if (!optimizer) return null;
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
  if (every > 1) notes.push(`every ${every}th epoch drawn (${points.length} points)`);

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
  a = xLo;
  b = xHi;
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
  const inRange = points.filter((p) => p.x >= a && p.x <= b);
  const path = inRange.map((p) => ({ t: p.t, x: p.x, f: objective.f(p.x) })).filter((p) => Number.isFinite(p.f));
  return {
    id: `trajectory-run-${r.id}`,
    run: r,
    title: runTitle(r, doc),
    verdict: verdictText(r),
    // Log axes cannot show 0.
    points: explodes ? points.filter((p) => p.x !== 0 && p.grad !== 0) : points,
    dots: headThenEvenly(path, PATH_DOTS),
    path: headThenEvenly(path, PATH_POINTS),
    curve,
    curveDomain: [a, b],
    curveRange: [fLo - pad, fHi + pad],
    explodes,
    leavesAt,
    notes,
  };
}

export function buildTrajectories(doc: ResultsDocument, objective: CompiledObjective | null, objectiveError: string | null): TrajectoriesModel {
  const { runs, source, dropped } = pickTrajectoryRuns(doc);
  if (!objective) return { items: [], source, dropped, note: runs.length ? `trajectories not drawn: ${objectiveError ?? 'no objective'}` : null };
  const items: TrajectoryModel[] = [];
  for (const r of runs) {
    const t = traceOne(doc, objective, r);
    if (t) items.push(t);
  }
  const skipped = runs.length - items.length;
  return { items, source, dropped, note: skipped ? `${skipped} run(s) not traced: unknown optimizer label` : null };
}
