import { describe, expect, it } from 'vitest';
import { bestPerBudget } from '../../src/analysis/best.js';
import { chooseLog } from '../../src/report/charts/grid/axes.js';
import { MAX_MAP_CELLS } from '../../src/report/charts/grid/model.js';
import { buildReportModel, MAX_TABLE_ROWS } from '../../src/report/model.js';
import { fmt } from '../../src/format/numbers.js';
import { findCurvature, secondDerivative } from '../../src/report/curvature.js';
import { theoryEpochs } from '../../src/report/charts/tradeoff/model.js';
import { compileObjective } from '../../src/objective/objective.js';
import { seedDoc, syntheticDoc } from './helpers.js';

describe('report model of the seed sweep', () => {
  const doc = seedDoc();
  const model = buildReportModel(doc);

  it('counts runs per class', () => {
    expect(model.counts).toEqual({ converged: 3, slow: 3, divergent: 2 });
    expect(model.total).toBe(8);
  });

  it('gives every run its own cell, coloured by its class', () => {
    const map = model.charts['outcome-map'];
    expect(map?.mode).toBe('runs');
    expect(map?.cells).toHaveLength(8);
    expect(map?.panels.map((p) => p.label)).toEqual(['all runs']);
    const byKey = new Map(map?.cells.map((c) => [`${c.tLr}/${c.tEpochs}`, c.class]));
    for (const r of doc.runs) expect(byKey.get(`${r.lr}/${r.epochs}`)).toBe(r.class);
    // lr spans three decades: log axis, one decade per cell, ticks at the values.
    expect(map?.lr.log).toBe(true);
    expect(map?.lr.ticks).toEqual([0.001, 0.01, 0.1, 1]);
    const c = map?.cells.find((x) => x.tLr === '0.01' && x.tEpochs === '100');
    expect(c?.lrLo).toBeCloseTo(10 ** -2.5, 12);
    expect(c?.lrHi).toBeCloseTo(10 ** -1.5, 12);
    expect(c?.outcomeLabel).toEqual(['slow', 'still descending']);
  });

  it('colours the gradient map by log10 |f\'|, centred on the tolerance', () => {
    const map = model.charts['outcome-map'];
    const cell = (lr: string, e: string) => map?.cells.find((x) => x.tLr === lr && x.tEpochs === e);
    expect(cell('0.001', '100')?.logGrad).toBeCloseTo(Math.log10(4.930386313790766), 12);
    expect(cell('0.1', '100')?.logGrad).toBe(-16); // f' = 0 exactly, floored
    expect(map?.grad.mid).toBe(-3);
    expect(map?.grad.domain).toEqual([-9, 3]);
  });

  it('names the best learning rate per epoch budget', () => {
    expect(model.best.map((b) => [b.epochs, b.best?.lr, b.best?.convergedAt])).toEqual([
      [100, 0.1, 10],
      [1000, 0.1, 10],
    ]);
  });

  it('plots converged runs against lr, on the exact theory curve of the quadratic', () => {
    const t = model.charts.tradeoff;
    expect(t?.points).toEqual([
      { series: 'runs', lr: 0.01, convergedAt: 148, budgets: '1000', runs: 1 },
      { series: 'runs', lr: 0.1, convergedAt: 10, budgets: '100, 1000', runs: 2 },
    ]);
    expect(t?.curvature).toEqual({ c: 6, source: 'exact', at: null });
    expect(t?.stability?.lr).toBeCloseTo(1 / 3, 15);
    // The lesson's numbers: f'(2) = 9, tol 1e-3.
    expect(theoryEpochs(0.1, 6, 9, 1e-3)).toBe(10);
    expect(theoryEpochs(0.01, 6, 9, 1e-3)).toBe(148);
    expect(theoryEpochs(0.001, 6, 9, 1e-3)).toBe(1513); // > 1000: slow, as the map shows
    expect(theoryEpochs(1, 6, 9, 1e-3)).toBeNull(); // past 2/c
    for (const p of t?.points ?? []) {
      expect(t?.theory.find((q) => q.lr === p.lr)?.epochs).toBe(p.convergedAt);
    }
    // 10x less lr, about 10x more epochs: slope -1 on log-log.
    const small = t?.theory.filter((q) => q.lr <= 0.002) ?? [];
    const a = small[0];
    const b = small[small.length - 1];
    if (!a || !b) throw new Error('no theory samples at small lr');
    const slope = Math.log(b.epochs / a.epochs) / Math.log(b.lr / a.lr);
    expect(slope).toBeCloseTo(-1, 1);
  });

  it("traces the sweep's selected runs, ending bit-identical to the results", () => {
    const items = model.charts.trajectories.items;
    expect(model.charts.trajectories.source).toBe('selected');
    expect(items.map((t) => t.run.id)).toEqual([0, 2, 5, 7]);
    for (const t of items) {
      const last = t.points[t.points.length - 1];
      expect(last?.t).toBe(t.run.epochs);
      expect(last?.x).toBe(t.run.x);
      expect(last?.grad).toBe(t.run.grad);
      expect(t.points.length).toBeLessThanOrEqual(2001);
    }
    // lr = 1 explodes: drawn as |x| on log axes.
    expect(items[0]?.explodes).toBe(true);
    expect(items[1]?.explodes).toBe(false);
  });

  it('falls back to one representative run per class', () => {
    const d = seedDoc();
    d.sweep.report.trajectories = [];
    const m = buildReportModel(d);
    expect(m.charts.trajectories.source).toBe('representative');
    expect(m.charts.trajectories.items.map((t) => [t.run.id, t.run.class])).toEqual([
      [2, 'converged'],
      [4, 'slow'],
      [0, 'divergent'],
    ]);
  });

  it('lists every run, with non-finite values shown as text', () => {
    const d = seedDoc();
    const r = d.runs[1];
    if (!r) throw new Error('fixture changed');
    r.x = null;
    r.loss = null;
    const m = buildReportModel(d);
    expect(m.table.rows).toHaveLength(8);
    const row = m.table.rows.find((x) => x.id === 1);
    const xCol = m.table.columns.findIndex((c) => c.key === 'x');
    expect(row?.cells[xCol]).toEqual({ text: 'overflow', sort: 'Infinity', special: true });
    expect(m.divergent.map((x) => x.id)).toEqual([0, 1]);
  });
});

