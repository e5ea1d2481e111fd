/**
 * The best learning rate for each epoch budget.
 *
 * A configuration is a learning rate with its schedule and optimizer. For a
 * budget of E epochs it *qualifies* when every one of its runs with E epochs
 * (one per start) converged. Among qualifying configurations the best is the
 * one whose slowest start converged earliest (smallest worst-case
 * convergedAt): it reaches |f'| <= tol soonest from anywhere the sweep
 * started. Ties go to the smaller learning rate, which is further from the
 * stability limit (2/c on a quadratic) and so the safer choice at no cost in
 * epochs; remaining ties follow the sweep's schedule and optimizer order.
 *
 * When nothing qualifies, `closest` names the configuration with the most
 * converged runs (same tie rules), so the summary still says what came near.
 */
import type { ResultsDocument, RunRecord } from '../results/format.js';
import { maxOf } from '../format/numbers.js';

/** The rule above in one sentence, for the page and summary.md. */
export const BEST_RULE =
  'Best: of the learning rates whose runs converged from every start within the budget, the one whose slowest start converged earliest. ' +
  'Ties go to the smaller learning rate, which is further from the stability limit at no cost in epochs.';

export interface BestChoice {
  lr: number;
  schedule: string;
  optimizer: string;
  /** Worst case over starts of the epoch each run converged at. */
  convergedAt: number;
  converged: number;
  runs: number;
}

export interface BestForBudget {
  epochs: number;
  best: BestChoice | null;
  closest: BestChoice | null;
  /** Configurations tried at this budget. */
  candidates: number;
}

interface Group {
  lr: number;
  schedule: string;
  optimizer: string;
  order: number;
  runs: RunRecord[];
}

function better(a: BestChoice & { order: number }, b: BestChoice & { order: number }, byConverged: boolean): boolean {
  if (byConverged && a.converged !== b.converged) return a.converged > b.converged;
  if (a.convergedAt !== b.convergedAt) return a.convergedAt < b.convergedAt;
  if (a.lr !== b.lr) return a.lr < b.lr;
  return a.order < b.order;
}

export function bestPerBudget(doc: ResultsDocument): BestForBudget[] {
  const ax = doc.sweep.axes;
  const kOrder = new Map(ax.schedule.map((s, i) => [String(s), i]));
  const oOrder = new Map(ax.optimizer.map((o, i) => [o, i]));
  const byBudget = new Map<number, Map<string, Group>>();
  for (const r of doc.runs) {
    let groups = byBudget.get(r.epochs);
    if (!groups) {
      groups = new Map();
      byBudget.set(r.epochs, groups);
    }
    const key = `${r.lr}\u0000${r.schedule}\u0000${r.optimizer}`;
    let g = groups.get(key);
    if (!g) {
      g = { lr: r.lr, schedule: r.schedule, optimizer: r.optimizer, order: (kOrder.get(r.schedule) ?? 0) * 1000 + (oOrder.get(r.optimizer) ?? 0), runs: [] };
      groups.set(key, g);
    }
    g.runs.push(r);
  }
  const budgets = [...byBudget.keys()].sort((a, b) => a - b);
  return budgets.map((epochs) => {
    const groups = [...(byBudget.get(epochs) as Map<string, Group>).values()];
    let best: (BestChoice & { order: number }) | null = null;
    let closest: (BestChoice & { order: number }) | null = null;
    for (const g of groups) {
      const conv = g.runs.filter((r) => r.class === 'converged');
      if (conv.length === 0) continue;
      const c = {
        lr: g.lr,
        schedule: g.schedule,
        optimizer: g.optimizer,
        order: g.order,
        convergedAt: maxOf(conv.map((r) => r.convergedAt ?? 0)),
        converged: conv.length,
        runs: g.runs.length,
      };
      if (conv.length === g.runs.length && (!best || better(c, best, false))) best = c;
      if (!closest || better(c, closest, true)) closest = c;
    }
    const strip = (c: (BestChoice & { order: number }) | null): BestChoice | null => {
      if (!c) return null;
      const { order: _order, ...rest } = c;
      return rest;
    };
    return { epochs, best: strip(best), closest: best ? null : strip(closest), candidates: groups.length };
  });
}
