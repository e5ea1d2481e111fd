/** The normalised sweep: every axis expanded to concrete values. */

import type { OptimizerSpec } from '../registry/optimizers.js';
import type { ScheduleLabel } from '../registry/schedules.js';

export { optimizerLabel, parseOptimizerLabel } from '../registry/optimizers.js';

/** A schedule axis value: its label (`linear-decay`), as results files write it. The registry parses it (src/registry/schedules.ts). */
export type Schedule = ScheduleLabel;

/** An optimizer axis value with its parameters (`{kind: 'momentum', beta: 0.9}`); the registry labels it (src/registry/optimizers.ts). */
export type Optimizer = OptimizerSpec;

export interface TrajectorySelector {
  learning_rate?: number;
  epochs?: number;
  start?: number;
  /** A schedule label, as results files write it. */
  schedule?: string;
  optimizer?: string;
}

export interface SweepObjective {
  /** The builtin's name when the sweep used `builtin:`. */
  builtin: string | null;
  expr: string;
  derivative: string;
  /** Where the curve is plotted and random starts are drawn. */
  domain: [number, number] | null;
}

export interface SweepConfig {
  /** The file as named on the command line (for messages only; never written). */
  file: string;
  name: string;
  title: string;
  objective: SweepObjective;
  starts: number[];
  learningRates: number[];
  epochs: number[];
  schedules: Schedule[];
  optimizers: Optimizer[];
  tolerance: number;
  bound: number;
  trajectories: TrajectorySelector[];
}
