/**
 * Numbers at the edges of float64, end to end: runs whose x overflows to
 * infinity or becomes NaN, gradients that overflow, learning rates of 1e-300
 * and 5e-324, subnormal starts, and epoch budgets of 0. One `gdsweep run`
 * process executes every sweep; then, for every run:
 *
 * - the class, reason, convergedAt and divergedAt are those of SPEC section 3,
 *   computed here by a plain loop over the same formulas (an oracle that
 *   shares nothing with the engine), and the figures the SPEC itself gives
 *   (lr = 1 on the seed quadratic: x of order 1e+70 after 100 epochs) hold;
 * - results.json is valid JSON, non-finite numbers are null, and every run
 *   whose x is not finite is divergent with divergedAt set;
 * - results.csv has the same runs, with inf, -inf and nan where the JSON has
 *   null (src/results/format.ts), and the finite numbers round-trip exactly.
 *
 * `classify.bound: .inf` is refused with a hint (tests/robustness/corpus/
 * inf-bound.yaml); its finite spelling, the largest float 1.7976931348623157e+308,
 * is what "no bound" means here: |x| exceeds it only when x is infinite.
 *
 * Needs a build (`npx tsc -p .`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gdsweep, tempDir } from '../helpers/cli.js';

const MAX = Number.MAX_VALUE;

interface Objective {
  expr: string;
  /** f and f' as the engine compiles them (same operations, same order). */
  f: (x: number) => number;
  df: (x: number) => number;
}

const SEED: Objective = { expr: '3*x^2 - 3*x + 4', f: (x) => 3 * (x * x) - 3 * x + 4, df: (x) => 6 * x - 3 };
const SQUARE: Objective = { expr: 'x^2', f: (x) => x * x, df: (x) => 2 * x };
const EXP_SQUARE: Objective = { expr: 'exp(x^2)', f: (x) => Math.exp(x * x), df: (x) => 2 * x * Math.exp(x * x) };
const SQRT: Objective = { expr: 'sqrt(x)', f: (x) => Math.sqrt(x), df: (x) => 1 / (2 * Math.sqrt(x)) };
const LOG: Objective = { expr: 'log(x)', f: (x) => Math.log(x), df: (x) => 1 / x };

interface Sweep {
  name: string;
  objective: Objective;
  /** objective.derivative as written in the file, where given. */
  derivative?: string;
  starts: number[];
  lr: number[];
  epochs: number[];
  bound?: number;
}

const SWEEPS: Sweep[] = [
  // x multiplies its distance to 0.5 by -5 each step (lr = 1), by -2 (lr = 0.5): it overflows to -inf at epoch 441 (lr = 1),
  // stays finite (1.6e301) while its loss overflows (lr = 0.5). No bound but infinity.
  { name: 'overflow', objective: SEED, derivative: '6*x - 3', starts: [2], lr: [1, 0.5, 0.1], epochs: [0, 1, 100, 1000], bound: MAX },
  // The default bound 1e6: lr = 1 crosses it at epoch 9 with x still finite; a start beyond it is blown up at t = 0.
  { name: 'bound-default', objective: SEED, derivative: '6*x - 3', starts: [2, 2000000], lr: [1], epochs: [0, 5, 100] },
  // Learning rates so small that x does not move at all (1e-300 * 9 is far below the spacing of floats near 2).
  { name: 'tiny-lr', objective: SEED, derivative: '6*x - 3', starts: [2, 0.5], lr: [1e-300, 5e-324], epochs: [0, 10, 1000] },
  // Subnormal starts (and the smallest normal), where f'(x) = 2x is subnormal too.
  { name: 'subnormal', objective: SQUARE, derivative: '2*x', starts: [5e-324, -5e-324, 2.2250738585072014e-308, 0], lr: [0.1, 1], epochs: [0, 1, 50] },
  // Zero epochs: every run is its start.
  { name: 'epochs-zero', objective: SEED, derivative: '6*x - 3', starts: [-2, 0.5, 2], lr: [1, 0.01], epochs: [0] },
  // A gradient that overflows: f'(30) = 60 exp(900) = inf (and f(30) = inf); at 26.6 f is finite, f' is not.
  { name: 'grad-overflow', objective: EXP_SQUARE, derivative: '2*x*exp(x^2)', starts: [30, 26.6, 0.5], lr: [0.1, 1e-300], epochs: [0, 1, 100] },
  // NaN: sqrt of a negative start; and log at 0, where f = -inf and f' = inf.
  { name: 'nan', objective: SQRT, derivative: '1/(2*sqrt(x))', starts: [-1, 4], lr: [0.1], epochs: [0, 1, 100], bound: MAX },
  { name: 'log-zero', objective: LOG, derivative: '1/x', starts: [0, 1], lr: [0.1], epochs: [0, 1, 10], bound: MAX },
];

