/**
 * Compare two sweeps run by run: which runs changed class, how the best
 * learning rate per epoch budget moved, and a delta map. Pure over two
 * results documents; rendering to markdown and HTML is in report/compare-page.ts.
 */
import { UserError } from '../errors.js';
import { count, plural } from '../format/numbers.js';
import type { RunClass } from '../engine/classify.js';
import { bestPerBudget, type BestChoice } from './best.js';
import type { ResultsDocument, RunRecord } from '../results/format.js';

/** Worse to better: a move down this list is a regression. */
const RANK: Record<RunClass, number> = { divergent: 0, slow: 1, converged: 2 };

export type Change = 'improved' | 'regressed' | 'same' | 'reason';

export interface RunChange {
  key: string;
  lr: number;
  epochs: number;
  start: number;
  schedule: string;
  optimizer: string;
  base: RunRecord;
  next: RunRecord;
  change: Change;
}

export interface BestMove {
  epochs: number;
  base: BestChoice | null;
  next: BestChoice | null;
}

export interface Comparison {
  baseName: string;
  nextName: string;
  common: number;
  onlyBase: number;
  onlyNext: number;
  changes: RunChange[];
  counts: Record<Change, number>;
  best: BestMove[];
  /** Differences in how the sweeps were defined (objective, classify). */
  definition: string[];
}

export function runKey(r: Pick<RunRecord, 'lr' | 'epochs' | 'start' | 'schedule' | 'optimizer'>): string {
  return `${r.lr}|${r.epochs}|${r.start}|${r.schedule}|${r.optimizer}`;
}

function describeKey(k: string): string {
  const [lr, epochs, start, schedule, optimizer] = k.split('|');
  return `lr=${lr} epochs=${epochs} start=${start} ${schedule} ${optimizer}`;
}

/**
 * Runs by key, in id order. An axis may repeat a value (linspace from 1 to 1),
 * so equal keys are told apart by their occurrence ("...|gd#2"), and the
 * n-th such run of one sweep is compared with the n-th of the other: no run
 * is hidden behind another with the same parameters.
 */
function byKey(doc: ResultsDocument): Map<string, RunRecord> {
  const out = new Map<string, RunRecord>();
  const seen = new Map<string, number>();
  for (const r of [...doc.runs].sort((p, q) => p.id - q.id)) {
    const k = runKey(r);
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    out.set(n === 1 ? k : `${k}#${n}`, r);
  }
  return out;
}

export function compareResults(base: ResultsDocument, next: ResultsDocument, opts: { common: boolean }): Comparison {
  const b = byKey(base);
  const n = byKey(next);
  const onlyBase = [...b.keys()].filter((k) => !n.has(k));
  const onlyNext = [...n.keys()].filter((k) => !b.has(k));
  if ((onlyBase.length || onlyNext.length) && !opts.common) {
    const example = onlyBase[0] ?? onlyNext[0] ?? '';
    throw new UserError(
      `the grids differ: ${plural(onlyBase.length, 'run')} only in the base, ${count(onlyNext.length)} only in the new results (e.g. ${describeKey(example)}); --common compares the runs they share`,
    );
  }
  const changes: RunChange[] = [];
  const counts: Record<Change, number> = { improved: 0, regressed: 0, same: 0, reason: 0 };
  // Base order keeps the output stable.
  for (const [k, br] of b) {
    const nr = n.get(k);
    if (!nr) continue;
    let change: Change = 'same';
    if (RANK[nr.class] > RANK[br.class]) change = 'improved';
    else if (RANK[nr.class] < RANK[br.class]) change = 'regressed';
    else if (nr.reason !== br.reason) change = 'reason';
    counts[change]++;
    changes.push({ key: k, lr: br.lr, epochs: br.epochs, start: br.start, schedule: br.schedule, optimizer: br.optimizer, base: br, next: nr, change });
  }
  const bb = new Map(bestPerBudget(base).map((x) => [x.epochs, x.best]));
  const nb = new Map(bestPerBudget(next).map((x) => [x.epochs, x.best]));
  const budgets = [...new Set([...bb.keys(), ...nb.keys()])].sort((x, y) => x - y);
  const best = budgets.map((epochs) => ({ epochs, base: bb.get(epochs) ?? null, next: nb.get(epochs) ?? null }));
  const definition: string[] = [];
  const bo = base.sweep.objective;
  const no = next.sweep.objective;
  if (bo.expr !== no.expr) definition.push(`objective: ${bo.expr} -> ${no.expr}`);
  if (bo.derivative !== no.derivative) definition.push(`derivative: ${bo.derivative} -> ${no.derivative}`);
  if (base.sweep.classify.tolerance !== next.sweep.classify.tolerance) definition.push(`tolerance: ${base.sweep.classify.tolerance} -> ${next.sweep.classify.tolerance}`);
  if (base.sweep.classify.bound !== next.sweep.classify.bound) definition.push(`bound: ${base.sweep.classify.bound} -> ${next.sweep.classify.bound}`);
  if (base.tool.version !== next.tool.version) definition.push(`gdsweep: ${base.tool.version} -> ${next.tool.version}`);
  return { baseName: base.sweep.name, nextName: next.sweep.name, common: changes.length, onlyBase: onlyBase.length, onlyNext: onlyNext.length, changes, counts, best, definition };
}
