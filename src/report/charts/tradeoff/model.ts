/**
 * The trade-off between learning rate and the epochs needed to converge.
 *
 * For plain gradient descent with a constant rate near a minimum with
 * curvature c = f''(x*), the distance to the minimum shrinks by |1 - lr c|
 * per step, so reaching |f'| <= tol from |f'(x0)| takes
 *   ceil(ln(tol / |f'(x0)|) / ln|1 - lr c|)  epochs, stable iff 0 < lr c < 2.
 * For small lr that is about ln(|f'(x0)|/tol) / (lr c): 10x less lr, 10x
 * more epochs, a slope of -1 on log-log axes. The curvature is exact where
 * the sweep's objective is a quadratic (doc.sweep.objective.curvature) and is
 * estimated numerically at the minimum the runs found otherwise.
 */
import type { CompiledObjective } from '../../../objective/objective.js';
import type { ResultsDocument, RunRecord } from '../../../results/format.js';
import { fmt, maxOf, minOf, plural } from '../../../format/numbers.js';
import { isPlain, type Curvature } from '../../curvature.js';
import { logDomain } from '../../scales.js';


/** More series than this cannot be told apart by colour; starts are folded first. */
export const MAX_SERIES = 8;
/** Theory curves per chart: one per start up to this, else the two extreme starts. */
export const MAX_THEORY_CURVES = 4;
/** Samples along each theory curve. */
export const THEORY_SAMPLES = 240;
/** Cap on plotted points (after merging identical ones). */
export const MAX_TRADEOFF_POINTS = 4000;
/** Budget rules drawn when there are at most this many epoch values. */
export const MAX_BUDGET_RULES = 8;

export interface TradeoffPoint {
  series: string;
  lr: number;
  convergedAt: number;
  /** Epoch budgets (runs) that converged at this epoch. */
  budgets: string;
  runs: number;
}

export interface TheoryPoint {
  series: string;
  lr: number;
  epochs: number;
}

export interface TradeoffModel {
  points: TradeoffPoint[];
  series: string[];
  /** Converged runs not drawn: convergedAt 0 has no place on a log axis. */
  atStart: number;
  /** Points left out to respect MAX_TRADEOFF_POINTS. */
  thinned: number;
  curvature: Curvature | null;
  theory: TheoryPoint[];
  theorySeries: string[];
  stability: { lr: number; label: string } | null;
  budgets: { epochs: number; label: string }[];
  lrDomain: [number, number];
  epochDomain: [number, number];
  /** Why no theory is drawn, when it is not. */
  theoryNote: string | null;
}

/** Epochs plain GD needs on a quadratic with curvature c; null outside the stable range. */
export function theoryEpochs(lr: number, c: number, grad0: number, tol: number): number | null {
  const k = lr * c;
  if (!(k > 0 && k < 2)) return null;
  const g0 = Math.abs(grad0);
  if (g0 <= tol) return 0;
  const r = Math.abs(1 - k);
  if (r === 0) return 1;
  return Math.ceil(Math.log(tol / g0) / Math.log(r));
}

/** Series labels from the axes that vary, folding starts when there are too many. */
function seriesLabeller(doc: ResultsDocument): (r: RunRecord) => string {
  const ax = doc.sweep.axes;
  const parts: ((r: RunRecord) => string)[] = [];
  const nStart = ax.start.length;
  const nOther = ax.schedule.length * ax.optimizer.length;
  if (nStart > 1 && nStart * nOther <= MAX_SERIES) parts.push((r) => `start ${fmt(r.start)}`);
  if (ax.schedule.length > 1 && nOther <= MAX_SERIES) parts.push((r) => r.schedule);
  if (ax.optimizer.length > 1 && nOther <= MAX_SERIES) parts.push((r) => r.optimizer);
  return (r) => parts.map((p) => p(r)).join(' · ') || 'runs';
}

function logSpace(lo: number, hi: number, n: number): number[] {
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  return Array.from({ length: n }, (_, i) => 10 ** (a + ((b - a) * i) / (n - 1)));
}

/** Converged runs as points (lr, epoch converged at) per series, identical ones merged, thinned beyond MAX_TRADEOFF_POINTS. */
function convergedPoints(doc: ResultsDocument): { points: TradeoffPoint[]; atStart: number; thinned: number } {
  const label = seriesLabeller(doc);
  const merged = new Map<string, TradeoffPoint & { budgetSet: Set<number> }>();
  let atStart = 0;
  for (const r of doc.runs) {
    if (r.class !== 'converged' || r.convergedAt === null) continue;
    if (r.convergedAt === 0) {
      atStart++;
      continue;
    }
    const series = label(r);
    const key = `${series}\u0000${r.lr}\u0000${r.convergedAt}`;
    const p = merged.get(key);
    if (p) {
      p.runs++;
      p.budgetSet.add(r.epochs);
    } else merged.set(key, { series, lr: r.lr, convergedAt: r.convergedAt, budgets: '', runs: 1, budgetSet: new Set([r.epochs]) });
  }
  let points: TradeoffPoint[] = [...merged.values()]
    .map(({ budgetSet, ...p }) => ({ ...p, budgets: [...budgetSet].sort((a, b) => a - b).join(', ') }))
    .sort((a, b) => (a.series < b.series ? -1 : a.series > b.series ? 1 : a.lr - b.lr || a.convergedAt - b.convergedAt));
  let thinned = 0;
  if (points.length > MAX_TRADEOFF_POINTS) {
    // Every k-th point, deterministic; the full data is in results.csv.
    const k = Math.ceil(points.length / MAX_TRADEOFF_POINTS);
    const kept = points.filter((_, i) => i % k === 0);
    thinned = points.length - kept.length;
    points = kept;
  }
  return { points, atStart, thinned };
}

