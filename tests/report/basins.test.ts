/**
 * Where each start ends (charts/basins/), the points converged runs reached
 * (stationary.ts), and how both show in the model, the chart specs and the
 * trajectory charts' function curve.
 */
import { describe, expect, it } from 'vitest';
import { basinsCaption } from '../../src/report/charts/basins/caption.js';
import { BASIN_REACH, MAX_BASIN_LINES, buildBasins } from '../../src/report/charts/basins/model.js';
import { basinsSpec } from '../../src/report/charts/basins/spec.js';
import { buildReportModel } from '../../src/report/model.js';
import { renderSummary } from '../../src/report/summary.js';
import { chartSpecs } from '../../src/report/charts/registry.js';
import { buildStationary, refineStationary } from '../../src/report/stationary.js';
import { compileObjective } from '../../src/objective/objective.js';
import type { ResultsDocument } from '../../src/results/format.js';
import { cosBowlDoc, seedDoc, sinGaussStartsDoc, syntheticDoc } from './helpers.js';

/** cos(2 pi x) + x^2: f'' = 2 - 4 pi^2 cos(2 pi x). */
const cosCurvature = (x: number) => 2 - 4 * Math.PI ** 2 * Math.cos(2 * Math.PI * x);
/** The sin-gauss builtin's minima (src/objective/builtins.ts). */
const SIN_GAUSS_MINIMA = [-1.428870011214077, 4.305801413119223];

function objectiveOf(doc: ResultsDocument) {
  return compileObjective({ expr: doc.sweep.objective.expr, derivative: doc.sweep.objective.derivative });
}

describe('points the converged runs reached', () => {
  it('tells the local maximum at 0 of cos-bowl from the minima at +-0.4758', () => {
    const doc = cosBowlDoc();
    const st = buildStationary(doc, objectiveOf(doc));
    expect(st.converged).toBe(3);
    expect(st.points.map((p) => [p.label, p.kind, p.runs, p.starts])).toEqual([
      ['min at -0.4758', 'minimum', 1, [-1e-4]],
      ['max at 0 (stationary)', 'maximum', 1, [0]],
      ['min at 0.4758', 'minimum', 1, [1e-4]],
    ]);
    const [left, top, right] = st.points;
    expect(top?.x).toBe(0);
    expect(top?.curvature).toBeCloseTo(cosCurvature(0), 4);
    expect(top?.curvature).toBeLessThan(0);
    expect(top?.text).toMatch(/stationary at a maximum/);
    expect(left?.x).toBeCloseTo(-0.47580245102422114, 12);
    expect(right?.x).toBeCloseTo(0.47580245102422114, 12);
    expect(right?.curvature).toBeCloseTo(cosCurvature(0.47580245102422114), 4);
    expect(right?.curvature).toBeGreaterThan(0);
    expect([...st.byRun.entries()]).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
  });

  it('refines runs that stopped within the tolerance of one minimum to that minimum, and counts them together', () => {
    const doc = sinGaussStartsDoc();
    const st = buildStationary(doc, objectiveOf(doc));
    // The final x of these runs spread over 1e-3 around each minimum; each cluster is one point.
    const finals = doc.runs.filter((r) => r.class === 'converged').map((r) => r.x as number);
    expect(Math.max(...finals.filter((x) => x < 0)) - Math.min(...finals.filter((x) => x < 0))).toBeGreaterThan(1e-3);
    expect(st.points.map((p) => [p.label, p.kind, p.runs])).toEqual([
      ['min at -1.4289', 'minimum', 25],
      ['min at 4.3058', 'minimum', 2],
    ]);
    st.points.forEach((p, i) => expect(p.x).toBeCloseTo(SIN_GAUSS_MINIMA[i] as number, 9));
    expect(st.points.every((p) => p.refined && p.curvature > 0)).toBe(true);
  });

  it('leaves a point it cannot refine where the runs stopped', () => {
    const flat = compileObjective({ expr: 'x^4', derivative: '4*x^3' });
    // f'' = 12 x^2 ~ 0 near 0: Newton creeps in until f'' is too flat to divide by; on a plateau it has nothing to go on.
    expect(Math.abs(refineStationary(flat.df, 0.05, 10) ?? 1)).toBeLessThan(1e-3);
    const plateau = compileObjective({ expr: 'exp(-x^2)', derivative: '-2*x*exp(-x^2)' });
    expect(refineStationary(plateau.df, 9, 4)).toBeNull();
  });

  it('names no points without an objective, and none without converged runs', () => {
    const doc = cosBowlDoc();
    expect(buildStationary(doc, null)).toMatchObject({ points: [], converged: 3 });
    for (const r of doc.runs) r.class = 'slow';
    expect(buildStationary(doc, objectiveOf(doc))).toMatchObject({ points: [], converged: 0, note: null });
  });
});

