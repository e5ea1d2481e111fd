import { describe, expect, it } from 'vitest';
import { buildPlan, runParams } from '../../src/plan/plan.js';
import { config } from '../helpers/config.js';

describe('planner', () => {
  it('is the product of the axes, with epochs innermost and stable ids', () => {
    const plan = buildPlan(config({ starts: [2, -1], learningRates: [0.1, 0.01, 0.001], epochs: [10, 100] }));
    expect(plan.runCount).toBe(2 * 3 * 2);
    const seen = new Set<string>();
    for (let id = 0; id < plan.runCount; id++) {
      const p = runParams(plan, id);
      expect(p.id).toBe(id);
      seen.add(`${p.start}/${p.lr}/${p.epochs}`);
    }
    expect(seen.size).toBe(12);
    expect(runParams(plan, 0)).toMatchObject({ start: 2, lr: 0.1, epochs: 10 });
    expect(runParams(plan, 1)).toMatchObject({ start: 2, lr: 0.1, epochs: 100 });
    expect(runParams(plan, 11)).toMatchObject({ start: -1, lr: 0.001, epochs: 100 });
    expect(buildPlan(config({ starts: [2, -1], learningRates: [0.1, 0.01, 0.001], epochs: [10, 100] })).hash).toBe(plan.hash);
  });

  it('shares one trajectory across epoch values: max(epochs) steps per (start, lr), not the sum', () => {
    const plan = buildPlan(config({ learningRates: [0.1, 0.01, 0.001, 0.0001], epochs: [100, 1000, 10, 500] }));
    expect(plan.tracks.length).toBe(4);
    expect(plan.totalSteps).toBe(4 * 1000);
    expect(plan.tracks[1]).toMatchObject({ firstRun: 4, epochIdx: [0, 1, 2, 3], cost: 1000, lr: 0.01 });
  });

  it('linear-decay depends on E, so it gets one track per epoch value', () => {
    const plan = buildPlan(config({ schedules: ['constant', 'linear-decay'], learningRates: [0.1], epochs: [10, 20] }));
    expect(plan.tracks.map((t) => [t.schedule, t.epochIdx, t.cost])).toEqual([
      [0, [0, 1], 20],
      [1, [0], 10],
      [1, [1], 20],
    ]);
    expect(plan.totalSteps).toBe(20 + 10 + 20);
  });

  it('refuses a plan above --max-steps or --max-runs, saying how large it is', () => {
    expect(() => buildPlan(config({ epochs: [1e10] }), { maxSteps: 1e10, maxRuns: 1e7 })).toThrow(
      'test.yaml: the plan needs 4.00e10 steps, more than the limit of 1.00e10 (raise it with --max-steps)',
    );
    expect(buildPlan(config({ epochs: [1e9] }), { maxSteps: 1e10, maxRuns: 1e7 }).totalSteps).toBe(4e9);
    expect(() => buildPlan(config({ epochs: [1e9] }), { maxSteps: 1e9, maxRuns: 1e7 })).toThrow(/4\.00e9 steps, more than the limit of 1\.00e9 \(raise it with --max-steps\)/);
    const many = Array.from({ length: 5000 }, (_, i) => i + 1);
    expect(() => buildPlan(config({ learningRates: many.map((i) => i / 1e4), epochs: many }), { maxSteps: 1e20, maxRuns: 1e7 })).toThrow(
      /2\.50e7 runs, more than the limit of 1\.00e7 \(raise it with --max-runs\)/,
    );
  });

  it('changes its hash when anything that determines results changes', () => {
    const a = buildPlan(config()).hash;
    expect(buildPlan(config({ tolerance: 1e-4 })).hash).not.toBe(a);
    expect(buildPlan(config({ learningRates: [1, 0.1, 0.01] })).hash).not.toBe(a);
    expect(buildPlan(config({ file: 'elsewhere/test.yaml' })).hash).toBe(a);
  });
});
