import { describe, expect, it } from 'vitest';
import { executeBatch, traceRun, type BatchSpec } from '../../src/engine/descend.js';
import { classify } from '../../src/engine/classify.js';
import { CLASSES, REASONS } from '../../src/engine/classify.js';
import type { Optimizer, Schedule } from '../../src/config/types.js';

const QUAD = { fSource: '((3 * (x * x)) - (3 * x)) + 4', dfSource: '(6 * x) - 3' };

interface Case {
  start: number;
  lr: number;
}

function batch(cases: Case[], epochs: number[], opts: Partial<BatchSpec> = {}): BatchSpec {
  const n = cases.length;
  return {
    ...QUAD,
    tolerance: 1e-3,
    bound: 1e300,
    epochs,
    schedules: ['constant'],
    optimizers: [{ kind: 'gd' }],
    start: Float64Array.from(cases.map((c) => c.start)),
    lr: Float64Array.from(cases.map((c) => c.lr)),
    schedule: new Uint8Array(n),
    optimizer: new Uint8Array(n),
    firstRun: Float64Array.from(cases.map((_, i) => i * epochs.length)),
    epochIdx: new Int32Array(n).fill(-1),
    ...opts,
  };
}

/** x_n = 0.5 + (1 - 6 lr)^n (x0 - 0.5): the reference quadratic's closed form. */
function closedForm(x0: number, lr: number, n: number): number {
  return 0.5 + Math.pow(1 - 6 * lr, n) * (x0 - 0.5);
}

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

describe('engine on the reference quadratic', () => {
  const lrs = [1e-4, 3e-4, 1e-3, 0.003, 0.01, 0.03, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.32, 0.34, 0.4, 0.5, 1];
  const ns = [0, 1, 2, 3, 5, 10, 20, 50, 100];

  it('matches the closed form to 1e-12 relative over a grid of lr and n, for every lane count', () => {
    for (const lanes of [1, 2, 3, 4, 8]) {
      for (const x0 of [2, -1.5]) {
        const res = executeBatch({ ...batch(lrs.map((lr) => ({ start: x0, lr })), ns, { bound: Infinity }), lanes });
        lrs.forEach((lr, i) => {
          ns.forEach((n, j) => {
            const got = res.x[i * ns.length + j] as number;
            const want = closedForm(x0, lr, n);
            expect(relErr(got, want)).toBeLessThan(1e-12);
          });
        });
      }
    }
  });

  it('reproduces the lesson: lr = 1 reaches ~1.18e+70 after 100 epochs', () => {
    const res = executeBatch(batch([{ start: 2, lr: 1 }], [100]));
    expect(res.x[0]).toBeCloseTo(0.5 + 1.5 * 5 ** 100, -60);
    expect((res.x[0] as number) / 1.1832913578315177e70).toBeCloseTo(1, 12);
    expect(CLASSES[res.klass[0] as number]).toBe('divergent');
    expect(REASONS[res.reason[0] as number]).toBe('loss-increased');
    expect(res.divergedAt[0]).toBe(-1);
  });

  it('lr = 0.001 is still far from 0.5 after 100 epochs, and 10x less lr needs about 10x more epochs', () => {
    const res = executeBatch(batch([{ start: 2, lr: 0.01 }, { start: 2, lr: 0.001 }], [100, 1000, 10000]));
    expect(res.x[3]).toBeGreaterThan(1.3); // lr 0.001, 100 epochs
    expect(REASONS[res.reason[3] as number]).toBe('still-descending');
    const at01 = res.convergedAt[1] as number;
    const at001 = res.convergedAt[5] as number;
    expect(at01).toBeGreaterThan(0);
    expect(at001 / at01).toBeGreaterThan(9);
    expect(at001 / at01).toBeLessThan(11);
    // Theory: ceil(ln(tol/|f'(x0)|) / ln|1 - 6 lr|).
    expect(at01).toBe(Math.ceil(Math.log(1e-3 / 9) / Math.log(1 - 0.06)));
    expect(at001).toBe(Math.ceil(Math.log(1e-3 / 9) / Math.log(1 - 0.006)));
  });

  it('stops a blown-up track at the first iterate past the bound and reports divergedAt', () => {
    const res = executeBatch(batch([{ start: 2, lr: 1 }], [10, 1000], { bound: 1e6 }));
    // |x_t - 0.5| = 1.5 * 5^t > 1e6 first at t = 9.
    const t = Array.from({ length: 20 }, (_, i) => i).find((i) => Math.abs(closedForm(2, 1, i)) > 1e6);
    expect(t).toBe(9);
    expect(res.divergedAt[0]).toBe(9);
    expect(res.divergedAt[1]).toBe(9);
    expect(res.x[1]).toBe(closedForm(2, 1, 9));
    expect(res.steps).toBe(9);
    expect(REASONS[res.reason[0] as number]).toBe('blew-up');
  });

  it('records non-finite values when the bound is infinite', () => {
    const res = executeBatch(batch([{ start: 2, lr: 1 }], [1000], { bound: Infinity }));
    expect(Number.isFinite(res.x[0])).toBe(false);
    expect(res.divergedAt[0]).toBeGreaterThan(400);
    expect(REASONS[res.reason[0] as number]).toBe('blew-up');
  });

  it('epochs of 0 classify the start itself', () => {
    const res = executeBatch(batch([{ start: 0.5, lr: 0.1 }, { start: 2, lr: 0.1 }], [0]));
    expect(CLASSES[res.klass[0] as number]).toBe('converged');
    expect(res.convergedAt[0]).toBe(0);
    expect(CLASSES[res.klass[1] as number]).toBe('slow');
    expect(res.x[1]).toBe(2);
  });
});

