/**
 * Generated descent kernels. The objective's f' is inlined as JS source and
 * several independent tracks advance in the same loop ("lanes"), so the CPU
 * overlaps their dependency chains instead of waiting on one. One kernel per
 * (objective, schedule, optimizer, lanes, chunk), cached.
 *
 * Every kernel applies, per step t = 0 .. E-1 and per lane:
 *   g = f'(x); note the first t with |g| <= tol; s = step size (schedule);
 *   update x (optimizer); stop the lane when x is not finite or |x| > bound.
 *
 * How the work is organised (the arithmetic is the same everywhere, in the
 * same order, so the results are bit-identical to a plain loop over one
 * track; tests/engine/kernel.test.ts checks it against one):
 *
 * - `fast` functions run chunks of up to `chunk` steps carrying only x and
 *   the optimizer's state from step to step. Their one branch per step asks
 *   "did any lane cross the bound, or reach the tolerance while it still had
 *   to?" and is never taken in the common case. There is one per phase of a
 *   group: no lane converged yet (one shared tolerance), all converged (bound
 *   check only), mixed (a per-lane threshold). A chunk writes its state back
 *   only when it completes; when the branch is taken at step j it returns j
 *   with the state still that of the chunk's start. The driver then reruns
 *   steps t .. j-1 with the same function (nothing fires there), and
 * - the `exact` function runs step j with the per-step bookkeeping, which
 *   records convergedAt and divergedAt at their first t. That happens at
 *   most twice per lane (convergence, blow-up). The last two steps before
 *   every checkpoint also run there, for f' one and two steps back.
 * - A lane that blew up is stopped: its output is frozen and the lane is
 *   refilled with a copy of a live lane, so it neither slows the group down
 *   nor trips the check again. A group ends when all its lanes are dead.
 * - A group whose every lane sits at an exact fixed point (one step leaves
 *   x and the optimizer's state unchanged, bit for bit), or on an exact
 *   two-step cycle where the step does not depend on t, jumps whole periods
 *   to the last two steps before each checkpoint: nothing can change any
 *   more. Which schedules and optimizers allow it is theirs to say
 *   (src/registry: dependsOnT, neverGrows; Adam's step depends on t).
 * - The driver (checkpoints, phases, refills, output) is plain shared code;
 *   the generated functions are small, so V8 optimizes them within
 *   milliseconds, and their rare branches only move locals, so an optimized
 *   version does not lack type feedback for a path taken later.
 */
import type { Optimizer, Schedule } from '../config/types.js';
import { toFunction } from '../objective/compile.js';
import { resolveOptimizer } from '../registry/optimizers.js';
import { resolveSchedule } from '../registry/schedules.js';

export interface KernelSpec {
  fSource: string;
  dfSource: string;
  schedule: Schedule;
  optimizer: Optimizer;
}

/** Per-checkpoint output, laid out [track * C + checkpoint]. */
export interface KernelOutput {
  x: Float64Array;
  grad: Float64Array;
  loss: Float64Array;
  /** f' one and two steps before the checkpoint (for "oscillating"). */
  grad1: Float64Array;
  grad2: Float64Array;
  /** First t <= checkpoint with |f'| <= tol, else -1. */
  convergedAt: Int32Array;
  /** t at which the track blew up (<= checkpoint), else -1. */
  divergedAt: Int32Array;
}

/**
 * Runs tracks 0 .. n-1 (start X0[i], learning rate LR[i]) to every checkpoint
 * (ascending, distinct epoch counts) and writes `out`.
 */
export type Kernel = (
  X0: Float64Array,
  LR: Float64Array,
  n: number,
  checkpoints: Int32Array,
  tol: number,
  bound: number,
  out: KernelOutput,
  opts?: RunOptions,
) => number;

/** Lanes per group: enough independent chains to hide the latency of one step. */
export const DEFAULT_LANES = 8;
/** Steps per fast chunk: the most that a lane's convergence or blow-up reruns, and how often fixed points are looked for. */
export const DEFAULT_CHUNK = 256;

