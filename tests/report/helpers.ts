/** Results documents for the report tests: the seed sweep's real results, and synthetic ones. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunClass, Reason } from '../../src/engine/classify.js';
import type { ResultsDocument, RunRecord } from '../../src/results/format.js';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

/** A sweep title that must show as text: it tries to end a <script> and run an onerror handler. */
export const HOSTILE = '</script><img src=x onerror=alert(1)>';

/** results.json of `gdsweep run sweeps/seed.yaml` (lr 1, 0.1, 0.01, 0.001 x epochs 100, 1000 from x0 = 2). */
export function seedDoc(): ResultsDocument {
  return JSON.parse(readFileSync(join(FIXTURES, 'seed-results.json'), 'utf8')) as ResultsDocument;
}

/** results.json of `gdsweep run sweeps/cos-bowl-trap.yaml`: cos(2 pi x) + x^2 from -1e-4, 0 (a local maximum) and 1e-4. */
export function cosBowlDoc(): ResultsDocument {
  return JSON.parse(readFileSync(join(FIXTURES, 'cos-bowl-trap-results.json'), 'utf8')) as ResultsDocument;
}

/** results.json of `gdsweep run sweeps/sin-gauss-starts.yaml`: 50 starts on sin(x) exp(-0.05 x^2), lr 0.01, 1000 epochs. */
export function sinGaussStartsDoc(): ResultsDocument {
  return JSON.parse(readFileSync(join(FIXTURES, 'sin-gauss-starts-results.json'), 'utf8')) as ResultsDocument;
}

export interface Outcome {
  class: RunClass;
  reason?: Reason;
  convergedAt?: number | null;
  divergedAt?: number | null;
  x?: number | null;
  grad?: number | null;
  loss?: number | null;
}

/**
 * A results document over the given axes whose run outcomes come from `outcome`.
 * Runs are ordered as the planner orders them (start, schedule, optimizer, lr, epochs).
 */
export function syntheticDoc(
  axes: { lr: number[]; epochs: number[]; starts?: number[]; schedules?: ('constant' | 'grad-scaled' | 'linear-decay')[] },
  outcome: (lr: number, epochs: number, start: number, schedule: string) => Outcome,
  over: Partial<ResultsDocument['sweep']> = {},
): ResultsDocument {
  const base = seedDoc();
  const starts = axes.starts ?? [2];
  const schedules = axes.schedules ?? ['constant'];
  const runs: RunRecord[] = [];
  for (const start of starts)
    for (const schedule of schedules)
      for (const lr of axes.lr)
        for (const epochs of axes.epochs) {
          const o = outcome(lr, epochs, start, schedule);
          const reason: Reason = o.reason ?? (o.class === 'converged' ? 'within-tolerance' : o.class === 'slow' ? 'still-descending' : 'blew-up');
          runs.push({
            id: runs.length,
            lr,
            epochs,
            start,
            schedule,
            optimizer: 'gd',
            x: o.x === undefined ? 0.5 : o.x,
            grad: o.grad === undefined ? (o.class === 'converged' ? 1e-6 : 0.5) : o.grad,
            loss: o.loss === undefined ? 3.25 : o.loss,
            class: o.class,
            reason,
            convergedAt: o.convergedAt === undefined ? (o.class === 'converged' ? Math.max(1, Math.round(1 / lr)) : null) : o.convergedAt,
            divergedAt: o.divergedAt === undefined ? (reason === 'blew-up' ? 5 : null) : o.divergedAt,
          });
        }
  const counts = { converged: 0, slow: 0, divergent: 0 };
  for (const r of runs) counts[r.class]++;
  return {
    ...base,
    plan: { ...base.plan, runs: runs.length },
    sweep: {
      ...base.sweep,
      axes: { start: starts, learning_rate: axes.lr, epochs: axes.epochs, schedule: schedules, optimizer: ['gd'] },
      report: { trajectories: [] },
      ...over,
    },
    counts,
    runs,
  };
}
