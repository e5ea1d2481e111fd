/**
 * The points where converged runs ended, and what kind of point each is.
 *
 * A converged run stops where |f'(x)| <= tolerance, which is near a
 * stationary point but not on it: fifty starts rolling into one minimum end
 * at fifty slightly different x (within about tol / f''). Each final x is
 * first refined to the stationary point it sits next to (Newton's method on
 * f', with f'' by central differences), then the refined points are
 * clustered: two runs reached the same point when their refined x agree to
 * CLUSTER_TOLERANCE of the domain width. Each point is then classified by
 * the sign of f'' there: a minimum (f'' > 0), a maximum (f'' < 0: the run is
 * stationary at a maximum, as gradient descent from exactly x0 = 0 on
 * cos(2 pi x) + x^2 is, since f'(0) = 0), or flat (f'' ~ 0).
 *
 * Pure: the same results and objective give the same points.
 */
import type { CompiledObjective } from '../objective/objective.js';
import type { ResultsDocument, RunRecord } from '../results/format.js';
import { fmt, maxOf, minOf, plural } from '../format/numbers.js';
import { median } from './charts/common.js';
import { secondDerivative } from './curvature.js';

/** Refined points closer than this (relative to the domain width) are one point. */
export const CLUSTER_TOLERANCE = 1e-6;
/**
 * Final x that could not be refined (f'' ~ 0, or Newton would move far) are
 * grouped more coarsely: a converged run on a plateau may stop anywhere on it.
 */
export const RAW_CLUSTER_TOLERANCE = 1e-3;
/** Newton may move a final x at most this far (relative to the domain width) to reach its stationary point. */
const MAX_REFINE_MOVE = 1e-2;
const MAX_NEWTON_STEPS = 60;
/** |f''| at or below this is treated as zero: neither a minimum nor a maximum can be told from it. */
export const FLAT_CURVATURE = 1e-6;
/** Digits in point labels: "min at -1.4289". */
export const LABEL_DIGITS = 5;

export type StationaryKind = 'minimum' | 'maximum' | 'flat';

export interface StationaryPoint {
  /** The stationary point (refined), or the median final x where it could not be refined. */
  x: number;
  f: number;
  /** f''(x) by central differences; NaN where not finite. */
  curvature: number;
  kind: StationaryKind;
  /** Converged runs that ended here. */
  runs: number;
  /** The first of them by id. */
  firstRun: number;
  /** Distinct starts of those runs, ascending. */
  starts: number[];
  /** Whether x is the refined stationary point (else the runs' median final x). */
  refined: boolean;
  /** "min at -1.4289", "max at 0 (stationary)", "flat at 12.5 (f'' ≈ 0)". */
  label: string;
  /** "min -1.4289", "max 0", "flat 12.5": for markers in small panels. */
  short: string;
  /** What kind of point, in words: "minimum (f'' = 0.795 > 0)". */
  text: string;
}

export interface StationaryModel {
  /** Ascending by x. */
  points: StationaryPoint[];
  /** Converged runs (with a finite final x) behind the points. */
  converged: number;
  /** Run id -> index in points, for every converged run behind a point. */
  byRun: Map<number, number>;
  /** Why there are no points though runs converged (no objective), else null. */
  note: string | null;
}

/** The width the sweep's x lives on: the domain, else the range of starts, else 1. */
export function xWidth(doc: ResultsDocument): number {
  const dom = doc.sweep.objective.domain;
  if (dom && dom[1] > dom[0]) return dom[1] - dom[0];
  const starts = doc.sweep.axes.start;
  const w = starts.length ? maxOf(starts) - minOf(starts) : 0;
  return w > 0 ? w : 1;
}

/**
 * The stationary point next to x: Newton's method on f'. Null when it does
 * not settle within MAX_NEWTON_STEPS, starts where f'' ~ 0, or would move
 * further than MAX_REFINE_MOVE domain widths (then x is not next to one).
 */
export function refineStationary(df: (x: number) => number, x0: number, width: number): number | null {
  let x = x0;
  const g0 = Math.abs(df(x0));
  for (let i = 0; i < MAX_NEWTON_STEPS; i++) {
    const g = df(x);
    if (g === 0) return x;
    if (!Number.isFinite(g)) return null;
    const c = secondDerivative(df, x);
    // Flat from the start (a plateau): no point to refine to. Flat after some steps
    // (a degenerate minimum such as x^4 at 0): as close as Newton gets.
    if (!Number.isFinite(c) || Math.abs(c) <= FLAT_CURVATURE) return i > 0 && Math.abs(g) < g0 ? x : null;
    const step = g / c;
    const next = x - step;
    if (!Number.isFinite(next) || Math.abs(next - x0) > MAX_REFINE_MOVE * width) return null;
    if (next === x || Math.abs(step) <= 1e-14 * Math.max(1, Math.abs(x))) return next;
    x = next;
  }
  return Math.abs(df(x)) <= g0 ? x : null;
}

export function kindOf(curvature: number): StationaryKind {
  if (curvature > FLAT_CURVATURE) return 'minimum';
  if (curvature < -FLAT_CURVATURE) return 'maximum';
  return 'flat';
}

