/**
 * The generated kernel (lanes, fast chunks, replays, refilled dead lanes)
 * against the plain loop of SPEC section 3 and 4, written here one track at
 * a time: x, f', loss, convergedAt, divergedAt and the class must be exactly
 * equal, for random learning rates, starts, epochs, tolerances and bounds.
 */
import { describe, expect, it } from 'vitest';
import { executeBatch, traceRun, type BatchSpec } from '../../src/engine/descend.js';
import { CLASS_CODE, classify, REASON_CODE } from '../../src/engine/classify.js';
import { kernelSources } from '../../src/engine/kernel.js';
import type { Optimizer, Schedule } from '../../src/config/types.js';
import { mulberry32 } from '../../src/numeric/random.js';
import { OPTIMIZER_NAMES, parseOptimizerLabel, resolveOptimizer } from '../../src/registry/optimizers.js';
import { SCHEDULE_NAMES, resolveSchedule } from '../../src/registry/schedules.js';

interface Objective {
  name: string;
  fSource: string;
  dfSource: string;
}

const OBJECTIVES: Objective[] = [
  { name: 'quadratic', fSource: '((((3) * (x * x)) - ((3) * x)) + (4))', dfSource: '(((6) * x) - (3))' },
  {
    name: 'course',
    fSource: '(Math.sin(x) * Math.exp(((-(0.05)) * (x * x))))',
    dfSource: '(Math.exp((((x * x) * (-(1))) / (20))) * (Math.cos(x) + (((Math.sin(x) * x) * (-(1))) / (10))))',
  },
  { name: 'local minima', fSource: '(Math.cos(2 * Math.PI * x) + (x * x))', dfSource: '((-(2 * Math.PI) * Math.sin(2 * Math.PI * x)) + (2 * x))' },
  // Grows fast: overflows to Infinity, then NaN, within a few steps for large x.
  { name: 'quartic', fSource: '((x * x) * (x * x) / 4)', dfSource: '(x * x * x)' },
  // Bounded gradient that can throw x far away and back.
  { name: 'wavy', fSource: '(-(1000) * Math.cos(x))', dfSource: '((1000) * Math.sin(x))' },
];

// Every schedule and optimizer of the registries (with their defaults), and a few other parameters.
const SCHEDULES: Schedule[] = [...SCHEDULE_NAMES];
const OPTIMIZERS: Optimizer[] = [
  ...OPTIMIZER_NAMES.map((name) => parseOptimizerLabel(name) as Optimizer),
  { kind: 'nesterov', beta: 0.5 },
  { kind: 'adam', beta1: 0.8, beta2: 0.99, eps: 1e-6 },
];

/** Seeded PRNG, so a failure names a reproducible case. */
const rng = mulberry32;

interface RefPoint {
  x: number;
  grad: number;
  loss: number;
  grad1: number;
  grad2: number;
  convergedAt: number;
  divergedAt: number;
}

/**
 * One track, one step at a time, exactly as the spec words it; the step
 * size and the update are the registries' plain arithmetic (which
 * tests/registry checks against the hand-written formulas).
 */
function reference(o: Objective, schedule: Schedule, opt: Optimizer, x0: number, lr: number, checkpoints: number[], tol: number, bound: number): RefPoint[] {
  const df = new Function('x', `return ${o.dfSource};`) as (x: number) => number;
  const f = new Function('x', `return ${o.fSource};`) as (x: number) => number;
  const E = checkpoints[checkpoints.length - 1] ?? 0;
  const sched = resolveSchedule(schedule);
  const step = resolveOptimizer(opt);
  const lane: Record<string, number> = { x: x0 };
  for (const name of step.laneState) lane[name] = 0;
  const group: Record<string, number> = Object.fromEntries(step.groupState);
  let x = x0;
  let c = -1;
  let d = -1;
  let dx = 0;
  let q1 = NaN;
  let q2 = NaN;
  if (!Number.isFinite(x) || Math.abs(x) > bound) {
    d = 0;
    dx = x;
  }
  let t = 0;
  const points: RefPoint[] = [];
  for (const target of checkpoints) {
    for (; t < target && d < 0; t++) {
      const g = df(x);
      if (c < 0 && Math.abs(g) <= tol) c = t;
      q2 = q1;
      q1 = g;
      step.plain(lane, group, g, sched.plain({ lr, g, t, E }));
      x = lane.x as number;
      if (!Number.isFinite(x) || Math.abs(x) > bound) {
        d = t + 1;
        dx = x;
      }
    }
    if (d >= 0) {
      points.push({ x: dx, grad: df(dx), loss: f(dx), grad1: NaN, grad2: NaN, convergedAt: -1, divergedAt: d });
    } else {
      const g = df(x);
      if (c < 0 && Math.abs(g) <= tol) c = target;
      points.push({ x, grad: g, loss: f(x), grad1: q1, grad2: q2, convergedAt: c, divergedAt: -1 });
    }
  }
  return points;
}

