/**
 * What a schedule's own test needs: runs on the reference quadratic laid out
 * as the planner lays them out, the product closed form of gd on it, a plain
 * one-track loop to compare the kernel with, and runs of one track shared
 * across epoch budgets against one track per budget.
 */
import { expect } from 'vitest';
import type { Optimizer, Schedule } from '../../src/config/types.js';
import { executeBatch, type BatchResult, type BatchSpec } from '../../src/engine/descend.js';
import { resolveOptimizer } from '../../src/registry/optimizers.js';
import { resolveSchedule } from '../../src/registry/schedules.js';

/** f(x) = 3x^2 - 3x + 4, f'(x) = 6x - 3, minimum at 0.5. */
export const QUAD = { fSource: '((3 * (x * x)) - (3 * x)) + 4', dfSource: '(6 * x) - 3' };
export const SIN_GAUSS = {
  fSource: '(Math.sin(x) * Math.exp(((-(0.05)) * (x * x))))',
  dfSource: '(Math.exp((((x * x) * (-(1))) / (20))) * (Math.cos(x) + (((Math.sin(x) * x) * (-(1))) / (10))))',
};

export interface Objective {
  fSource: string;
  dfSource: string;
}

export interface Runs {
  /** Per learning rate, per epoch count: the run's x, f', convergedAt and divergedAt. */
  x: number[][];
  grad: number[][];
  convergedAt: number[][];
  divergedAt: number[][];
  result: BatchResult;
}

/**
 * Every (lr, epochs) run from x0, one batch. `shared`: one track per lr
 * through every epoch count (what the planner does unless the schedule
 * depends on E), else one track per (lr, epochs). Default: as the planner.
 */
export function runAll(
  schedule: Schedule,
  lrs: number[],
  epochs: number[],
  opts: { objective?: Objective; optimizer?: Optimizer; x0?: number; shared?: boolean; tolerance?: number; bound?: number } & Partial<Pick<BatchSpec, 'lanes' | 'chunk' | 'skipFixedPoints'>> = {},
): Runs {
  const shared = opts.shared ?? !resolveSchedule(schedule).dependsOnEpochs;
  const P = epochs.length;
  const tracks: { lr: number; firstRun: number; epochIdx: number }[] = [];
  lrs.forEach((lr, i) => {
    if (shared) tracks.push({ lr, firstRun: i * P, epochIdx: -1 });
    else epochs.forEach((_, p) => tracks.push({ lr, firstRun: i * P + p, epochIdx: p }));
  });
  const spec: BatchSpec = {
    ...(opts.objective ?? QUAD),
    tolerance: opts.tolerance ?? 1e-3,
    bound: opts.bound ?? Infinity,
    epochs,
    schedules: [schedule],
    optimizers: [opts.optimizer ?? { kind: 'gd' }],
    start: new Float64Array(tracks.length).fill(opts.x0 ?? 2),
    lr: Float64Array.from(tracks.map((t) => t.lr)),
    schedule: new Uint8Array(tracks.length),
    optimizer: new Uint8Array(tracks.length),
    firstRun: Float64Array.from(tracks.map((t) => t.firstRun)),
    epochIdx: Int32Array.from(tracks.map((t) => t.epochIdx)),
  };
  if (opts.lanes !== undefined) spec.lanes = opts.lanes;
  if (opts.chunk !== undefined) spec.chunk = opts.chunk;
  if (opts.skipFixedPoints !== undefined) spec.skipFixedPoints = opts.skipFixedPoints;
  const result = executeBatch(spec);
  const grid = (col: ArrayLike<number>) => lrs.map((_, i) => epochs.map((_, p) => col[i * P + p] as number));
  return { x: grid(result.x), grad: grid(result.grad), convergedAt: grid(result.convergedAt), divergedAt: grid(result.divergedAt), result };
}