const TOL = 1e-3;

interface Verdict {
  class: 'converged' | 'slow' | 'divergent';
  reason: 'within-tolerance' | 'still-descending' | 'oscillating' | 'blew-up' | 'loss-increased';
  convergedAt: number | null;
  divergedAt: number | null;
  x: number;
  grad: number;
  loss: number;
}

/** SPEC section 3, as written: plain gradient descent, ordered rules, first match wins. */
function oracle(o: Objective, x0: number, lr: number, E: number, bound: number): Verdict {
  const blown = (x: number) => !Number.isFinite(x) || Math.abs(x) > bound;
  let x = x0;
  const grads = [o.df(x0)];
  let convergedAt: number | null = Math.abs(grads[0] as number) <= TOL ? 0 : null;
  if (blown(x0)) return { class: 'divergent', reason: 'blew-up', convergedAt: null, divergedAt: 0, x, grad: grads[0] as number, loss: o.f(x) };
  for (let t = 1; t <= E; t++) {
    x = x - lr * (grads[t - 1] as number);
    const g = o.df(x);
    grads.push(g);
    if (blown(x)) return { class: 'divergent', reason: 'blew-up', convergedAt: null, divergedAt: t, x, grad: g, loss: o.f(x) };
    if (convergedAt === null && Math.abs(g) <= TOL) convergedAt = t;
  }
  const g = grads[E] as number;
  const base = { x, grad: g, loss: o.f(x), divergedAt: null };
  if (Math.abs(g) <= TOL) return { ...base, class: 'converged', reason: 'within-tolerance', convergedAt };
  if (o.f(x) > o.f(x0)) return { ...base, class: 'divergent', reason: 'loss-increased', convergedAt: null };
  const alt = (a: number, b: number) => (a > 0 && b < 0) || (a < 0 && b > 0);
  const g1 = grads[E - 1] as number;
  const g2 = grads[E - 2] as number;
  if (E >= 2 && alt(g, g1) && alt(g1, g2) && Math.abs(g) >= Math.abs(g2)) return { ...base, class: 'slow', reason: 'oscillating', convergedAt: null };
  return { ...base, class: 'slow', reason: 'still-descending', convergedAt: null };
}

interface JsonRun {
  id: number;
  lr: number;
  epochs: number;
  start: number;
  x: number | null;
  grad: number | null;
  loss: number | null;
  class: string;
  reason: string;
  convergedAt: number | null;
  divergedAt: number | null;
}

interface Output {
  jsonText: string;
  json: { format: string; sweep: { classify: { bound: number; tolerance: number } }; counts: Record<string, number>; runs: JsonRun[] };
  csv: string[][];
}

const out: Record<string, Output> = {};

/** A float as the CSV writer spells it, read back. */
function csvNumber(s: string): number {
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  if (s === 'nan') return NaN;
  expect(s).toMatch(/^-?\d+(\.\d+)?(e[+-]\d+)?$/);
  return Number(s);
}

function yaml(s: Sweep): string {
  const list = (v: number[]) => `[${v.map((n) => (Object.is(n, MAX) ? '1.7976931348623157e+308' : String(n))).join(', ')}]`;
  return [
    `name: ${s.name}`,
    'objective:',
    `  expr: ${s.objective.expr}`,
    ...(s.derivative ? [`  derivative: ${s.derivative}`] : []),
    `starts: ${list(s.starts)}`,
    `learning_rate: ${list(s.lr)}`,
    `epochs: ${list(s.epochs)}`,
    ...(s.bound !== undefined ? ['classify:', `  bound: ${s.bound === MAX ? '1.7976931348623157e+308' : s.bound}`] : []),
    '',
  ].join('\n');
}