interface Case {
  objective: Objective;
  schedule: Schedule;
  optimizer: Optimizer;
  tol: number;
  bound: number;
  epochs: number[];
  starts: number[];
  lrs: number[];
  lanes: number;
  chunk: number;
  skipFixedPoints: boolean;
}

function randomCase(r: () => number): Case {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const objective = pick(OBJECTIVES);
  const schedule = pick(SCHEDULES);
  const optimizer = pick(OPTIMIZERS);
  const nEpochs = 1 + Math.floor(r() * 5);
  const epochs = Array.from({ length: nEpochs }, () => (r() < 0.25 ? Math.floor(r() * 4) : Math.floor(r() * 3000)));
  const n = 1 + Math.floor(r() * 24);
  // Neighbouring learning rates (as in a geomspace) with a few far apart: groups in mixed phases.
  const lo = -4 + r() * 3;
  const span = r() < 0.5 ? 0.3 : 4;
  const lrs = Array.from({ length: n }, (_, i) => 10 ** (lo + (span * (i + (r() < 0.2 ? r() * n : 0))) / n));
  const x0 = -3 + 6 * r();
  const starts = Array.from({ length: n }, () => (r() < 0.7 ? x0 : -3 + 6 * r()));
  return {
    objective,
    schedule,
    optimizer,
    tol: pick([1e-3, 1e-6, 0.05, 0.5, 0]),
    bound: pick([1e6, 10, 3, Infinity, 1e300]),
    epochs,
    starts,
    lrs,
    lanes: 1 + Math.floor(r() * 9),
    chunk: pick([1, 2, 3, 7, 16, 64, 256]),
    skipFixedPoints: r() < 0.7,
  };
}

function specOf(cs: Case): BatchSpec {
  const n = cs.lrs.length;
  // A schedule that depends on E (linear-decay): one track per (lr, epochs), as the planner makes them.
  const perEpoch = resolveSchedule(cs.schedule).dependsOnEpochs;
  const tracks: { start: number; lr: number; epochIdx: number }[] = [];
  for (let i = 0; i < n; i++) {
    if (perEpoch) cs.epochs.forEach((_, e) => tracks.push({ start: cs.starts[i] as number, lr: cs.lrs[i] as number, epochIdx: e }));
    else tracks.push({ start: cs.starts[i] as number, lr: cs.lrs[i] as number, epochIdx: -1 });
  }
  let run = 0;
  return {
    fSource: cs.objective.fSource,
    dfSource: cs.objective.dfSource,
    tolerance: cs.tol,
    bound: cs.bound,
    epochs: cs.epochs,
    schedules: [cs.schedule],
    optimizers: [cs.optimizer],
    start: Float64Array.from(tracks.map((t) => t.start)),
    lr: Float64Array.from(tracks.map((t) => t.lr)),
    schedule: new Uint8Array(tracks.length),
    optimizer: new Uint8Array(tracks.length),
    firstRun: Float64Array.from(
      tracks.map((t) => {
        const id = run;
        run += t.epochIdx < 0 ? cs.epochs.length : 1;
        return id;
      }),
    ),
    epochIdx: Int32Array.from(tracks.map((t) => t.epochIdx)),
    lanes: cs.lanes,
    chunk: cs.chunk,
    skipFixedPoints: cs.skipFixedPoints,
  };
}