/** "min at -1.4289" and friends. */
export function pointLabel(kind: StationaryKind, x: number): { label: string; short: string } {
  const v = fmt(x, LABEL_DIGITS);
  switch (kind) {
    case 'minimum':
      return { label: `min at ${v}`, short: `min ${v}` };
    case 'maximum':
      return { label: `max at ${v} (stationary)`, short: `max ${v}` };
    case 'flat':
      return { label: `flat at ${v} (f'' ≈ 0)`, short: `flat ${v}` };
  }
}

function kindText(kind: StationaryKind, c: number): string {
  const cv = Number.isFinite(c) ? fmt(c) : 'unknown';
  switch (kind) {
    case 'minimum':
      return `minimum (f'' = ${cv} > 0)`;
    case 'maximum':
      return `not a minimum: stationary at a maximum (f'' = ${cv} < 0)`;
    case 'flat':
      return `not a minimum: flat (f'' = ${cv} ≈ 0), descent stalls there`;
  }
}

/** "start 0", "starts -1e-4, 1e-4", "24 starts from -3.776 to 1.122". */
export function startsText(starts: readonly number[]): string {
  if (starts.length === 1) return `start ${fmt(starts[0] as number, 6)}`;
  if (starts.length <= 4) return `starts ${starts.map((s) => fmt(s, 6)).join(', ')}`;
  return `${plural(starts.length, 'start')} from ${fmt(minOf(starts))} to ${fmt(maxOf(starts))}`;
}

interface Located {
  x: number;
  refined: boolean;
  run: RunRecord;
}

/** Sorted values joined into groups wherever neighbours are within `tol`. */
function chain(items: Located[], tol: number): Located[][] {
  const sorted = [...items].sort((a, b) => a.x - b.x || a.run.id - b.run.id);
  const groups: Located[][] = [];
  let cur: Located[] = [];
  for (const it of sorted) {
    const last = cur[cur.length - 1];
    if (last && it.x - last.x > tol) {
      groups.push(cur);
      cur = [];
    }
    cur.push(it);
  }
  if (cur.length) groups.push(cur);
  return groups;
}

export function buildStationary(doc: ResultsDocument, objective: CompiledObjective | null): StationaryModel {
  const converged = doc.runs.filter((r): r is RunRecord & { x: number } => r.class === 'converged' && r.x !== null && Number.isFinite(r.x));
  if (converged.length === 0) return { points: [], converged: 0, byRun: new Map(), note: null };
  if (!objective) return { points: [], converged: converged.length, byRun: new Map(), note: 'the objective could not be compiled, so the points the runs reached cannot be classified' };
  const width = xWidth(doc);
  // Runs that end at the same x (epoch budgets of one track) are refined once.
  const cache = new Map<number, number | null>();
  const located: Located[] = converged.map((r) => {
    let x = cache.get(r.x);
    if (x === undefined) {
      x = refineStationary(objective.df, r.x, width);
      cache.set(r.x, x);
    }
    return x === null ? { x: r.x, refined: false, run: r } : { x, refined: true, run: r };
  });
  const groups = [
    ...chain(
      located.filter((l) => l.refined),
      CLUSTER_TOLERANCE * width,
    ),
    ...chain(
      located.filter((l) => !l.refined),
      RAW_CLUSTER_TOLERANCE * width,
    ),
  ];
  const points: (StationaryPoint & { members: number[] })[] = groups.map((g) => {
    const refined = (g[0] as Located).refined;
    // The median of a refined group is one of its (near-identical) members: no averaging noise.
    const x = refined ? (g[g.length >> 1] as Located).x : median(g.map((l) => l.x));
    const c = secondDerivative(objective.df, x);
    const curvature = Number.isFinite(c) ? c : NaN;
    const kind = kindOf(curvature);
    return {
      x,
      f: objective.f(x),
      curvature,
      kind,
      runs: g.length,
      firstRun: minOf(g.map((l) => l.run.id)),
      members: g.map((l) => l.run.id),
      starts: [...new Set(g.map((l) => l.run.start))].sort((a, b) => a - b),
      refined,
      ...pointLabel(kind, x),
      text: kindText(kind, curvature),
    };
  });
  points.sort((a, b) => a.x - b.x || a.firstRun - b.firstRun);
  const byRun = new Map<number, number>();
  const out = points.map(({ members, ...p }, i) => {
    for (const id of members) byRun.set(id, i);
    return p;
  });
  return { points: out, converged: converged.length, byRun, note: null };
}

/** The point a converged run ended at, if any. */
export function pointOfRun(model: StationaryModel, r: RunRecord): StationaryPoint | null {
  const i = model.byRun.get(r.id);
  return i === undefined ? null : (model.points[i] ?? null);
}

/** What a converged run stopped at when it is not a minimum ("a maximum", "a flat spot"), else null. */
export function notMinimumText(model: StationaryModel, r: RunRecord): string | null {
  const p = pointOfRun(model, r);
  return !p || p.kind === 'minimum' ? null : p.kind === 'maximum' ? 'a maximum' : 'a flat spot';
}
