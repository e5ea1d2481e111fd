/**
 * The journal's range checks must never reject what the engine produces:
 * every batch of the example sweeps and of float64's edge cases (overflow,
 * NaN, subnormal starts, 0 epochs, starts beyond the bound), for every
 * schedule and optimizer, passes RecordCheck; the same batch twice does not.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweep } from '../../src/config/load.js';
import type { SweepConfig } from '../../src/config/types.js';
import { executeBatch } from '../../src/engine/descend.js';
import { compileObjective } from '../../src/objective/objective.js';
import { buildPlan, type Plan } from '../../src/plan/plan.js';
import { batchSpec, makeBatches } from '../../src/pool/pool.js';
import { RecordCheck } from '../../src/results/journal.js';
import { config } from '../helpers/config.js';
import { ROOT } from '../helpers/cli.js';

function checkAll(plan: Plan): number {
  const check = new RecordCheck(plan, plan.tracks);
  const code = compileObjective(plan.config.objective);
  let n = 0;
  for (const tracks of makeBatches(plan.tracks, 4)) {
    const res = executeBatch(batchSpec(plan, code, tracks));
    expect(check.accept(res), `${plan.config.name}: runs from ${tracks[0]?.firstRun}`).toBe(true);
    // Once taken, the same runs are a duplicate.
    expect(check.accept(res)).toBe(false);
    n += res.runId.length;
  }
  return n;
}

const ALL_SCHEDULES: SweepConfig['schedules'] = ['constant', 'grad-scaled', 'linear-decay'];
const ALL_OPTIMIZERS: SweepConfig['optimizers'] = [{ kind: 'gd' }, { kind: 'momentum', beta: 0.9 }, { kind: 'nesterov', beta: 0.5 }, { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8 }];

const EDGES: [string, Partial<SweepConfig>][] = [
  ['overflow', { starts: [2], learningRates: [1, 0.5, 0.1], epochs: [0, 1, 100, 1000], bound: Number.MAX_VALUE }],
  ['bound', { starts: [2, 2000000, -1e6, 1e6], learningRates: [1], epochs: [0, 5, 100] }],
  ['tiny-lr', { starts: [2, 0.5], learningRates: [1e-300, 5e-324], epochs: [0, 10, 1000] }],
  ['subnormal', { objective: { builtin: null, expr: 'x^2', derivative: '2*x', domain: [-2, 2] }, starts: [5e-324, -5e-324, 2.2250738585072014e-308, 0], learningRates: [0.1, 1], epochs: [0, 1, 50] }],
  ['grad-overflow', { objective: { builtin: null, expr: 'exp(x^2)', derivative: '2*x*exp(x^2)', domain: [-2, 2] }, starts: [30, 26.6, 0.5], learningRates: [0.1, 1e-300], epochs: [0, 1, 100] }],
  ['nan', { objective: { builtin: null, expr: 'sqrt(x)', derivative: '1/(2*sqrt(x))', domain: [0, 4] }, starts: [-1, 4, 0], learningRates: [0.1], epochs: [0, 1, 100], bound: Number.MAX_VALUE }],
  ['log-zero', { objective: { builtin: null, expr: 'log(x)', derivative: '1/x', domain: [0, 4] }, starts: [0, 1], learningRates: [0.1], epochs: [0, 1, 10], bound: Number.MAX_VALUE }],
  ['oscillating', { starts: [2, -1.5], learningRates: [1 / 3, 0.3333, 0.34], epochs: [0, 1, 2, 3, 50, 51] }],
  ['zero-tolerance', { starts: [0.5, 2], learningRates: [0.1, 1 / 6], epochs: [0, 1, 10], tolerance: 0 }],
];

describe('journal range checks accept every engine result', () => {
  for (const file of readdirSync(join(ROOT, 'sweeps')).filter((f) => f.endsWith('.yaml'))) {
    it(`sweeps/${file}`, () => {
      const plan = buildPlan(loadSweep(join(ROOT, 'sweeps', file)));
      expect(checkAll(plan)).toBe(plan.runCount);
    });
  }
  for (const [name, over] of EDGES) {
    it(`edge case ${name}, every schedule and optimizer`, () => {
      const plan = buildPlan(config({ name, schedules: ALL_SCHEDULES, optimizers: ALL_OPTIMIZERS, ...over }));
      expect(checkAll(plan)).toBe(plan.runCount);
    });
  }
});