/** Expected runs of the batch, in the batch's run order, from the reference loop. */
function expected(cs: Case, spec: BatchSpec) {
  const f = new Function('x', `return ${cs.objective.fSource};`) as (x: number) => number;
  const rows: { x: number; grad: number; loss: number; convergedAt: number; divergedAt: number; klass: number; reason: number }[] = [];
  let steps = 0;
  for (let i = 0; i < spec.start.length; i++) {
    const ei = spec.epochIdx[i] as number;
    const runEpochs = ei < 0 ? cs.epochs : [cs.epochs[ei] as number];
    const checkpoints = [...new Set(runEpochs)].sort((a, b) => a - b);
    const x0 = spec.start[i] as number;
    const pts = reference(cs.objective, cs.schedule, cs.optimizer, x0, spec.lr[i] as number, checkpoints, cs.tol, cs.bound);
    const last = pts[pts.length - 1] as RefPoint;
    steps += last.divergedAt >= 0 ? last.divergedAt : (checkpoints[checkpoints.length - 1] as number);
    for (const e of runEpochs) {
      const p = pts[checkpoints.indexOf(e)] as RefPoint;
      const v = classify({ epochs: e, grad: p.grad, loss: p.loss, loss0: f(x0), grad1: p.grad1, grad2: p.grad2, divergedAt: p.divergedAt }, cs.tol);
      rows.push({
        x: p.x,
        grad: p.grad,
        loss: p.loss,
        convergedAt: v.class === 'converged' ? p.convergedAt : -1,
        divergedAt: v.reason === 'blew-up' ? p.divergedAt : -1,
        klass: CLASS_CODE[v.class],
        reason: REASON_CODE[v.reason],
      });
    }
  }
  return { rows, steps };
}

function describeCase(seed: number, cs: Case): string {
  return `seed ${seed}: ${cs.objective.name}, ${cs.schedule}, ${cs.optimizer.kind}, tol ${cs.tol}, bound ${cs.bound}, epochs [${cs.epochs}], lanes ${cs.lanes}, chunk ${cs.chunk}, skip ${cs.skipFixedPoints}`;
}

