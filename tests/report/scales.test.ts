/**
 * Chart domains and ticks at the edges of float64: subnormal and huge
 * values, spans narrower than doubles can tick, ranges that overflow. Each
 * helper gives a bounded, drawable answer, and sweeps that used to crash the
 * renderer (an endless loop over decades from log10(0); vega's tick step
 * over a subnormal span) now render every chart.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadSweep } from '../../src/config/load.js';
import { executeBatch } from '../../src/engine/descend.js';
import { compileObjective } from '../../src/objective/objective.js';
import { buildPlan } from '../../src/plan/plan.js';
import { batchSpec } from '../../src/pool/pool.js';
import { describeSweep, planStamp, resultsJsonChunks, type ResultsDocument } from '../../src/results/format.js';
import { absorb, createTable } from '../../src/results/table.js';
import { axisScale } from '../../src/report/charts/grid/axes.js';
import { buildReportModel } from '../../src/report/model.js';
import { renderChart } from '../../src/report/render-charts.js';
import { decadeTicks, linearDomain, logDomain, MAX_DECADE_TICKS, MAX_TICKS, steppedTicks, tickableLinear } from '../../src/report/scales.js';
import { chartSpecs } from '../../src/report/charts/registry.js';
import { tempDir } from '../helpers/cli.js';

const MAX = Number.MAX_VALUE;
const dir = tempDir('gdsweep-scales-');

function resultsOf(sweep: Record<string, unknown>): ResultsDocument {
  const file = join(dir, `${String(sweep.name)}.yaml`);
  writeFileSync(file, stringify(sweep));
  const config = loadSweep(file);
  const plan = buildPlan(config);
  const objective = compileObjective(config.objective);
  const table = createTable(plan.runCount);
  absorb(table, executeBatch(batchSpec(plan, objective, plan.tracks)));
  return JSON.parse([...resultsJsonChunks(plan, table, describeSweep(plan, objective.curvature), planStamp(plan))].join('')) as ResultsDocument;
}

describe('chart scales', () => {
  it('decade ticks are at most MAX_DECADE_TICKS powers of ten inside the range, and end on every range', () => {
    for (const [lo, hi] of [
      [5e-324, 1990.87],
      [5e-324, MAX],
      [1e-4, 1.5],
      [1, 6e9],
    ] as const) {
      const t = decadeTicks(lo, hi);
      expect(t.length).toBeGreaterThan(0);
      expect(t.length).toBeLessThanOrEqual(MAX_DECADE_TICKS);
      for (const v of t) expect(v >= lo && v <= hi && v > 0).toBe(true);
    }
    expect(decadeTicks(5e-324, MAX)).toContain(1);
    expect(decadeTicks(1e-4, 1.5)).toEqual([1e-4, 1e-3, 1e-2, 0.1, 1]);
    // log10(0) is -Infinity: the old loop never ended.
    expect(decadeTicks(0, 1)).toEqual([]);
    expect(decadeTicks(1, Infinity)).toEqual([]);
    expect(decadeTicks(NaN, 1)).toEqual([]);
  });

  it('stepped legend ticks are bounded whatever the range', () => {
    expect(steppedTicks(-9, 3, -3, 3)).toEqual([-9, -6, -3, 0, 3]);
    expect(steppedTicks(-1e6, 1e6, 0, 1).length).toBeLessThanOrEqual(MAX_TICKS);
    expect(steppedTicks(-Infinity, 3, -3, 1)).toEqual([]);
    expect(steppedTicks(0, 1, NaN, 1)).toEqual([]);
  });

  it('linear domains are tickable: subnormal spans widen, overflowing ones are pulled in, normal ones stay', () => {
    expect(linearDomain(0, 10)).toEqual([0, 10]);
    expect(linearDomain(-2e-323, 5.4e-323)).toEqual([-1, 1]);
    expect(linearDomain(3, 3)).toEqual([2.7, 3.3]);
    expect(linearDomain(NaN, NaN)).toEqual([0, 1]);
    expect(linearDomain(NaN, 5)).toEqual([4.5, 5.5]);
    for (const [lo, hi] of [
      [-MAX, MAX],
      [-Infinity, Infinity],
      [1.7e308, MAX],
      [MAX, MAX],
      [5e-324, 5e-324],
      [1e300, 1e300 * (1 + 1e-15)],
    ] as const) {
      const d = linearDomain(lo, hi);
      expect(tickableLinear(...d), `${lo}..${hi} -> ${d}`).toBe(true);
    }
  });

  it('log domains are positive and finite with lo < hi', () => {
    expect(logDomain(0, 10)).toEqual([5e-324, 10]);
    expect(logDomain(5e-324 / 3, MAX * 1.5)).toEqual([5e-324, MAX]);
    expect(logDomain(2, 2)).toEqual([0.2, 20]);
    expect(logDomain(NaN, NaN)).toEqual([1, 10]);
  });

  it('a subnormal learning-rate grid gets a positive log axis (cell edges no longer underflow to 0)', () => {
    const lrs = Array.from({ length: 50 }, (_, i) => (i === 0 ? 5e-324 : 10 ** (-323.3 + (323.3 * i) / 49)));
    const s = axisScale(lrs, 50);
    expect(s.log).toBe(true);
    expect(s.domain[0]).toBeGreaterThan(0);
    expect(Number.isFinite(s.domain[1])).toBe(true);
    for (const b of s.bins) expect(b.lo > 0 && b.lo <= b.hi && Number.isFinite(b.hi) && b.mid > 0).toBe(true);
    const huge = axisScale([1e308, 1.7e308, MAX], 3);
    for (const b of huge.bins) expect(Number.isFinite(b.lo) && Number.isFinite(b.hi) && b.lo <= b.hi).toBe(true);
  });

  for (const [what, sweep] of [
    ['a subnormal learning-rate geomspace', { name: 'subnormal-lr', objective: { builtin: 'seed-quadratic' }, starts: [2], learning_rate: { geomspace: { from: 5e-324, to: 1, num: 50 } }, epochs: [10] }],
    ['subnormal starts with 0 epochs (the property test counterexample)', { name: 'subnormal-starts', objective: { builtin: 'seed-quadratic' }, starts: { linspace: { from: -1.5e-323, to: 5e-323, num: 2 } }, learning_rate: [0.1], epochs: { range: { from: 0, to: 1, step: 1 } } }],
    ['starts at the largest floats', { name: 'huge-starts', objective: { builtin: 'seed-quadratic' }, starts: [1.7e308, MAX], learning_rate: [0.3, 1e-20], epochs: [0], classify: { bound: 1e300 } }],
    ['subnormal starts of a run that blows up', { name: 'blow-up', objective: { expr: 'exp(x)' }, starts: { linspace: { from: -1.5e-323, to: 2, num: 3 } }, learning_rate: [1e100], epochs: [0, 1], classify: { tolerance: 1, bound: 1 } }],
    ['learning rates from subnormal to the largest float', { name: 'lr-span', objective: { builtin: 'sin-gauss' }, starts: [1.5e-323], learning_rate: [1e-9, 1.5e-323, 1.7e308], epochs: [1], classify: { tolerance: 1, bound: MAX } }],
    ['a subnormal tolerance and bound', { name: 'tiny-classify', objective: { builtin: 'seed-quadratic' }, starts: [5e-324], learning_rate: [1e-4, 1e-20, 1e-310], epochs: [1], classify: { tolerance: 5e-324, bound: 1e-300 } }],
  ] as const) {
    it(`renders every chart of ${what}`, async () => {
      const doc = resultsOf(sweep);
      const specs = chartSpecs(buildReportModel(doc));
      expect(specs.length).toBeGreaterThan(0);
      // Points far outside their domain once made cairo crawl (15 s a chart); a
      // relapse runs into the test timeout rather than a wall-clock assertion.
      for (const s of specs) {
        const chart = await renderChart(s);
        expect(chart.svg.startsWith('<svg'), s.id).toBe(true);
      }
    });
  }
});