describe('where each start ends', () => {
  it('is only drawn when the starts vary', () => {
    const seed = buildReportModel(seedDoc());
    expect(seed.charts.basins).toBeNull();
    expect(chartSpecs(seed).map((c) => c.id)).not.toContain('basins');
    const one = syntheticDoc({ lr: [0.1], epochs: [10], starts: [1] }, () => ({ class: 'converged' }));
    expect(buildReportModel(one).charts.basins).toBeNull();
  });

  it('draws one point per run of sin-gauss-starts, a step line across the starts and a rule at each minimum', () => {
    const doc = sinGaussStartsDoc();
    const model = buildReportModel(doc);
    const b = model.charts.basins;
    if (!b) throw new Error('no basins chart');
    expect(b.mode).toBe('lines');
    expect(b.budget).toBeNull();
    expect(b.panels).toHaveLength(1);
    const panel = b.panels[0];
    expect(panel?.points).toHaveLength(50);
    // One point per run: its start and its final x, coloured by its class.
    panel?.points.forEach((p, i) => {
      const r = doc.runs[i];
      expect([p.start, p.y, p.class, p.shape]).toEqual([r?.start, r?.x, r?.class, 'circle']);
    });
    expect(new Set(panel?.lines.map((l) => l.line)).size).toBe(1);
    expect(panel?.lines).toHaveLength(50);
    expect(b.rules.map((r) => [r.label, r.kind, r.runs])).toEqual([
      ['min at -1.4289', 'minimum', 25],
      ['min at 4.3058', 'minimum', 2],
    ]);
    expect(b.nonFinite).toBe(0);
    expect(b.offRange).toBe(0);
    // The left basin runs off towards -6.7 (slow): within the plot.
    expect(b.yDomain[0]).toBeLessThan(-6.67);
    expect(b.xDomain[0]).toBeLessThan(-5);
    expect(b.xDomain[1]).toBeGreaterThan(5);
    const spec = basinsSpec(model, b);
    expect(spec.png).toBe('basins.png');
    expect(spec.marks.map((m) => [m.mark, m.dataset, m.per])).toEqual([
      ['diagonal', 'diagonal', 'line'],
      ['rules', 'rules', 'row'],
      ['ruleLabels', 'ruleLabels', 'row'],
      ['lines', 'lines', 'line'],
      ['points', 'points', 'row'],
    ]);
    expect(chartSpecs(model).map((c) => c.id).slice(0, 3)).toEqual(['outcome-map', 'gradient-map', 'basins']);
  });

  it('marks the maximum of cos-bowl that x0 = 0 sits on apart from the minima', () => {
    const model = buildReportModel(cosBowlDoc());
    const b = model.charts.basins;
    expect(b?.rules.map((r) => [r.y, r.kind, r.label])).toEqual([
      [-0.47580245102422114, 'minimum', 'min at -0.4758'],
      [0, 'maximum', 'max at 0 (stationary)'],
      [0.47580245102422114, 'minimum', 'min at 0.4758'],
    ]);
    expect(b?.panels[0]?.points.map((p) => p.y)).toEqual([-0.47580245102422114, 0, 0.47580245102422114]);
    // Room above the top rule for its label.
    expect(b?.yDomain[1]).toBeGreaterThan(0.4758 + 0.04 * 0.95);
    expect(basinsCaption(b as NonNullable<typeof b>).join(' ')).toMatch(/dashed red where f'' < 0 \(stationary at a maximum/);
    expect(model.header.reached).toBe('min at -0.4758: 1 run · max at 0 (stationary): 1 run, not a minimum · min at 0.4758: 1 run');
    // The map says it too, and summary.md.
    expect(model.charts['outcome-map']?.cells.find((c) => c.tRun === '1')?.outcomeLabel).toEqual(['converged, epoch 0', 'but at a maximum']);
    expect(renderSummary(model)).toContain("| max at 0 (stationary) | -37.48 | **not a minimum**: maximum | 1 |");
  });

  it('leaves non-finite final x out, counts them, and breaks the line there; far-out runs sit at the edge', () => {
    const doc = syntheticDoc({ lr: [0.1], epochs: [100], starts: [-2, -1, 0, 1, 2] }, (_lr, _e, start) =>
      start === 0
        ? { class: 'divergent', x: null, grad: null, loss: null }
        : start === 2
          ? { class: 'divergent', x: 1e70, grad: 6e70, loss: 3e140 }
          : { class: 'converged', x: 0.5 + start * 1e-5 },
    );
    const model = buildReportModel(doc);
    const b = model.charts.basins;
    if (!b) throw new Error('no basins chart');
    expect(b.nonFinite).toBe(1);
    expect(b.offRange).toBe(1);
    const pts = b.panels[0]?.points ?? [];
    expect(pts.map((p) => p.start)).toEqual([-2, -1, 1, 2]);
    expect(pts.every((p) => Number.isFinite(p.y))).toBe(true);
    const far = pts.find((p) => p.start === 2);
    expect(far?.shape).toBe('triangle-up');
    expect(far?.y).toBeLessThan(b.yDomain[1]);
    expect(far?.y).toBeGreaterThan(Math.max(...pts.filter((p) => p !== far).map((p) => p.y)));
    expect(b.yDomain[1]).toBeLessThan(2 + (BASIN_REACH + 1) * 4);
    // Segments of two or more drawn points: -2 .. -1 only (0 is missing, 2 is off the plot).
    expect(b.panels[0]?.lines.map((l) => l.start)).toEqual([-2, -1]);
    expect(b.rules.map((r) => r.label)).toEqual(['min at 0.5']);
    const caption = basinsCaption(b).join(' ');
    expect(caption).toMatch(/1 run\(s\) ended at a non-finite x \(overflow\) and are not drawn/);
    expect(caption).toMatch(/1 run\(s\) ended more than 1.5 domain widths outside the domain/);
    // The spec's datasets hold only finite numbers.
    const spec = basinsSpec(model, b);
    expect(JSON.stringify(spec.vl.datasets)).not.toMatch(/null|Infinity|NaN/);
  });

  it('draws one panel per combination while there are few, else the largest budget, else points only', () => {
    const starts = [-1, 0, 1];
    const few = syntheticDoc({ lr: [0.01, 0.1], epochs: [10, 100], starts }, () => ({ class: 'converged' }));
    const a = buildReportModel(few).charts.basins;
    expect([a?.mode, a?.budget, a?.panels.map((p) => p.label)]).toEqual(['lines', null, ['lr 0.01 · 10 epochs', 'lr 0.01 · 100 epochs', 'lr 0.1 · 10 epochs', 'lr 0.1 · 100 epochs']]);
    expect(a?.columns).toBe(2);

    const budgets = syntheticDoc({ lr: [0.01, 0.02, 0.05, 0.1], epochs: [10, 100, 1000], starts }, () => ({ class: 'converged' }));
    const b = buildReportModel(budgets).charts.basins;
    expect(4 * 3).toBeGreaterThan(MAX_BASIN_LINES);
    expect([b?.mode, b?.budget, b?.panels.length, b?.considered]).toEqual(['lines', 1000, 4, 12]);
    expect(basinsCaption(b as NonNullable<typeof b>).join(' ')).toMatch(/Only the largest epoch budget \(1,000 epochs\) is drawn/);

    const lrs = Array.from({ length: 12 }, (_, i) => 0.01 * (i + 1));
    const many = syntheticDoc({ lr: lrs, epochs: [10, 100], starts, schedules: ['constant', 'linear-decay'] }, () => ({ class: 'converged' }));
    const c = buildReportModel(many).charts.basins;
    expect([c?.mode, c?.budget, c?.panels.map((p) => p.label), c?.considered]).toEqual(['points', 100, ['constant', 'linear-decay'], 72]);
    expect(c?.panels.every((p) => p.lines.length === 0)).toBe(true);
    const spec = basinsSpec(buildReportModel(many), c as NonNullable<typeof c>);
    // Several panels: each mark named per panel, so each can be counted against its own rows.
    expect(spec.marks.map((m) => m.mark)).toEqual(['diagonal_0', 'rules_0', 'ruleLabels_0', 'points_0', 'diagonal_1', 'rules_1', 'ruleLabels_1', 'points_1']);
    expect(spec.caption.join(' ')).toMatch(/too many to follow as lines: points only, one panel per schedule/);
  });

  it('thins very large sweeps and says so', () => {
    const starts = Array.from({ length: 5000 }, (_, i) => -2 + (4 * i) / 4999);
    const doc = syntheticDoc({ lr: [0.1], epochs: [10], starts }, () => ({ class: 'converged' }));
    const b = buildStationary(doc, objectiveOf(doc));
    const basins = buildBasins(doc, b);
    expect(basins?.drawn).toBeLessThanOrEqual(4000);
    expect((basins?.drawn ?? 0) + (basins?.thinned ?? 0)).toBe(5000);
    expect(basins?.dense).toBe(true);
  });
});

describe('the function curve of the trajectory charts', () => {
  it('marks every point the converged runs reached, the maximum apart, and names it for the run that sits there', () => {
    const model = buildReportModel(cosBowlDoc());
    const items = model.charts.trajectories.items;
    // No report.trajectories: one run per class, then one for each other point reached (the maximum first).
    expect(model.charts.trajectories.source).toBe('representative');
    expect(items.map((t) => t.run.id)).toEqual([0, 1, 2]);
    for (const t of items) {
      expect(t.marks.map((m) => [m.x, m.kind, m.text])).toEqual([
        [-0.47580245102422114, 'minimum', 'min -0.4758'],
        [0, 'maximum', 'max 0'],
        [0.47580245102422114, 'minimum', 'min 0.4758'],
      ]);
      // Every label fits: minima below their marker, the maximum above.
      expect(t.markLabels.map((l) => [l.text, l.baseline])).toEqual([
        ['min -0.4758', 'top'],
        ['max 0', 'bottom'],
        ['min 0.4758', 'top'],
      ]);
      for (const m of t.marks) {
        expect(m.f).toBeGreaterThan(t.curveRange[0]);
        expect(m.f).toBeLessThan(t.curveRange[1]);
      }
    }
    const trapped = items[1];
    expect(trapped?.at?.kind).toBe('maximum');
    expect(trapped?.verdict).toBe('converged at epoch 0, but stationary at a maximum, not a minimum');
    expect(trapped?.notes[0]).toMatch(/^f'\(0\) = 0 and f''\(0\) = -37.48 < 0: x = 0 is a local maximum/);
    expect(items[0]?.at?.kind).toBe('minimum');
    expect(items[0]?.verdict).toBe('converged at epoch 44');
    const spec = chartSpecs(model).find((c) => c.id === 'trajectory-run-1');
    expect(spec?.marks.filter((m) => m.mark.startsWith('stationary')).map((m) => [m.mark, m.dataset, m.per])).toEqual([
      ['stationary', 'stationary', 'row'],
      ['stationaryLabels', 'stationaryLabels', 'row'],
    ]);
    expect(spec?.caption.join(' ')).toMatch(/This run is stationary at a maximum/);
  });

  it('marks the one minimum of the seed quadratic on each curve', () => {
    const model = buildReportModel(seedDoc());
    expect(model.stationary.points.map((p) => [p.x, p.kind, p.runs])).toEqual([[0.5, 'minimum', 3]]);
    for (const t of model.charts.trajectories.items) {
      const inside = 0.5 >= t.curveDomain[0] && 0.5 <= t.curveDomain[1];
      expect(t.marks.map((m) => m.text)).toEqual(inside ? ['min 0.5'] : []);
    }
    expect(model.header.reached).toBe('min at 0.5: 3 runs');
  });
});

describe('curvature for the theory curve where runs also sit on a maximum', () => {
  it('is taken at a minimum even when more runs are stationary at the maximum', () => {
    const doc = cosBowlDoc();
    // Two more runs from 0: the maximum is now the most common end point.
    const base = doc.runs[1];
    if (!base) throw new Error('fixture changed');
    doc.runs.push({ ...base, id: 3 }, { ...base, id: 4 });
    const t = buildReportModel(doc).charts.tradeoff;
    expect(t?.curvature?.at).toBeCloseTo(-0.47580245102422114, 12);
    expect(t?.curvature?.c).toBeCloseTo(cosCurvature(0.47580245102422114), 4);
  });
});
