/**
 * The plan: the run grid as the product of the axes, and the tracks that
 * execute it. Runs that differ only in epochs share one trajectory (a track
 * with one checkpoint per epoch value) unless the schedule depends on the
 * epoch count. Pure and deterministic: run ids are grid positions.
 */
import { createHash } from 'node:crypto';
import { tooManyRuns, tooManySteps } from '../config/limits.js';
import { optimizerLabel, type Schedule, type SweepConfig } from '../config/types.js';
import { resolveSchedule } from '../registry/schedules.js';
import { Grid } from './axes.js';
import { VERSION } from '../version.js';

export { AXES, Grid, type AxisKey } from './axes.js';

/** Schedules whose step t depends on the run's epoch count E (the registry says which). */
export function scheduleDependsOnEpochs(s: Schedule): boolean {
  return resolveSchedule(s).dependsOnEpochs;
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
  /** The run grid: axis lengths, strides, id <-> position. */
  grid: Grid;
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

export function buildPlan(config: SweepConfig, limits: PlanLimits = DEFAULT_PLAN_LIMITS): Plan {
  const grid = Grid.of(config);
  const runCount = grid.size;
  if (runCount > limits.maxRuns) throw tooManyRuns(config.file, runCount, limits.maxRuns);
  const maxEpochs = Math.max(...config.epochs);
  const P = grid.lengths.epochs;
  const allEpochs = config.epochs.map((_, i) => i);
  // Cheap upper bound first, so a huge grid is refused before tracks are built.
  const perTrajectory = runCount / P / grid.lengths.schedule;
  let totalSteps = 0;
  for (const sched of config.schedules) {
    totalSteps += perTrajectory * (scheduleDependsOnEpochs(sched) ? config.epochs.reduce((a, b) => a + b, 0) : maxEpochs);
  }
  if (totalSteps > limits.maxSteps) {
    throw tooManySteps(config.file, totalSteps, limits.maxSteps);
  }
  const tracks: Track[] = [];
  // Every run with epochs index 0 starts a trajectory; ids ascend, so tracks come in id order.
  for (let base = 0; base < runCount; base += P) {
    const at = grid.decode(base);
    const common = { start: config.starts[at.start] as number, lr: config.learningRates[at.lr] as number, schedule: at.schedule, optimizer: at.optimizer };
    if (scheduleDependsOnEpochs(config.schedules[at.schedule] as Schedule)) {
      for (let p = 0; p < P; p++) tracks.push({ index: tracks.length, ...common, firstRun: base + p, epochIdx: [p], cost: config.epochs[p] as number });
    } else {
      tracks.push({ index: tracks.length, ...common, firstRun: base, epochIdx: allEpochs, cost: maxEpochs });
    }
  }
  return { config, grid, runCount, tracks, totalSteps, hash: planHash(config) };
}

/** The parameters of run `id` (grid position). */
export function runParams(plan: Plan, id: number): RunParams {
  const at = plan.grid.decode(id);
  const c = plan.config;
  return {
    id,
    start: c.starts[at.start] as number,
    lr: c.learningRates[at.lr] as number,
    epochs: c.epochs[at.epochs] as number,
    schedule: c.schedules[at.schedule] as Schedule,
    optimizer: optimizerLabel(c.optimizers[at.optimizer] as (typeof c.optimizers)[number]),
  };
}
