/**
 * The curvature f'' the report's theory uses: exact where the sweep's
 * objective is a quadratic, else estimated by central differences at the
 * minimum most plain-GD runs converged to. The header states it and the
 * trade-off chart draws its theory curve and stability limit from it.
 */
import type { CompiledObjective } from '../objective/objective.js';
import type { ResultsDocument, RunRecord } from '../results/format.js';
import { DEFAULT_OPTIMIZER } from '../registry/optimizers.js';
import { DEFAULT_SCHEDULE } from '../registry/schedules.js';

export interface Curvature {
  c: number;
  source: 'exact' | 'estimated';
  /** Where it was estimated (the minimum the runs converged to). */
  at: number | null;
}

/** f''(x) by a central difference of f' (step scaled to x, balancing rounding and truncation). */
export function secondDerivative(df: (x: number) => number, x: number): number {
  const h = 1e-5 * Math.max(1, Math.abs(x));
  return (df(x + h) - df(x - h)) / (2 * h);
}

/** The plain step x <- x - lr f'(x) that the theory describes: the default schedule and optimizer. */
export function isPlain(r: RunRecord): boolean {
  return r.schedule === DEFAULT_SCHEDULE && r.optimizer === DEFAULT_OPTIMIZER;
}

/**
 * The curvature the theory uses: exact for quadratics; otherwise f'' at the
 * minimum most plain-GD runs converged to (x rounded to 4 decimals to group
 * runs at the same minimum; ties go to the smaller x), skipping points that
 * are not minima (runs stationary at a maximum).
 */
export function findCurvature(doc: ResultsDocument, objective: CompiledObjective | null): Curvature | null {
  const exactC = doc.sweep.objective.curvature;
  if (exactC !== null && Number.isFinite(exactC)) return exactC > 0 ? { c: exactC, source: 'exact', at: null } : null;
  if (!objective) return null;
  const groups = new Map<number, number[]>();
  for (const r of doc.runs) {
    if (r.class !== 'converged' || r.x === null || !isPlain(r)) continue;
    const key = Math.round(r.x * 1e4) / 1e4;
    const g = groups.get(key);
    if (g) g.push(r.x);
    else groups.set(key, [r.x]);
  }
  // Most runs first, ties to the smaller x; a group stationary at a maximum (f'' <= 0) describes no descent.
  const ordered = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || a[0] - b[0]);
  for (const [, group] of ordered) {
    const xs = [...group].sort((a, b) => a - b);
    const at = xs[xs.length >> 1] as number;
    const c = secondDerivative(objective.df, at);
    if (Number.isFinite(c) && c > 0) return { c, source: 'estimated', at };
  }
  return null;
}

/** The curvature of the sweep when some run is plain GD (the theory describes no other), else null. */
export function sweepCurvature(doc: ResultsDocument, objective: CompiledObjective | null): Curvature | null {
  return doc.runs.some(isPlain) ? findCurvature(doc, objective) : null;
}