/** Runs steps j .. end-1 of a group; returns end, or the step at which a check fired (state left as it was). */
type FastFn = (S: Float64Array, j: number, end: number, tol: number, bound: number, E: number) => number;
/** Runs steps t .. stop-1 with the per-step bookkeeping and writes everything back. */
type ExactFn = (S: Float64Array, Q: Float64Array, I: Int32Array, t: number, stop: number, tol: number, bound: number, E: number) => void;
type ScalarFn = (x: number) => number;

/**
 * Group state layout. S (Float64Array): per lane k, x at k, lr at L+k, the
 * mixed-phase threshold at 2L+k, the optimizer's state from 3L; then the
 * optimizer's group state (Adam's p1, p2). Q (Float64Array): q1 at k, q2 at
 * L+k, the x at blow-up at 2L+k. I (Int32Array): convergedAt at k,
 * divergedAt at L+k.
 */
export interface KernelParts {
  lanes: number;
  chunk: number;
  /** Optimizer state slots per lane. */
  stateSlots: number;
  /** Start values of the optimizer's group state, after the lanes' slots. */
  groupState: readonly number[];
  /** The step's arithmetic does not depend on t (neither the schedule's nor the optimizer's): states can repeat with a period. */
  timeInvariant: boolean;
  /** A step that changed nothing changes nothing later: groups at an exact fixed point may be skipped. */
  fixedPointsStay: boolean;
  fastUnconverged: FastFn;
  fastConverged: FastFn;
  fastMixed: FastFn;
  exact: ExactFn;
  f: ScalarFn;
  df: ScalarFn;
}

/** The sources behind KernelParts (also what tests and the bench inspect). */
export interface KernelSources {
  fastUnconverged: string;
  fastConverged: string;
  fastMixed: string;
  exact: string;
}

function subst(source: string, v: string): string {
  return source.replace(/\bx\b/g, v);
}

type Phase = 'unconverged' | 'converged' | 'mixed';

/** JS sources (function bodies) of a kernel's generated parts. */
export function kernelSources(spec: KernelSpec, lanes: number = DEFAULT_LANES): KernelSources {
  const L = Math.max(1, Math.floor(lanes));
  const ks = Array.from({ length: L }, (_, k) => k);
  const schedule = resolveSchedule(spec.schedule);
  const optimizer = resolveOptimizer(spec.optimizer);
  const state = optimizer.laneState;
  const group = optimizer.groupState.map(([name]) => name);
  const P1 = (3 + state.length) * L;
  const df = (v: string) => subst(spec.dfSource, v);
  const step = (k: number) =>
    optimizer.update({ x: `x${k}`, g: `g${k}`, s: schedule.stepSize({ lr: `lr${k}`, g: `g${k}` }), state: (name) => `${name}${k}` });

  const shared = (t: string): string[] => [...schedule.preamble({ t, E: 'E' }), ...optimizer.preamble()];
  const load = (lines: string[]) => {
    for (const k of ks) lines.push(`let x${k} = S[${k}]; const lr${k} = S[${L + k}];`);
    state.forEach((s, i) => ks.forEach((k) => lines.push(`let ${s}${k} = S[${(3 + i) * L + k}];`)));
    if (group.length) lines.push(`let ${group.map((name, i) => `${name} = S[${P1 + i}]`).join(', ')};`);
  };
  const store = (lines: string[], indent: string) => {
    for (const k of ks) lines.push(`${indent}S[${k}] = x${k};`);
    state.forEach((s, i) => ks.forEach((k) => lines.push(`${indent}S[${(3 + i) * L + k}] = ${s}${k};`)));
    if (group.length) lines.push(`${indent}${group.map((name, i) => `S[${P1 + i}] = ${name};`).join(' ')}`);
  };

  const fast = (phase: Phase): string => {
    const lines: string[] = ['"use strict";'];
    load(lines);
    if (phase === 'mixed') for (const k of ks) lines.push(`const tl${k} = S[${2 * L + k}];`);
    const tests: string[] = [];
    for (const k of ks) {
      if (phase === 'unconverged') tests.push(`Math.abs(g${k}) <= tol`);
      if (phase === 'mixed') tests.push(`Math.abs(g${k}) <= tl${k}`);
      tests.push(`!(Math.abs(x${k}) <= bound)`);
    }
    lines.push('for (; j < end; j++) {');
    for (const s of shared('j')) lines.push(`  ${s}`);
    for (const k of ks) lines.push(`  const g${k} = ${df(`x${k}`)};`);
    for (const k of ks) lines.push(`  ${step(k)}`);
    lines.push(`  if (${tests.join(' || ')}) return j;`);
    lines.push('}');
    store(lines, '');
    lines.push('return j;');
    return lines.join('\n');
  };

  const exact = (): string => {
    const lines: string[] = ['"use strict";'];
    load(lines);
    for (const k of ks) lines.push(`let c${k} = I[${k}], d${k} = I[${L + k}], q1_${k} = Q[${k}], q2_${k} = Q[${L + k}], dx${k} = Q[${2 * L + k}];`);
    lines.push('for (; t < stop; t++) {');
    // Computed on every step, so that the rare branches below only move locals.
    lines.push('  const next = t + 1;');
    for (const s of shared('t')) lines.push(`  ${s}`);
    for (const k of ks) {
      lines.push(`  const g${k} = ${df(`x${k}`)};`);
      lines.push(`  if (c${k} < 0 && Math.abs(g${k}) <= tol) c${k} = t;`);
      lines.push(`  q2_${k} = q1_${k}; q1_${k} = g${k};`);
      lines.push(`  ${step(k)}`);
      lines.push(`  if (d${k} < 0 && !(Math.abs(x${k}) <= bound)) { d${k} = next; dx${k} = x${k}; }`);
    }
    lines.push('}');
    store(lines, '');
    for (const k of ks) lines.push(`I[${k}] = c${k}; I[${L + k}] = d${k}; Q[${k}] = q1_${k}; Q[${L + k}] = q2_${k}; Q[${2 * L + k}] = dx${k};`);
    return lines.join('\n');
  };

  return { fastUnconverged: fast('unconverged'), fastConverged: fast('converged'), fastMixed: fast('mixed'), exact: exact() };
}

