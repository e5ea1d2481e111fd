/**
 * The plan: the run grid as the product of the axes, and the tracks that
 * execute it. Runs that differ only in epochs share one trajectory (a track
 * with one checkpoint per epoch value) unless the schedule depends on the
 * epoch count. Pure and deterministic: run ids are grid positions.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';
import { optimizerLabel, type Schedule, type SweepConfig } from '../config/types.js';
import { VERSION } from '../version.js';

/** Grid order, outermost first; epochs innermost so a track's runs are contiguous. */
export const AXIS_ORDER = ['start', 'schedule', 'optimizer', 'lr', 'epochs'] as const;

/** Schedules whose step t depends on the run's epoch count E. */
export function scheduleDependsOnEpochs(s: Schedule): boolean {
  return s === 'linear-decay';
}

export interface Track {
  index: number;
  start: number;
  lr: number;
  schedule: number;
  optimizer: number;
  /** Id of the track's first run; its runs are firstRun .. firstRun + epochIdx.length - 1. */
  firstRun: number;
  /** Indices into the epochs axis, one per run, in run order. */
  epochIdx: number[];
  /** Steps this track costs: its largest epoch count. */
  cost: number;
}

export interface RunParams {
  id: number;
  start: number;
  lr: number;
  epochs: number;
  schedule: Schedule;
  optimizer: string;
}

export interface Plan {
  config: SweepConfig;
  /** Axis lengths in AXIS_ORDER. */
  dims: [number, number, number, number, number];
  runCount: number;
  tracks: Track[];
  totalSteps: number;
  /** Short hash of everything that determines the results. */
  hash: string;
}

export interface PlanLimits {
  maxSteps: number;
  maxRuns: number;
}

export const DEFAULT_PLAN_LIMITS: PlanLimits = { maxSteps: 1e10, maxRuns: 1e7 };

/** A count as the limits' messages write it: 4000, 2.50e7. */
export function fmt(n: number): string {
  return n >= 1e6 ? n.toExponential(2).replace('e+', 'e') : String(n);
}

/** Canonical description of what determines the results, for the hash. */
export function planIdentity(config: SweepConfig): Record<string, unknown> {
  return {
    format: 'gdsweep-plan/1',
    name: config.name,
    title: config.title,
    objective: config.objective,
    starts: config.starts,
    learning_rate: config.learningRates,
    epochs: config.epochs,
    schedule: config.schedules,
    optimizer: config.optimizers.map(optimizerLabel),
    tolerance: config.tolerance,
    bound: config.bound,
    trajectories: config.trajectories,
  };
}

export function planHash(config: SweepConfig): string {
  return createHash('sha256').update(JSON.stringify(planIdentity(config))).update(VERSION).digest('hex').slice(0, 16);
}

export function tooManyRunsText(runs: number, maxRuns: number): string {
  return `the plan has ${fmt(runs)} runs, more than the limit of ${fmt(maxRuns)} (raise it with --max-runs)`;
}

/** The refusal of a grid above --max-runs (also given by the loader, before it expands the axes). */
export function tooManyRuns(file: string, runs: number, maxRuns: number): UserError {
  return new UserError(`${file}: ${tooManyRunsText(runs, maxRuns)}`);
}

export function buildPlan(config: SweepConfig, limits: PlanLimits = DEFAULT_PLAN_LIMITS): Plan {
  const dims: Plan['dims'] = [config.starts.length, config.schedules.length, config.optimizers.length, config.learningRates.length, config.epochs.length];
  const runCount = dims.reduce((a, b) => a * b, 1);
  if (runCount > limits.maxRuns) throw tooManyRuns(config.file, runCount, limits.maxRuns);
  const maxEpochs = Math.max(...config.epochs);
  const P = config.epochs.length;
  const allEpochs = config.epochs.map((_, i) => i);
  // Cheap upper bound first, so a huge grid is refused before tracks are built.
  const [S, K, O, L] = dims;
  let totalSteps = 0;
  for (const sched of config.schedules) {
    totalSteps += S * O * L * (scheduleDependsOnEpochs(sched) ? config.epochs.reduce((a, b) => a + b, 0) : maxEpochs);
  }
  if (totalSteps > limits.maxSteps) {
    throw new UserError(`${config.file}: the plan needs ${fmt(totalSteps)} steps, more than the limit of ${fmt(limits.maxSteps)} (raise it with --max-steps)`);
  }
  const tracks: Track[] = [];
  for (let s = 0; s < S; s++) {
    for (let k = 0; k < K; k++) {
      const perEpoch = scheduleDependsOnEpochs(config.schedules[k] as Schedule);
      for (let o = 0; o < O; o++) {
        for (let l = 0; l < L; l++) {
          const base = (((s * K + k) * O + o) * L + l) * P;
          const common = { start: config.starts[s] as number, lr: config.learningRates[l] as number, schedule: k, optimizer: o };
          if (perEpoch) {
            for (let p = 0; p < P; p++) {
              tracks.push({ index: tracks.length, ...common, firstRun: base + p, epochIdx: [p], cost: config.epochs[p] as number });
            }
          } else {
            tracks.push({ index: tracks.length, ...common, firstRun: base, epochIdx: allEpochs, cost: maxEpochs });
          }
        }
      }
    }
  }
  return { config, dims, runCount, tracks, totalSteps, hash: planHash(config) };
}

/** The parameters of run `id` (grid position). */
export function runParams(plan: Plan, id: number): RunParams {
  const [, K, O, L, P] = plan.dims;
  let r = id;
  const p = r % P;
  r = (r - p) / P;
  const l = r % L;
  r = (r - l) / L;
  const o = r % O;
  r = (r - o) / O;
  const k = r % K;
  const s = (r - k) / K;
  const c = plan.config;
  return {
    id,
    start: c.starts[s] as number,
    lr: c.learningRates[l] as number,
    epochs: c.epochs[p] as number,
    schedule: c.schedules[k] as Schedule,
    optimizer: optimizerLabel(c.optimizers[o] as (typeof c.optimizers)[number]),
  };
}