function find(name: string, start: number, lr: number, epochs: number): JsonRun {
  const r = (out[name] as Output).json.runs.find((q) => Object.is(q.start, start) && q.lr === lr && q.epochs === epochs);
  expect(r, `${name}: run start ${start} lr ${lr} epochs ${epochs}`).toBeDefined();
  return r as JsonRun;
}

beforeAll(() => {
  const dir = tempDir('gdsweep-numbers-');
  const files = SWEEPS.map((s) => {
    const f = join(dir, `${s.name}.yaml`);
    writeFileSync(f, yaml(s));
    return f;
  });
  const reports = join(dir, 'reports');
  // One process for every sweep; results files only (the report is not what is tested here).
  const r = gdsweep(['run', ...files, '--out', reports, '--no-report', '--workers', '1', '--quiet']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  for (const s of SWEEPS) {
    const jsonText = readFileSync(join(reports, s.name, 'results.json'), 'utf8');
    const csvText = readFileSync(join(reports, s.name, 'results.csv'), 'utf8');
    expect(csvText.endsWith('\n')).toBe(true);
    out[s.name] = { jsonText, json: JSON.parse(jsonText) as Output['json'], csv: csvText.trimEnd().split('\n').map((l) => l.split(',')) };
  }
}, 300_000);

describe('every run has the class, reason and epochs of SPEC section 3', () => {
  for (const s of SWEEPS) {
    it(s.name, () => {
      const doc = (out[s.name] as Output).json;
      expect(doc.runs).toHaveLength(s.starts.length * s.lr.length * s.epochs.length);
      for (const x0 of s.starts)
        for (const lr of s.lr)
          for (const E of s.epochs) {
            const want = oracle(s.objective, x0, lr, E, s.bound ?? 1e6);
            const got = find(s.name, x0, lr, E);
            const label = `${s.name}: start ${x0}, lr ${lr}, ${E} epochs`;
            expect({ class: got.class, reason: got.reason, convergedAt: got.convergedAt, divergedAt: got.divergedAt }, label).toEqual({
              class: want.class,
              reason: want.reason,
              convergedAt: want.convergedAt,
              divergedAt: want.divergedAt,
            });
            // x, f'(x) and f(x) bit for bit, null where they are not finite (and JSON's 0 for -0).
            const fin = (v: number) => (Number.isFinite(v) ? v + 0 : null);
            expect({ x: got.x, grad: got.grad, loss: got.loss }, label).toEqual({ x: fin(want.x), grad: fin(want.grad), loss: fin(want.loss) });
          }
      const counts = { converged: 0, slow: 0, divergent: 0 } as Record<string, number>;
      for (const r of doc.runs) counts[r.class] = (counts[r.class] as number) + 1;
      expect(doc.counts).toEqual(counts);
    });
  }
});

describe('the figures, run by run', () => {
  it('lr = 1 on the seed quadratic: loss up at 1 and 100 epochs (x = 1.18e+70, as the SPEC says), overflow to -inf at epoch 441', () => {
    expect(find('overflow', 2, 1, 0)).toMatchObject({ x: 2, grad: 9, loss: 10, class: 'slow', reason: 'still-descending', convergedAt: null, divergedAt: null });
    expect(find('overflow', 2, 1, 1)).toMatchObject({ x: -7, class: 'divergent', reason: 'loss-increased', divergedAt: null });
    const e100 = find('overflow', 2, 1, 100);
    expect(e100).toMatchObject({ class: 'divergent', reason: 'loss-increased', divergedAt: null });
    expect((e100.x as number) / 1e70).toBeCloseTo(1.18, 2);
    expect(find('overflow', 2, 1, 1000)).toMatchObject({ x: null, grad: null, loss: null, class: 'divergent', reason: 'blew-up', convergedAt: null, divergedAt: 441 });
  });

  it('lr = 0.5: x finite (1.6e301) after 1000 epochs while f(x) overflows: loss null, divergent by loss, not blown up', () => {
    const r = find('overflow', 2, 0.5, 1000);
    expect(r).toMatchObject({ loss: null, class: 'divergent', reason: 'loss-increased', divergedAt: null });
    expect(r.x as number).toBeGreaterThan(1e301);
    expect(r.grad as number).toBeGreaterThan(1e301);
  });

  it('lr = 0.1 converges at epoch 10 (|f\'| = 9 * 0.4^t <= 1e-3)', () => {
    expect(find('overflow', 2, 0.1, 100)).toMatchObject({ class: 'converged', convergedAt: 10, x: 0.5 });
    expect(find('overflow', 2, 0.1, 1)).toMatchObject({ class: 'slow', reason: 'still-descending' });
  });

  it('the default bound: blown up at epoch 9 with x still finite (recorded, not null); a start beyond the bound at t = 0', () => {
    expect(find('bound-default', 2, 1, 100)).toMatchObject({ x: 0.5 + 1.5 * (-5) ** 9, class: 'divergent', reason: 'blew-up', divergedAt: 9 });
    expect(find('bound-default', 2, 1, 5)).toMatchObject({ class: 'divergent', reason: 'loss-increased', divergedAt: null });
    for (const E of [0, 5, 100]) expect(find('bound-default', 2000000, 1, E)).toMatchObject({ x: 2000000, class: 'divergent', reason: 'blew-up', divergedAt: 0 });
  });

  it('lr 1e-300 and 5e-324: x does not move; slow away from the minimum, converged at 0 on it', () => {
    for (const lr of [1e-300, 5e-324])
      for (const E of [0, 10, 1000]) {
        expect(find('tiny-lr', 2, lr, E)).toMatchObject({ x: 2, grad: 9, loss: 10, class: 'slow', reason: 'still-descending', convergedAt: null, divergedAt: null });
        expect(find('tiny-lr', 0.5, lr, E)).toMatchObject({ x: 0.5, class: 'converged', convergedAt: 0 });
      }
  });

  it('subnormal starts converge at t = 0, and their x is written exactly (5e-324 round-trips)', () => {
    for (const x0 of [5e-324, -5e-324, 2.2250738585072014e-308, 0]) expect(find('subnormal', x0, 0.1, 50)).toMatchObject({ class: 'converged', convergedAt: 0 });
    expect(find('subnormal', 5e-324, 0.1, 0).x).toBe(5e-324);
    expect(find('subnormal', 5e-324, 1, 1).x).toBe(-5e-324);
    expect((out.subnormal as Output).jsonText).toContain('"start":5e-324,');
  });

  it('0 epochs: every run is its start, 0 steps; converged only where f\'(x0) is within tolerance', () => {
    for (const lr of [1, 0.01]) {
      expect(find('epochs-zero', -2, lr, 0)).toMatchObject({ x: -2, class: 'slow', reason: 'still-descending', convergedAt: null, divergedAt: null });
      expect(find('epochs-zero', 0.5, lr, 0)).toMatchObject({ x: 0.5, grad: 0, class: 'converged', convergedAt: 0 });
    }
  });

  it('a gradient that overflows blows x up at epoch 1, for any lr (1e-300 * inf is inf)', () => {
    for (const x0 of [30, 26.6])
      for (const lr of [0.1, 1e-300])
        for (const E of [1, 100]) expect(find('grad-overflow', x0, lr, E)).toMatchObject({ x: null, class: 'divergent', reason: 'blew-up', divergedAt: 1 });
    // At 0 epochs x is the (finite) start: not blown up by rule 1, whatever f'(x0) is. SPEC section 3 has no
    // rule for an infinite gradient at x_E, so this is slow, with grad (and here loss) null and no divergedAt.
    expect(find('grad-overflow', 30, 0.1, 0)).toMatchObject({ x: 30, grad: null, loss: null, class: 'slow', reason: 'still-descending', divergedAt: null });
    expect(find('grad-overflow', 26.6, 0.1, 0)).toMatchObject({ x: 26.6, grad: null, class: 'slow', divergedAt: null });
    expect(find('grad-overflow', 26.6, 0.1, 0).loss as number).toBeGreaterThan(1e307);
    expect(find('grad-overflow', 0.5, 0.1, 100)).toMatchObject({ class: 'converged', convergedAt: 31 });
  });

  it('NaN: x becomes NaN at epoch 1 from sqrt at -1; log at 0 sends x to -inf at epoch 1', () => {
    expect(find('nan', -1, 0.1, 1)).toMatchObject({ x: null, grad: null, loss: null, class: 'divergent', reason: 'blew-up', divergedAt: 1 });
    expect(find('nan', -1, 0.1, 0)).toMatchObject({ x: -1, grad: null, loss: null, class: 'slow', divergedAt: null });
    expect(find('log-zero', 0, 0.1, 10)).toMatchObject({ x: null, class: 'divergent', reason: 'blew-up', divergedAt: 1 });
  });
});

describe('results.json and results.csv', () => {
  it('results.json is strict JSON: no NaN or Infinity tokens, non-finite numbers as null', () => {
    for (const s of SWEEPS) {
      const { jsonText, json } = out[s.name] as Output;
      expect(json.format).toBe('gdsweep-results/1');
      expect(jsonText, s.name).not.toMatch(/\bNaN\b|\bInfinity\b|\bundefined\b/);
      for (const r of json.runs) for (const k of ['x', 'grad', 'loss'] as const) expect(r[k] === null || Number.isFinite(r[k]), `${s.name} run ${r.id} ${k}`).toBe(true);
    }
    // "No bound" is written as the number it is.
    expect((out.overflow as Output).json.sweep.classify.bound).toBe(MAX);
  });

  it('every run whose x is not finite is divergent (blew-up) with divergedAt set; every blown-up run has divergedAt', () => {
    let seen = 0;
    for (const s of SWEEPS)
      for (const r of (out[s.name] as Output).json.runs) {
        if (r.x === null) {
          seen++;
          expect(r, `${s.name} run ${r.id}`).toMatchObject({ class: 'divergent', reason: 'blew-up' });
        }
        if (r.reason === 'blew-up') expect(typeof r.divergedAt, `${s.name} run ${r.id}`).toBe('number');
        else expect(r.divergedAt, `${s.name} run ${r.id}`).toBeNull();
        if (r.class === 'converged') expect(typeof r.convergedAt).toBe('number');
        else expect(r.convergedAt).toBeNull();
      }
    expect(seen).toBeGreaterThan(10);
  });

  it('results.csv holds the same runs: inf, -inf and nan where the JSON has null, finite numbers exactly', () => {
    const spelled = new Set<string>();
    for (const s of SWEEPS) {
      const { json, csv } = out[s.name] as Output;
      const [head, ...rows] = csv;
      expect(head).toEqual(['id', 'lr', 'epochs', 'start', 'schedule', 'optimizer', 'x', 'grad', 'loss', 'class', 'reason', 'convergedAt', 'divergedAt']);
      expect(rows).toHaveLength(json.runs.length);
      rows.forEach((row, i) => {
        const r = json.runs[i] as JsonRun;
        const label = `${s.name} row ${i}`;
        expect(row, label).toHaveLength(13);
        expect(Number(row[0]), label).toBe(r.id);
        expect(csvNumber(row[1] as string), label).toBe(r.lr);
        expect(Number(row[2]), label).toBe(r.epochs);
        expect(csvNumber(row[3] as string), label).toBe(r.start);
        (['x', 'grad', 'loss'] as const).forEach((k, j) => {
          const cell = row[6 + j] as string;
          const v = csvNumber(cell);
          if (r[k] === null) {
            expect(['inf', '-inf', 'nan'], `${label} ${k}`).toContain(cell);
            spelled.add(cell);
          } else expect(v, `${label} ${k}`).toBe(r[k]);
        });
        expect(row[9], label).toBe(r.class);
        expect(row[10], label).toBe(r.reason);
        expect(row[11], label).toBe(r.convergedAt === null ? '' : String(r.convergedAt));
        expect(row[12], label).toBe(r.divergedAt === null ? '' : String(r.divergedAt));
      });
    }
    // All three spellings occur: -inf (x past the bound), inf (loss), nan (sqrt of a negative).
    expect([...spelled].sort()).toEqual(['-inf', 'inf', 'nan']);
  });

  it('the non-finite values are the right ones: -inf x for the overflow, nan for sqrt, inf loss', () => {
    const row = (name: string, id: number) => ((out[name] as Output).csv[id + 1] as string[]).slice(6, 9);
    const id = (name: string, start: number, lr: number, E: number) => find(name, start, lr, E).id;
    expect(row('overflow', id('overflow', 2, 1, 1000))).toEqual(['-inf', '-inf', 'inf']);
    expect(row('nan', id('nan', -1, 0.1, 1))).toEqual(['nan', 'nan', 'nan']);
    expect(row('overflow', id('overflow', 2, 0.5, 1000))[2]).toBe('inf');
    expect(row('grad-overflow', id('grad-overflow', 30, 0.1, 0))).toEqual(['30', 'inf', 'inf']);
  });
});