/** Compiles a kernel's parts (uncached). */
export function kernelParts(spec: KernelSpec, lanes: number = DEFAULT_LANES, chunk: number = DEFAULT_CHUNK): KernelParts {
  const L = Math.max(1, Math.floor(lanes));
  const src = kernelSources(spec, L);
  const schedule = resolveSchedule(spec.schedule);
  const optimizer = resolveOptimizer(spec.optimizer);
  const fastArgs = ['S', 'j', 'end', 'tol', 'bound', 'E'];
  // Named for profiles (node --cpu-prof): gdsweep-kernel/<part>.js
  const named = (part: string, body: string) => `${body}\n//# sourceURL=gdsweep-kernel/${part}.js`;
  return {
    lanes: L,
    chunk: Math.max(1, Math.floor(chunk)),
    stateSlots: optimizer.laneState.length,
    groupState: optimizer.groupState.map(([, start]) => start),
    timeInvariant: !optimizer.dependsOnT && !schedule.dependsOnT,
    fixedPointsStay: !optimizer.dependsOnT && schedule.neverGrows,
    fastUnconverged: new Function(...fastArgs, named('fast-unconverged', src.fastUnconverged)) as FastFn,
    fastConverged: new Function(...fastArgs, named('fast-converged', src.fastConverged)) as FastFn,
    fastMixed: new Function(...fastArgs, named('fast-mixed', src.fastMixed)) as FastFn,
    exact: new Function('S', 'Q', 'I', 't', 'stop', 'tol', 'bound', 'E', named('exact', src.exact)) as ExactFn,
    f: toFunction(spec.fSource),
    df: toFunction(spec.dfSource),
  };
}

/** Copies live lane `from` into dead lane `to` (state and convergence), so the copy moves in step with it. */
function refill(p: KernelParts, S: Float64Array, I: Int32Array, from: number, to: number): void {
  const L = p.lanes;
  S[to] = S[from] as number;
  S[L + to] = S[L + from] as number;
  for (let i = 0; i < p.stateSlots; i++) S[(3 + i) * L + to] = S[(3 + i) * L + from] as number;
  I[to] = I[from] as number;
}