describe('best learning rate per budget', () => {
  it('takes the worst start, and breaks ties towards the smaller learning rate', () => {
    const doc = syntheticDoc({ lr: [0.05, 0.1, 0.2], epochs: [50], starts: [-1, 2] }, (lr, _e, start) => ({
      class: 'converged',
      // 0.1 and 0.2 tie at 12 epochs from their slowest start; 0.05 is slower.
      convergedAt: lr === 0.05 ? 30 : start === 2 ? 12 : lr === 0.2 ? 3 : 8,
    }));
    const [b] = bestPerBudget(doc);
    expect(b?.best).toMatchObject({ lr: 0.1, convergedAt: 12, converged: 2, runs: 2 });
  });

  it('needs every start to converge, and names the closest when none does', () => {
    const doc = syntheticDoc({ lr: [0.01, 0.1], epochs: [10, 100], starts: [0, 1] }, (lr, e, start) =>
      e === 10 ? (lr === 0.1 && start === 0 ? { class: 'converged', convergedAt: 7 } : { class: 'slow' }) : { class: 'converged', convergedAt: lr === 0.1 ? 9 : 90 },
    );
    const [b10, b100] = bestPerBudget(doc);
    expect(b10?.best).toBeNull();
    expect(b10?.closest).toMatchObject({ lr: 0.1, converged: 1, runs: 2, convergedAt: 7 });
    expect(b100?.best).toMatchObject({ lr: 0.1, convergedAt: 9 });
  });
});