describe('classification rules (first match wins) and their boundaries', () => {
  it('lr = 1/3 on the quadratic oscillates between 2 and -1: slow / oscillating', () => {
    const res = executeBatch(batch([{ start: 2, lr: 1 / 3 }], [100, 101]));
    expect(res.x[0]).toBe(2);
    expect(res.x[1]).toBe(-1);
    expect(CLASSES[res.klass[0] as number]).toBe('slow');
    expect(REASONS[res.reason[0] as number]).toBe('oscillating');
    // After an odd count x = -1: f(-1) = 10 > f(2) = 10? Equal: not loss-increased either.
    expect(REASONS[res.reason[1] as number]).toBe('oscillating');
  });

  it('lr = 0.34 for 100 epochs is divergent / loss-increased while x stays under the bound', () => {
    const res = executeBatch(batch([{ start: 2, lr: 0.34 }], [100], { bound: 1e6 }));
    expect(Math.abs(res.x[0] as number)).toBeLessThan(1e6);
    expect(CLASSES[res.klass[0] as number]).toBe('divergent');
    expect(REASONS[res.reason[0] as number]).toBe('loss-increased');
  });

  it('the same lr = 0.34 past the bound is blew-up (rule 1 before rule 3)', () => {
    const res = executeBatch(batch([{ start: 2, lr: 0.34 }], [1000], { bound: 1e6 }));
    expect(REASONS[res.reason[0] as number]).toBe('blew-up');
  });

  const base = { epochs: 10, grad: 0.5, loss: 4, loss0: 5, grad1: 0.6, grad2: 0.7, divergedAt: -1 };
  it('rule 1: divergedAt within the budget wins over everything', () => {
    expect(classify({ ...base, grad: 0, divergedAt: 10 }, 1e-3)).toEqual({ class: 'divergent', reason: 'blew-up' });
    // A blow-up after the budget does not count for this run.
    expect(classify({ ...base, divergedAt: 11 }, 1e-3).reason).toBe('still-descending');
  });
  it('rule 2: |grad| <= tol exactly at the boundary is converged, even if loss rose', () => {
    expect(classify({ ...base, grad: 1e-3, loss: 9 }, 1e-3)).toEqual({ class: 'converged', reason: 'within-tolerance' });
    expect(classify({ ...base, grad: -1e-3 }, 1e-3).class).toBe('converged');
    expect(classify({ ...base, grad: 1.0000001e-3 }, 1e-3).class).toBe('slow');
  });
  it('rule 3: loss strictly above the start is divergent; equal is not', () => {
    expect(classify({ ...base, loss: 5.0000001 }, 1e-3)).toEqual({ class: 'divergent', reason: 'loss-increased' });
    expect(classify({ ...base, loss: 5 }, 1e-3).class).toBe('slow');
  });
  it('rule 4: oscillating needs alternating signs and a gradient that does not shrink', () => {
    expect(classify({ ...base, grad: 0.5, grad1: -0.5, grad2: 0.5 }, 1e-3).reason).toBe('oscillating');
    expect(classify({ ...base, grad: 0.5, grad1: -0.5, grad2: 0.6 }, 1e-3).reason).toBe('still-descending');
    expect(classify({ ...base, grad: 0.5, grad1: 0.5, grad2: 0.5 }, 1e-3).reason).toBe('still-descending');
    expect(classify({ ...base, epochs: 1, grad: 0.5, grad1: -0.5, grad2: NaN }, 1e-3).reason).toBe('still-descending');
  });
});