/** The learning-rate axis: the sweep's rates and, when it is near them, the stability limit. */
function lrDomainOf(lrs: readonly number[], stabilityLr: number | null): [number, number] {
  const lrMin = minOf(lrs);
  const lrMax = maxOf(lrs);
  let lo = lrMin;
  let hi = lrMax;
  if (stabilityLr !== null && stabilityLr > lrMin / 10 && stabilityLr < lrMax * 10) {
    lo = Math.min(lo, stabilityLr);
    hi = Math.max(hi, stabilityLr);
  }
  // Subnormal and huge rates would divide to 0 or multiply to infinity: logDomain keeps the ends drawable.
  return lo === hi ? logDomain(lo / 3, hi * 3) : logDomain(lo / 1.5, hi * 1.5);
}

/** The theory curve of each start (at most MAX_THEORY_CURVES: else the slowest and fastest), sampled up to the stability limit. */
function theoryCurves(doc: ResultsDocument, objective: CompiledObjective, curvature: Curvature, lrDomain: [number, number], epochDomain: [number, number]): { theory: TheoryPoint[]; theorySeries: string[] } {
  const tol = doc.sweep.classify.tolerance;
  const lrs = doc.sweep.axes.learning_rate;
  const stabilityLr = 2 / curvature.c;
  const theory: TheoryPoint[] = [];
  const theorySeries: string[] = [];
  const starts = [...new Set(doc.runs.filter(isPlain).map((r) => r.start))].sort((a, b) => a - b);
  let chosen = starts;
  if (starts.length > MAX_THEORY_CURVES) {
    // The slowest and fastest starts bound the others.
    const byGrad = [...starts].sort((a, b) => Math.abs(objective.df(a)) - Math.abs(objective.df(b)) || a - b);
    chosen = [byGrad[0] as number, byGrad[byGrad.length - 1] as number];
  }
  const lrHi = Math.min(lrDomain[1], stabilityLr);
  for (const x0 of chosen) {
    const g0 = objective.df(x0);
    if (!Number.isFinite(g0)) continue;
    const s = chosen.length === 1 && starts.length === 1 ? 'theory' : `start ${fmt(x0)}`;
    let any = false;
    // Exact samples at the sweep's rates and at lr = 1/c (one step, the bottom of the V).
    const samples = [...logSpace(lrDomain[0], lrHi, THEORY_SAMPLES), ...lrs, 1 / curvature.c].filter((v) => v >= lrDomain[0] && v < lrHi);
    for (const lr of [...new Set(samples)].sort((p, q) => p - q)) {
      const e = theoryEpochs(lr, curvature.c, g0, tol);
      if (e === null || e < 1 || e > epochDomain[1]) continue;
      theory.push({ series: s, lr, epochs: e });
      any = true;
    }
    if (any) theorySeries.push(s);
  }
  return { theory, theorySeries };
}

/** `curvature`: the sweep's (curvature.ts), null where no run is plain GD or it is unknown. */
export function buildTradeoff(doc: ResultsDocument, objective: CompiledObjective | null, curvature: Curvature | null): TradeoffModel {
  const { points, atStart, thinned } = convergedPoints(doc);
  const series = [...new Set(points.map((p) => p.series))];
  const epochsAxis = [...new Set(doc.sweep.axes.epochs)].sort((a, b) => a - b);
  const plain = doc.runs.some(isPlain);
  const stabilityLr = curvature ? 2 / curvature.c : null;
  const lrDomain = lrDomainOf(doc.sweep.axes.learning_rate, stabilityLr);
  const maxConverged = points.reduce((m, p) => Math.max(m, p.convergedAt), 0);
  const maxBudget = epochsAxis[epochsAxis.length - 1] ?? 1;
  const epochDomain = logDomain(1, Math.max(10, maxConverged, maxBudget) * 3);
  let theoryNote: string | null = null;
  if (!plain) theoryNote = 'no run uses plain gradient descent with a constant rate, which the theory describes';
  else if (!curvature) theoryNote = 'the curvature at the minimum is unknown (no converged run to estimate it from, or f\'\' <= 0 there)';
  else if (!objective) theoryNote = "the objective could not be compiled, so |f'(x0)| is unknown";
  const { theory, theorySeries } = curvature && objective ? theoryCurves(doc, objective, curvature, lrDomain, epochDomain) : { theory: [], theorySeries: [] };
  return {
    points,
    series,
    atStart,
    thinned,
    curvature,
    theory,
    theorySeries,
    stability: stabilityLr === null ? null : { lr: stabilityLr, label: `stability limit lr = 2/c = ${fmt(stabilityLr, 3)}` },
    budgets: epochsAxis.length <= MAX_BUDGET_RULES ? epochsAxis.filter((e) => e >= 1).map((e) => ({ epochs: e, label: plural(e, 'epoch') })) : [],
    lrDomain,
    epochDomain,
    theoryNote,
  };
}