function refillDead(p: KernelParts, S: Float64Array, I: Int32Array): void {
  const L = p.lanes;
  let live = -1;
  for (let k = 0; k < L && live < 0; k++) if ((I[L + k] as number) < 0) live = k;
  if (live < 0) return;
  for (let k = 0; k < L; k++) if ((I[L + k] as number) >= 0) refill(p, S, I, live, k);
}

function countAlive(I: Int32Array, L: number): number {
  let alive = 0;
  for (let k = 0; k < L; k++) if ((I[L + k] as number) < 0) alive++;
  return alive;
}

/** Same x and optimizer state in every lane (zeros of different sign differ). */
function sameState(a: Float64Array, b: Float64Array, L: number, stateSlots: number): boolean {
  return sameSlots(a, b, 0, L) && sameSlots(a, b, 3 * L, (3 + stateSlots) * L);
}

function sameSlots(a: Float64Array, b: Float64Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const u = a[i] as number;
    const v = b[i] as number;
    if (u !== v || (u === 0 && 1 / u !== 1 / v)) return false;
  }
  return true;
}

/** Which fast function a group runs: by how many of its lanes have converged. */
function runFast(p: KernelParts, S: Float64Array, I: Int32Array, t: number, end: number, tol: number, bound: number, E: number): number {
  const L = p.lanes;
  let converged = 0;
  for (let k = 0; k < L; k++) if ((I[k] as number) >= 0) converged++;
  if (converged === 0) return p.fastUnconverged(S, t, end, tol, bound, E);
  if (converged === L) return p.fastConverged(S, t, end, tol, bound, E);
  for (let k = 0; k < L; k++) S[2 * L + k] = (I[k] as number) >= 0 ? -1 : tol;
  return p.fastMixed(S, t, end, tol, bound, E);
}

export interface RunOptions {
  /**
   * Skip the steps of a group whose every lane sits at an exact fixed point
   * (a step leaves x and the optimizer's state bit-for-bit unchanged), or,
   * where the step does not depend on t, on an exact cycle of two steps. The
   * results are the same. An optimizer whose update depends on t never
   * qualifies (Adam, through the bias correction), nor a schedule whose step
   * can grow; a schedule whose step depends on t only for fixed points.
   */
  skipFixedPoints: boolean;
}

/**
 * Runs every group of `lanes` tracks through all checkpoints. Returns the
 * lane-steps computed (padding and refilled lanes included, fixed points
 * skipped, replays counted twice): what the CPU did, for benchmarks.
 */