describe('curvature for the theory curve', () => {
  it('is estimated at the minimum the runs found when the objective is not a quadratic', () => {
    const d = seedDoc();
    d.sweep.objective.curvature = null;
    const o = compileObjective({ expr: d.sweep.objective.expr, derivative: d.sweep.objective.derivative });
    const c = findCurvature(d, o);
    expect(c?.source).toBe('estimated');
    expect(c?.at).toBe(0.5);
    expect(c?.c).toBeCloseTo(6, 6);
    const cos = compileObjective({ expr: 'cos(2*pi*x) + x^2', derivative: '-2*pi*sin(2*pi*x) + 2*x' });
    // f''(x) = -4 pi^2 cos(2 pi x) + 2
    expect(secondDerivative(cos.df, 0.47)).toBeCloseTo(-4 * Math.PI ** 2 * Math.cos(2 * Math.PI * 0.47) + 2, 4);
  });
});

describe('large sweeps', () => {
  it('bins the maps to at most MAX_MAP_CELLS cells and keeps every run counted', () => {
    const lr = Array.from({ length: 200 }, (_, i) => 1e-4 * 1.05 ** i);
    const epochs = Array.from({ length: 120 }, (_, i) => 10 + 10 * i);
    const doc = syntheticDoc({ lr, epochs }, (l, e) => (l * e > 1 ? { class: 'converged', convergedAt: Math.ceil(1 / l) } : l > 0.3 ? { class: 'divergent' } : { class: 'slow' }));
    expect(doc.runs).toHaveLength(24_000);
    const m = buildReportModel(doc);
    const map = m.charts['outcome-map'];
    if (!map) throw new Error('no map');
    expect(map.mode).toBe('aggregate');
    expect(map.cells.length).toBeLessThanOrEqual(MAX_MAP_CELLS);
    expect(map.lr.binned).toBe(true);
    expect(map.cells.reduce((n, c) => n + c.runs, 0)).toBe(24_000);
    expect(map.cells.reduce((n, c) => n + c.divergent, 0)).toBe(m.counts.divergent);
    // The table is a sample with every divergent run in it.
    expect(m.table.rows).toHaveLength(MAX_TABLE_ROWS);
    const divergentRows = m.table.rows.filter((r) => r.class === 'divergent').length;
    expect(divergentRows).toBe(Math.min(m.counts.divergent, MAX_TABLE_ROWS));
    expect(m.table.note).toMatch(/Showing 2,000 of 24,000 runs/);
  });

  it('folds starts into one panel when there are too many to show side by side', () => {
    const starts = Array.from({ length: 30 }, (_, i) => -2 + (4 * i) / 29);
    const doc = syntheticDoc({ lr: [0.01, 0.1], epochs: [100], starts }, () => ({ class: 'converged', convergedAt: 10 }));
    const map = buildReportModel(doc).charts['outcome-map'];
    expect(map?.panels.map((p) => p.label)).toEqual(['all starts']);
    expect(map?.foldedAxes).toEqual(['start']);
    expect(map?.cells.map((c) => c.runs)).toEqual([30, 30]);
  });

  it('uses one panel per start while they fit', () => {
    const doc = syntheticDoc({ lr: [0.01, 0.1], epochs: [100], starts: [-1.5, 0.3, 2] }, () => ({ class: 'slow' }));
    expect(buildReportModel(doc).charts['outcome-map']?.panels.map((p) => p.label)).toEqual(['start -1.5', 'start 0.3', 'start 2']);
  });
});

describe('axis scales', () => {
  it('puts a geometric epoch axis on a log scale and a linear one on a linear scale', () => {
    expect(chooseLog([100, 1000], true)).toBe(true);
    expect(chooseLog([10, 100, 1000, 10000], true)).toBe(true);
    expect(chooseLog(Array.from({ length: 30 }, (_, i) => 10 + i * 68.6), true)).toBe(false);
    expect(chooseLog([0, 100, 1000], true)).toBe(false);
    // The learning rate: log whenever it spans a decade.
    expect(chooseLog([0.001, 0.004, 0.007, 0.01], false)).toBe(true);
    expect(chooseLog([0.1, 0.5], false)).toBe(false);
  });

  it('formats numbers without the host locale', () => {
    expect(fmt(1.1832913578315177e70)).toBe('1.183e+70');
    expect(fmt(0.018493872934712385)).toBe('0.01849');
    expect(fmt(5.329070518200751e-15)).toBe('5.329e-15');
    expect(fmt(0)).toBe('0');
  });
});