describe('optimized kernel against the plain reference loop', () => {
  it('is exactly equal on random batches (all schedules, optimizers, lane counts, chunk sizes)', () => {
    let compared = 0;
    const seen = { converged: 0, blewUp: 0, unconverged: 0 };
    for (let seed = 1; seed <= 200; seed++) {
      const cs = randomCase(rng(seed));
      const spec = specOf(cs);
      const got = executeBatch(spec);
      const want = expected(cs, spec);
      const where = describeCase(seed, cs);
      expect(got.x.length, where).toBe(want.rows.length);
      want.rows.forEach((w, r) => {
        const at = `${where}, run ${r}`;
        expect(Object.is(got.x[r], w.x), `${at}: x ${got.x[r]} != ${w.x}`).toBe(true);
        expect(Object.is(got.grad[r], w.grad), `${at}: grad ${got.grad[r]} != ${w.grad}`).toBe(true);
        expect(Object.is(got.loss[r], w.loss), `${at}: loss`).toBe(true);
        expect(got.convergedAt[r], `${at}: convergedAt`).toBe(w.convergedAt);
        expect(got.divergedAt[r], `${at}: divergedAt`).toBe(w.divergedAt);
        expect(got.klass[r], `${at}: class`).toBe(w.klass);
        expect(got.reason[r], `${at}: reason`).toBe(w.reason);
        if (w.convergedAt > 0) seen.converged++;
        if (w.divergedAt > 0) seen.blewUp++;
        if (w.klass !== CLASS_CODE.converged && w.divergedAt < 0) seen.unconverged++;
        compared++;
      });
      expect(got.steps, `${where}: steps`).toBe(want.steps);
    }
    // The random cases do reach every path.
    expect(compared).toBeGreaterThan(3000);
    expect(seen.converged).toBeGreaterThan(300);
    expect(seen.blewUp).toBeGreaterThan(300);
    expect(seen.unconverged).toBeGreaterThan(300);
  }, 120_000);

  it('finds convergence and blow-up at their exact step inside long chunks', () => {
    // Quadratic from 2: lr = 1 passes |x| > 1e6 first at t = 9; lr = 0.01 converges at t = 147.
    const cs: Case = {
      objective: OBJECTIVES[0] as Objective,
      schedule: 'constant',
      optimizer: { kind: 'gd' },
      tol: 1e-3,
      bound: 1e6,
      epochs: [10000],
      starts: [2, 2, 2, 2, 2],
      lrs: [0.01, 1, 0.0101, 0.5, 0.02],
      lanes: 4,
      chunk: 4096,
      skipFixedPoints: true,
    };
    const spec = specOf(cs);
    const got = executeBatch(spec);
    const want = expected(cs, spec);
    expect(Array.from(got.convergedAt)).toEqual(want.rows.map((w) => w.convergedAt));
    expect(Array.from(got.divergedAt)).toEqual(want.rows.map((w) => w.divergedAt));
    expect(got.convergedAt[0]).toBe(Math.ceil(Math.log(1e-3 / 9) / Math.log(1 - 0.06)));
    expect(got.divergedAt[1]).toBe(9);
    want.rows.forEach((w, r) => expect(Object.is(got.x[r], w.x)).toBe(true));
  });

  it('skips groups at an exact fixed point without changing a bit', () => {
    // Small learning rates settle on a float that one more step leaves unchanged; the bigger ones keep moving.
    for (const optimizer of OPTIMIZERS) {
      for (const schedule of SCHEDULES) {
        const cs: Case = {
          objective: OBJECTIVES[0] as Objective,
          schedule,
          optimizer,
          tol: 1e-3,
          bound: 1e6,
          epochs: [500, 20_000, 60_000, 60_001, 60_003],
          starts: Array.from({ length: 12 }, () => 2),
          lrs: Array.from({ length: 12 }, (_, i) => 10 ** (-3 + (2.5 * i) / 11)),
          lanes: 4,
          chunk: 256,
          skipFixedPoints: true,
        };
        const spec = specOf(cs);
        const got = executeBatch(spec);
        const slow = executeBatch({ ...spec, skipFixedPoints: false });
        const want = expected(cs, spec);
        const where = `${schedule}, ${optimizer.kind}`;
        want.rows.forEach((w, r) => {
          expect(Object.is(got.x[r], w.x), `${where}, run ${r}: x`).toBe(true);
          expect(Object.is(got.grad[r], w.grad), `${where}, run ${r}: grad`).toBe(true);
          expect(got.convergedAt[r], `${where}, run ${r}`).toBe(w.convergedAt);
          expect(got.reason[r], `${where}, run ${r}`).toBe(w.reason);
          expect(Object.is(slow.x[r], w.x)).toBe(true);
        });
        expect(got.steps).toBe(slow.steps);
        expect(got.computedSteps as number, where).toBeLessThanOrEqual(slow.computedSteps as number);
        // Adam's step depends on t: never skipped. Under grad-scaled the step shrinks with f'^2, so x
        // creeps on and never settles here. constant and linear-decay settle, and most of their steps are skipped.
        const stay = resolveSchedule(schedule).neverGrows && !resolveOptimizer(optimizer).dependsOnT;
        if (!stay) expect(got.computedSteps).toBe(slow.computedSteps);
        else if (schedule === 'constant' || schedule === 'linear-decay') expect(got.computedSteps as number, where).toBeLessThan((slow.computedSteps as number) / 2);
      }
    }
  }, 60_000);

  it('jumps whole periods of an exact two-step cycle, to the right parity', () => {
    // lr = 1/3 on the quadratic from 2: x alternates between 2 and -1 from the first step, f' between 9 and -9.
    for (const [epochs, chunk] of [
      [[100_000, 100_001, 150_003], 64],
      [[7, 1000, 1001, 99_999], 64],
      [[4097, 8192, 8195], 2],
      [[4096, 8193, 9000], 3],
      [[5, 6, 3001, 3002, 3003], 16],
    ] as [number[], number][]) {
      const cs: Case = {
        objective: OBJECTIVES[0] as Objective,
        schedule: 'constant',
        optimizer: { kind: 'gd' },
        tol: 1e-3,
        bound: 1e6,
        epochs,
        starts: [2, 2, 2],
        lrs: [1 / 3, 1 / 3, 1 / 3],
        lanes: 4,
        chunk,
        skipFixedPoints: true,
      };
      const spec = specOf(cs);
      const got = executeBatch(spec);
      const want = expected(cs, spec);
      want.rows.forEach((w, r) => {
        // Also the reason: "oscillating" needs f' one and two steps back from the same arithmetic.
        expect(REASON_CODE.oscillating).toBe(w.reason);
        expect(Object.is(got.x[r], w.x), `run ${r}: x ${got.x[r]} != ${w.x}`).toBe(true);
        expect(Object.is(got.grad[r], w.grad), `run ${r}: grad`).toBe(true);
        expect(got.reason[r], `run ${r}`).toBe(w.reason);
      });
      expect(Array.from(got.x.slice(0, epochs.length))).toEqual(epochs.map((e) => (e % 2 === 0 ? 2 : -1)));
      // A cycle shows where a whole chunk comes back to its start: chunks of an even length.
      if (chunk % 2 === 0) expect(got.computedSteps as number).toBeLessThan(Math.max(...epochs) / 2);
      // Where the step depends on t (linear-decay), a cycle is not a cycle: no jumps.
      const decay = executeBatch(specOf({ ...cs, schedule: 'linear-decay', epochs: [5000] }));
      expect(decay.computedSteps as number).toBeGreaterThanOrEqual(5000);
    }
  }, 60_000);

  it('traceRun points equal the reference at every recorded epoch, up to a blow-up', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = rng(1000 + seed);
      const cs = randomCase(r);
      const E = cs.epochs[0] as number;
      const lr = cs.lrs[0] as number;
      const x0 = cs.starts[0] as number;
      const maxPoints = 1 + Math.floor(r() * 300);
      const tr = traceRun({ ...cs.objective, start: x0, lr, epochs: E, schedule: cs.schedule, optimizer: cs.optimizer, tolerance: cs.tol, bound: cs.bound, maxPoints });
      const every = Math.max(1, Math.ceil(E / maxPoints));
      const want: number[] = [];
      for (let t = 0; t < E; t += every) want.push(t);
      want.push(E);
      // For linear-decay, E is the run's own epoch count: the reference runs with the same last checkpoint.
      const pts = reference(cs.objective, cs.schedule, cs.optimizer, x0, lr, want, cs.tol, cs.bound);
      const where = describeCase(seed, cs);
      const stop = pts.findIndex((p) => p.divergedAt >= 0);
      const n = stop < 0 ? pts.length : stop + 1;
      expect(tr.t.length, where).toBe(n);
      expect(tr.t.length, where).toBeLessThanOrEqual(maxPoints + 1);
      for (let i = 0; i < n; i++) {
        const p = pts[i] as RefPoint;
        expect(tr.t[i], where).toBe(p.divergedAt >= 0 ? p.divergedAt : want[i]);
        expect(Object.is(tr.x[i], p.x), `${where}: x at ${i}`).toBe(true);
        expect(Object.is(tr.grad[i], p.grad), `${where}: grad at ${i}`).toBe(true);
      }
    }
  }, 60_000);

  it('generates small functions, so that V8 optimizes them quickly', () => {
    const parts = kernelSources({ ...(OBJECTIVES[1] as Objective), schedule: 'linear-decay', optimizer: OPTIMIZERS[3] as Optimizer }, 8);
    for (const src of Object.values(parts)) expect(src.length).toBeLessThan(12_000);
  });
});