/** gd on the quadratic with step sizes s_t: x_E - 0.5 = prod_{t<E} (1 - 6 s_t) (x0 - 0.5). */
export function quadraticClosedForm(x0: number, E: number, s: (t: number) => number): number {
  let prod = 1;
  for (let t = 0; t < E; t++) prod *= 1 - 6 * s(t);
  return 0.5 + prod * (x0 - 0.5);
}

export function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

/**
 * One track, one step at a time (SPEC section 3), with the registries'
 * plain arithmetic: x, f', convergedAt and divergedAt of a run of E epochs.
 */
export function plainRun(
  objective: Objective,
  schedule: Schedule,
  optimizer: Optimizer,
  x0: number,
  lr: number,
  E: number,
  tol: number,
  bound: number,
): { x: number; grad: number; convergedAt: number; divergedAt: number } {
  const df = new Function('x', `return ${objective.dfSource};`) as (x: number) => number;
  const sched = resolveSchedule(schedule);
  const step = resolveOptimizer(optimizer);
  const lane: Record<string, number> = { x: x0 };
  for (const name of step.laneState) lane[name] = 0;
  const group: Record<string, number> = Object.fromEntries(step.groupState);
  let c = -1;
  if (!(Math.abs(x0) <= bound)) return { x: x0, grad: df(x0), convergedAt: -1, divergedAt: 0 };
  for (let t = 0; t < E; t++) {
    const g = df(lane.x as number);
    if (c < 0 && Math.abs(g) <= tol) c = t;
    step.plain(lane, group, g, sched.plain({ lr, g, t, E }));
    const x = lane.x as number;
    if (!(Math.abs(x) <= bound)) return { x, grad: df(x), convergedAt: -1, divergedAt: t + 1 };
  }
  const x = lane.x as number;
  const g = df(x);
  if (c < 0 && Math.abs(g) <= tol) c = E;
  return { x, grad: g, convergedAt: c, divergedAt: -1 };
}

/**
 * A schedule's kernel against the plain loop, bit for bit: every optimizer,
 * objective, lr and epoch budget given, through the chunk sizes, lane counts
 * and fixed-point skipping that exercise the fast path, its exact replays and
 * its skips. Each schedule's own test calls this with its labels.
 */
export function expectKernelEqualsPlainLoop(schedules: readonly Schedule[], optimizers: readonly Optimizer[], objectives: readonly Objective[]): void {
  const epochs = [3, 150, 700, 2000];
  const lrs = [1e-3, 0.02, 0.1, 0.3, 0.6, 1.2, 2.5];
  const layouts = [
    [1, 1, false],
    [7, 3, true],
    [256, 8, true],
    [4096, 4, false],
  ] as const;
  for (const objective of objectives)
    for (const optimizer of optimizers)
      for (const schedule of schedules)
        for (const [chunk, lanes, skipFixedPoints] of layouts) {
          const runs = runAll(schedule, lrs, epochs, { objective, optimizer, chunk, lanes, skipFixedPoints, tolerance: 1e-3, bound: 50 });
          lrs.forEach((lr, i) =>
            epochs.forEach((E, p) => {
              const want = plainRun(objective, schedule, optimizer, 2, lr, E, 1e-3, 50);
              const at = `${schedule}, ${optimizer.kind}, lr ${lr}, E ${E}, chunk ${chunk}`;
              expect(Object.is(runs.x[i]?.[p], want.x), `${at}: x ${runs.x[i]?.[p]} vs ${want.x}`).toBe(true);
              expect(Object.is(runs.grad[i]?.[p], want.grad), `${at}: grad`).toBe(true);
              expect(runs.divergedAt[i]?.[p], `${at}: divergedAt`).toBe(want.divergedAt);
              if ((runs.convergedAt[i]?.[p] as number) >= 0) expect(runs.convergedAt[i]?.[p], `${at}: convergedAt`).toBe(want.convergedAt);
            }),
          );
        }
}