export function runKernel(
  p: KernelParts,
  X0: Float64Array,
  LR: Float64Array,
  n: number,
  checkpoints: Int32Array,
  tol: number,
  bound: number,
  out: KernelOutput,
  opts: RunOptions = { skipFixedPoints: true },
): number {
  // SPEC rule 1 counts a non-finite iterate at once; the loops test
  // !(|x| <= bound), which an infinite x passes when the bound is itself
  // infinite, so the bound is capped at the largest finite double.
  bound = Math.min(bound, Number.MAX_VALUE);
  const L = p.lanes;
  const K = p.chunk;
  const C = checkpoints.length;
  const E = C > 0 ? (checkpoints[C - 1] as number) : 0;
  const S = new Float64Array((3 + p.stateSlots) * L + p.groupState.length);
  const S0 = new Float64Array(S.length);
  const Q = new Float64Array(3 * L);
  const I = new Int32Array(2 * L);
  const P1 = (3 + p.stateSlots) * L;
  // With a constant x (and v), f' and the step are constant too, or shrink (the schedule's
  // neverGrows), so a step that changed nothing changes nothing later either. Where the step map does not
  // depend on t, a state that comes back after two steps comes back every two steps.
  const skip = opts.skipFixedPoints && p.fixedPointsStay;
  const maxPeriod = p.timeInvariant ? 2 : 1;
  const { x: outX, grad: outGrad, loss: outLoss, grad1: outGrad1, grad2: outGrad2, convergedAt: outConverged, divergedAt: outDiverged } = out;
  let work = 0;
  for (let base = 0; base < n; base += L) {
    S.fill(0);
    for (let k = 0; k < L; k++) {
      const i = base + k < n ? base + k : base;
      const x = X0[i] as number;
      S[k] = x;
      S[L + k] = LR[i] as number;
      Q[k] = NaN;
      Q[L + k] = NaN;
      Q[2 * L + k] = 0;
      I[k] = -1;
      I[L + k] = -1;
      // Lanes past n are padding: dead from the start, refilled like any dead lane, never written.
      if (base + k >= n || !(Math.abs(x) <= bound)) {
        I[L + k] = 0;
        Q[2 * L + k] = x;
      }
    }
    p.groupState.forEach((start, i) => (S[P1 + i] = start));
    let alive = countAlive(I, L);
    if (alive > 0 && alive < L) refillDead(p, S, I);
    // 0, or the number of steps after which the group's state repeats (1: a fixed point).
    let period = 0;
    let t = 0;
    for (let c = 0; c < C; c++) {
      const target = checkpoints[c] as number;
      // On a cycle, jump whole periods up to the last two steps before the checkpoint, which run
      // (for f' one and two steps back).
      if (period > 0 && target - 2 > t) t += Math.floor((target - 2 - t) / period) * period;
      while (t < target && alive > 0) {
        let stop = target;
        const end = Math.min(t + K, target - 2);
        if (end > t) {
          if (skip) S0.set(S);
          const j = runFast(p, S, I, t, end, tol, bound, E);
          work += Math.min(j + 1, end) - t;
          if (j >= end) {
            t = end;
            // Back where the chunk started: probe single steps (they stay before the last two) for a
            // period of 1 or 2. A probe whose check fires leaves the state as it was for the loop to handle.
            if (skip && period === 0 && sameState(S, S0, L, p.stateSlots)) {
              S0.set(S);
              for (let q = 1; q <= maxPeriod && t + 1 < target - 1; q++) {
                work += 1;
                if (runFast(p, S, I, t, t + 1, tol, bound, E) !== t + 1) break;
                t += 1;
                if (sameState(S, S0, L, p.stateSlots)) {
                  period = q;
                  t += Math.floor((target - 2 - t) / period) * period;
                  break;
                }
              }
            }
            continue;
          }
          // A check fired at step j (the state is still that of step t): rerun t .. j-1,
          // where nothing fires, at full speed, then step j with the bookkeeping.
          if (j > t) {
            work += j - t;
            runFast(p, S, I, t, j, tol, bound, E);
            t = j;
          }
          stop = j + 1;
        }
        p.exact(S, Q, I, t, stop, tol, bound, E);
        work += stop - t;
        t = stop;
        const now = countAlive(I, L);
        if (now !== alive) {
          alive = now;
          if (alive > 0) refillDead(p, S, I);
        }
      }
      // Checkpoint: every lane notes convergence at x_target (so refilled copies stay in step); real lanes are written.
      for (let k = 0; k < L; k++) {
        const x = S[k] as number;
        const g = p.df(x);
        if ((I[k] as number) < 0 && Math.abs(g) <= tol) I[k] = target;
        if (base + k >= n) continue;
        const o = (base + k) * C + c;
        const d = I[L + k] as number;
        if (d >= 0) {
          const dx = Q[2 * L + k] as number;
          outX[o] = dx;
          outGrad[o] = p.df(dx);
          outLoss[o] = p.f(dx);
          outGrad1[o] = NaN;
          outGrad2[o] = NaN;
          outConverged[o] = -1;
          outDiverged[o] = d;
        } else {
          outX[o] = x;
          outGrad[o] = g;
          outLoss[o] = p.f(x);
          outGrad1[o] = Q[k] as number;
          outGrad2[o] = Q[L + k] as number;
          outConverged[o] = I[k] as number;
          outDiverged[o] = -1;
        }
      }
    }
  }
  return work * L;
}

const cache = new Map<string, Kernel>();

export function getKernel(spec: KernelSpec, lanes: number = DEFAULT_LANES, chunk: number = DEFAULT_CHUNK): Kernel {
  const key = JSON.stringify([spec.fSource, spec.dfSource, spec.schedule, spec.optimizer, lanes, chunk]);
  let k = cache.get(key);
  if (!k) {
    const parts = kernelParts(spec, lanes, chunk);
    k = (X0, LR, n, checkpoints, tol, bound, out, opts) => runKernel(parts, X0, LR, n, checkpoints, tol, bound, out, opts);
    cache.set(key, k);
  }
  return k;
}
