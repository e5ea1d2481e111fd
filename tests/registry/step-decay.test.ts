/**
 * step-decay: s_t = lr * gamma^floor(t / every), t = 0 .. E-1 (PyTorch
 * StepLR with step_size = every: lr for the first `every` steps, then
 * lr * gamma, ...). Depends on t, not on E: runs that differ only in epochs
 * share one trajectory.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweep } from '../../src/config/load.js';
import type { Optimizer, Schedule } from '../../src/config/types.js';
import { SweepConfigError } from '../../src/errors.js';
import { buildPlan } from '../../src/plan/plan.js';
import { parseScheduleLabel, resolveSchedule } from '../../src/registry/schedules.js';
import { gdsweep, tempDir } from '../helpers/cli.js';
import { expectKernelEqualsPlainLoop, QUAD, quadraticClosedForm, relErr, runAll, SIN_GAUSS } from '../helpers/schedule.js';

function sweepFile(schedule: string, extra = ''): string {
  const file = join(tempDir(), 'step.yaml');
  writeFileSync(file, `name: step\nobjective:\n  builtin: seed-quadratic\nstarts: [2]\nlearning_rate: [0.1, 0.01]\nepochs: [10, 100, 1000]\nschedule: ${schedule}\n${extra}`);
  return file;
}

describe('step-decay', () => {
  it('is PyTorch StepLR: lr 0.05, step_size 30, gamma 0.1 gives 0.05 for t < 30, 0.005 for 30 <= t < 60, ...', () => {
    const s = resolveSchedule('step-decay(every=30)');
    const at = (t: number) => s.plain({ lr: 0.05, g: 1, t, E: 100 });
    expect([at(0), at(29), at(30), at(59), at(60), at(89)]).toEqual([0.05, 0.05, 0.05 * 0.1, 0.05 * 0.1, 0.05 * 0.1 ** 2, 0.05 * 0.1 ** 2]);
    // Defaults: gamma 0.1 every 10 steps.
    const d = resolveSchedule('step-decay');
    expect([9, 10, 20].map((t) => d.plain({ lr: 1, g: 1, t, E: 100 }))).toEqual([1, 0.1, 0.1 ** 2]);
  });

  it('is written as a name or {step-decay: {gamma, every}}, labelled by its non-default parameters, and parses back', () => {
    const c = loadSweep(sweepFile('[{step-decay: {gamma: 0.5, every: 3}}, {step-decay: {every: 5}}, step-decay]'));
    expect(c.schedules).toEqual(['step-decay(gamma=0.5,every=3)', 'step-decay(every=5)', 'step-decay']);
    expect(parseScheduleLabel('step-decay(gamma=0.5,every=3)')).toEqual({ kind: 'step-decay', gamma: 0.5, every: 3 });
    expect(parseScheduleLabel('step-decay')).toEqual({ kind: 'step-decay', gamma: 0.1, every: 10 });
    expect(parseScheduleLabel('step-decay(every=2.5)')).toBeNull();
    expect(parseScheduleLabel('step-decay(every=0)')).toBeNull();
  });

  it('refuses an every that is not a whole number of steps, at the value', () => {
    let error: unknown;
    try {
      loadSweep(sweepFile('{step-decay: {every: 2.5}}'));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SweepConfigError);
    expect((error as SweepConfigError).detail).toBe('schedule.step-decay.every: must be a whole number, got the number 2.5');
  });

  it('lists of gamma and every are one schedule value per combination', () => {
    const c = loadSweep(sweepFile('{step-decay: {gamma: [0.1, 0.5], every: [10, 20]}}'));
    expect(c.schedules).toEqual(['step-decay', 'step-decay(every=20)', 'step-decay(gamma=0.5)', 'step-decay(gamma=0.5,every=20)']);
    expect(buildPlan(c).runCount).toBe(4 * 2 * 3);
  });

  it('gd on 3x^2 - 3x + 4 follows prod (1 - 6 lr gamma^floor(t / every)) to 1e-12, every lane count', () => {
    const epochs = [0, 1, 9, 10, 11, 35, 200];
    const all = [1e-3, 0.01, 0.05, 0.1, 0.2, 0.3, 0.34, 0.5];
    // A growing step (gamma > 1) only where it stays below the stability limit (see exponential-decay.test.ts).
    for (const [gamma, every, lrs] of [
      [0.1, 10, all],
      [0.5, 3, all],
      [0.9, 1, all],
      [1, 7, all],
      [1.5, 50, [1e-3, 0.01]],
    ] as [number, number, number[]][]) {
      const schedule = `step-decay(gamma=${gamma},every=${every})` as Schedule;
      for (const lanes of [1, 3, 8]) {
        const runs = runAll(schedule, lrs, epochs, { lanes });
        lrs.forEach((lr, i) =>
          epochs.forEach((E, p) => {
            const want = quadraticClosedForm(2, E, (t) => lr * gamma ** Math.floor(t / every));
            expect(relErr(runs.x[i]?.[p] as number, want), `gamma ${gamma}, every ${every}, lr ${lr}, E ${E}`).toBeLessThan(1e-12);
          }),
        );
      }
    }
  });

  it('the fast path, its replays and skipped fixed points equal the plain loop bit for bit', () => {
    expectKernelEqualsPlainLoop(['step-decay', 'step-decay(gamma=0.5,every=100)', 'step-decay(gamma=1.5,every=300)'] as Schedule[], [{ kind: 'gd' }, { kind: 'nesterov', beta: 0.5 }, { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8 }] as Optimizer[], [QUAD, SIN_GAUSS]);
  }, 60_000);

  it('depends on t, not on E: one track shared across epoch budgets gives exactly the runs of one track per budget', () => {
    const s = resolveSchedule('step-decay');
    expect([s.dependsOnT, s.dependsOnEpochs]).toEqual([true, false]);
    const plan = buildPlan(loadSweep(sweepFile('[step-decay, linear-decay]')));
    expect(plan.tracks.filter((t) => t.schedule === 0).map((t) => t.epochIdx)).toEqual([[0, 1, 2], [0, 1, 2]]);
    expect(plan.tracks.filter((t) => t.schedule === 1).map((t) => t.epochIdx)).toEqual([[0], [1], [2], [0], [1], [2]]);
    const lrs = [0.01, 0.1, 0.3];
    const epochs = [10, 100, 1000];
    for (const schedule of ['step-decay', 'step-decay(gamma=0.5,every=7)'] as Schedule[]) {
      const shared = runAll(schedule, lrs, epochs, { shared: true, bound: 1e6 });
      const apart = runAll(schedule, lrs, epochs, { shared: false, bound: 1e6 });
      shared.x.forEach((row, i) => row.forEach((x, p) => expect(Object.is(x, apart.x[i]?.[p])).toBe(true)));
      expect(shared.result.steps).toBe(3 * 1000);
    }
  });

  it('runs from the command line; results name it by its label, which the report and render read back', () => {
    const dir = tempDir();
    const file = sweepFile('{step-decay: {gamma: 0.5, every: [5, 10]}}', // A label with a comma is quoted in a flow mapping, where a comma ends the value.
      'report:\n  trajectories:\n    - {schedule: "step-decay(gamma=0.5,every=5)", learning_rate: 0.1}\n');
    const r = gdsweep(['run', file, '--out', dir, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, 'step', 'results.json'), 'utf8'));
    expect(doc.sweep.axes.schedule).toEqual(['step-decay(gamma=0.5,every=5)', 'step-decay(gamma=0.5)']);
    expect(doc.runs).toHaveLength(2 * 2 * 3);
    const run = doc.runs.find((x: { schedule: string; lr: number; epochs: number }) => x.schedule === 'step-decay(gamma=0.5,every=5)' && x.lr === 0.1 && x.epochs === 10);
    expect(relErr(run.x, quadraticClosedForm(2, 10, (t) => 0.1 * 0.5 ** Math.floor(t / 5)))).toBeLessThan(1e-12);
    expect(gdsweep(['render', join(dir, 'step'), '--quiet']).status).toBe(0);
  });
});
