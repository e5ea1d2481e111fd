/**
 * exponential-decay: s_t = lr * gamma^t, t = 0 .. E-1 (PyTorch
 * ExponentialLR: the first step uses lr). Depends on t, not on E: runs
 * that differ only in epochs share one trajectory.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweep } from '../../src/config/load.js';
import type { Optimizer, Schedule } from '../../src/config/types.js';
import { buildPlan } from '../../src/plan/plan.js';
import { parseScheduleLabel, resolveSchedule } from '../../src/registry/schedules.js';
import { gdsweep, tempDir } from '../helpers/cli.js';
import { expectKernelEqualsPlainLoop, QUAD, quadraticClosedForm, relErr, runAll, SIN_GAUSS } from '../helpers/schedule.js';

function sweepFile(schedule: string, extra = ''): string {
  const file = join(tempDir(), 'exp.yaml');
  writeFileSync(file, `name: exp\nobjective:\n  builtin: seed-quadratic\nstarts: [2]\nlearning_rate: [0.1, 0.01]\nepochs: [10, 100, 1000]\nschedule: ${schedule}\n${extra}`);
  return file;
}

describe('exponential-decay', () => {
  it('is written as a name (gamma 0.99) or {exponential-decay: {gamma}}, labelled by its non-default gamma, and parses back', () => {
    const c = loadSweep(sweepFile('[{exponential-decay: {gamma: 0.95}}, constant, exponential-decay]'));
    expect(c.schedules).toEqual(['exponential-decay(gamma=0.95)', 'constant', 'exponential-decay']);
    expect(parseScheduleLabel('exponential-decay(gamma=0.95)')).toEqual({ kind: 'exponential-decay', gamma: 0.95 });
    expect(parseScheduleLabel('exponential-decay')).toEqual({ kind: 'exponential-decay', gamma: 0.99 });
    expect(parseScheduleLabel('exponential-decay(gamma=0)')).toBeNull();
  });

  it('runs from the command line; results name it by its label, which selectors, the report and render read back', () => {
    const dir = tempDir();
    const file = sweepFile('[{exponential-decay: {gamma: 0.95}}, constant]', 'report:\n  trajectories:\n    - {schedule: exponential-decay(gamma=0.95), learning_rate: 0.1, epochs: 100}\n');
    const r = gdsweep(['run', file, '--out', dir, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, 'exp', 'results.json'), 'utf8'));
    expect(doc.sweep.axes.schedule).toEqual(['exponential-decay(gamma=0.95)', 'constant']);
    const run = doc.runs.find((x: { schedule: string; lr: number; epochs: number }) => x.schedule === 'exponential-decay(gamma=0.95)' && x.lr === 0.1 && x.epochs === 10);
    expect(relErr(run.x, quadraticClosedForm(2, 10, (t) => 0.1 * 0.95 ** t))).toBeLessThan(1e-12);
    expect(readFileSync(join(dir, 'exp', 'index.html'), 'utf8')).toContain('exponential-decay(gamma=0.95)');
    expect(gdsweep(['render', join(dir, 'exp'), '--quiet']).status).toBe(0);
  });

  it('a list of gamma is one schedule value per element: lr x gamma maps', () => {
    const c = loadSweep(sweepFile('{exponential-decay: {gamma: [0.9, 0.99]}}'));
    expect(c.schedules).toEqual(['exponential-decay(gamma=0.9)', 'exponential-decay']);
    expect(buildPlan(c).runCount).toBe(2 * 2 * 3);
  });

  it('gd on 3x^2 - 3x + 4 follows prod (1 - 6 lr gamma^t) to 1e-12, every lane count', () => {
    const epochs = [0, 1, 2, 5, 10, 50, 200];
    const all = [1e-3, 0.01, 0.05, 0.1, 0.2, 0.3, 0.34, 0.5];
    // A growing step (gamma > 1) only where it stays below the stability limit: beyond it, rounding near
    // the minimum is amplified by every later step, and the product formula says nothing of rounding.
    for (const [gamma, lrs] of [[0.5, all], [0.9, all], [0.95, all], [0.99, all], [1, all], [1.01, [1e-3, 0.01]]] as [number, number[]][]) {
      const schedule = `exponential-decay(gamma=${gamma})` as Schedule;
      for (const lanes of [1, 3, 8]) {
        const runs = runAll(schedule, lrs, epochs, { lanes });
        lrs.forEach((lr, i) =>
          epochs.forEach((E, p) => {
            const want = quadraticClosedForm(2, E, (t) => lr * gamma ** t);
            expect(relErr(runs.x[i]?.[p] as number, want), `gamma ${gamma}, lr ${lr}, E ${E}`).toBeLessThan(1e-12);
          }),
        );
      }
    }
    // By hand: t = 0 steps by lr, t = 1 by lr * gamma. lr 0.1, gamma 0.5 from 2: 2 - 0.9 = 1.1, then 1.1 - 0.05 * 3.6 = 0.92.
    expect(runAll('exponential-decay(gamma=0.5)', [0.1], [1, 2]).x[0]).toEqual([2 - 0.1 * 9, 1.1 - 0.05 * (6 * 1.1 - 3)]);
  });

  it('the fast path, its replays and skipped fixed points equal the plain loop bit for bit', () => {
    expectKernelEqualsPlainLoop(['exponential-decay', 'exponential-decay(gamma=0.9)', 'exponential-decay(gamma=1.002)'] as Schedule[], [{ kind: 'gd' }, { kind: 'momentum', beta: 0.9 }, { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8 }] as Optimizer[], [QUAD, SIN_GAUSS]);
  }, 60_000);

  it('depends on t, not on E: one track shared across epoch budgets gives exactly the runs of one track per budget', () => {
    const s = resolveSchedule('exponential-decay');
    expect([s.dependsOnT, s.dependsOnEpochs]).toEqual([true, false]);
    const plan = buildPlan(loadSweep(sweepFile('[exponential-decay, linear-decay]')));
    // exponential-decay: one track per lr through 10, 100 and 1000 epochs; linear-decay: one per (lr, epochs).
    expect(plan.tracks.filter((t) => t.schedule === 0).map((t) => t.epochIdx)).toEqual([[0, 1, 2], [0, 1, 2]]);
    expect(plan.tracks.filter((t) => t.schedule === 1).map((t) => t.epochIdx)).toEqual([[0], [1], [2], [0], [1], [2]]);
    const lrs = [0.01, 0.1, 0.3];
    const epochs = [10, 100, 1000];
    for (const schedule of ['exponential-decay', 'exponential-decay(gamma=0.9)'] as Schedule[]) {
      const shared = runAll(schedule, lrs, epochs, { shared: true, bound: 1e6 });
      const apart = runAll(schedule, lrs, epochs, { shared: false, bound: 1e6 });
      expect(shared.result.runId.length).toBe(apart.result.runId.length);
      shared.x.forEach((row, i) => row.forEach((x, p) => expect(Object.is(x, apart.x[i]?.[p])).toBe(true)));
      // The shared track costs max(E) per lr, not the sum.
      expect(shared.result.steps).toBe(3 * 1000);
      expect(apart.result.steps).toBe(3 * 1110);
    }
    // linear-decay could not share: a track through 1000 epochs decays on E = 1000, not on the run's own E.
    const wrong = runAll('linear-decay', lrs, epochs, { shared: true, bound: 1e6 });
    const right = runAll('linear-decay', lrs, epochs, { shared: false, bound: 1e6 });
    expect(wrong.x[0]?.[0]).not.toBe(right.x[0]?.[0]);
  });
});