describe('schedules and optimizers against hand-computed steps', () => {
  // f'(x) = 6x - 3, x0 = 2.
  function run(schedule: Schedule, optimizer: Optimizer, lr: number, epochs: number[]) {
    return executeBatch(batch([{ start: 2, lr }], epochs, { schedules: [schedule], optimizers: [optimizer], bound: Infinity }));
  }
  function byHand(steps: number, update: (x: number, t: number, g: number) => number): number {
    let x = 2;
    for (let t = 0; t < steps; t++) x = update(x, t, 6 * x - 3);
    return x;
  }

  it('grad-scaled uses lr * |f\'(x_t)|', () => {
    expect(run('grad-scaled', { kind: 'gd' }, 0.01, [3]).x[0]).toBe(byHand(3, (x, _t, g) => x - 0.01 * Math.abs(g) * g));
    // First step by hand: g = 9, step 0.09, x = 2 - 0.81 = 1.19.
    expect(run('grad-scaled', { kind: 'gd' }, 0.01, [1]).x[0]).toBeCloseTo(1.19, 15);
  });

  it('linear-decay uses lr * (1 - (t + 1) / E), so the last step is 0', () => {
    const E = 4;
    expect(run('linear-decay', { kind: 'gd' }, 0.1, [E]).x[0]).toBe(byHand(E, (x, t, g) => x - 0.1 * (1 - (t + 1) / E) * g));
    // t = 0: step 0.075 * 9 = 0.675 -> 1.325.
    expect(byHand(1, (x, t, g) => x - 0.1 * (1 - (t + 1) / E) * g)).toBeCloseTo(1.325, 15);
  });

  it('momentum: v = beta v + g; x -= lr v', () => {
    let v = 0;
    const want = byHand(3, (x, _t, g) => {
      v = 0.9 * v + g;
      return x - 0.01 * v;
    });
    expect(run('constant', { kind: 'momentum', beta: 0.9 }, 0.01, [3]).x[0]).toBe(want);
    // Two steps by hand: x1 = 2 - 0.09 = 1.91; g1 = 8.46, v = 8.1 + 8.46 = 16.56, x2 = 1.91 - 0.1656 = 1.7444.
    expect(run('constant', { kind: 'momentum', beta: 0.9 }, 0.01, [2]).x[0]).toBeCloseTo(1.7444, 14);
  });

  it('nesterov: v = beta v + g; x -= lr (g + beta v)', () => {
    let v = 0;
    const want = byHand(3, (x, _t, g) => {
      v = 0.5 * v + g;
      return x - 0.01 * (g + 0.5 * v);
    });
    expect(run('constant', { kind: 'nesterov', beta: 0.5 }, 0.01, [3]).x[0]).toBe(want);
  });

  it('adam with bias correction', () => {
    let m = 0;
    let u = 0;
    const want = byHand(3, (x, t, g) => {
      m = 0.9 * m + 0.1 * g;
      u = 0.999 * u + (1 - 0.999) * g * g;
      const mh = m / (1 - 0.9 ** (t + 1));
      const uh = u / (1 - 0.999 ** (t + 1));
      return x - 0.1 * (mh / (Math.sqrt(uh) + 1e-8));
    });
    const got = run('constant', { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8 }, 0.1, [3]).x[0] as number;
    expect(Math.abs(got - want)).toBeLessThan(1e-14);
    // First Adam step moves by lr * sign(g) almost exactly.
    expect(run('constant', { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8 }, 0.1, [1]).x[0]).toBeCloseTo(1.9, 8);
  });
});

describe('traceRun', () => {
  it('is bit-identical to the engine at every recorded epoch', () => {
    const tr = traceRun({ ...QUAD, start: 2, lr: 0.01, epochs: 1000, schedule: 'constant', optimizer: { kind: 'gd' }, tolerance: 1e-3, bound: 1e6, maxPoints: 100 });
    expect(tr.t.length).toBe(101);
    expect(tr.t[0]).toBe(0);
    expect(tr.t[100]).toBe(1000);
    const res = executeBatch(batch([{ start: 2, lr: 0.01 }], tr.t));
    tr.t.forEach((_, i) => expect(tr.x[i]).toBe(res.x[i]));
    tr.t.forEach((_, i) => expect(tr.grad[i]).toBe(res.grad[i]));
  });

  it('ends at the blow-up', () => {
    const tr = traceRun({ ...QUAD, start: 2, lr: 1, epochs: 100, schedule: 'constant', optimizer: { kind: 'gd' }, tolerance: 1e-3, bound: 1e6, maxPoints: 1000 });
    expect(tr.t[tr.t.length - 1]).toBe(9);
    expect(tr.x[tr.x.length - 1]).toBe(closedForm(2, 1, 9));
  });
});
