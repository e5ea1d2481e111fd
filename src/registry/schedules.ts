/**
 * The step-size schedules: everything the loader, the planner, the kernel
 * generator and the JSON Schema know about a schedule is its entry here.
 * A new schedule is one entry (and its test); leaving out a field does not
 * compile.
 *
 * Step t = 0 .. E-1 of a run of E epochs uses step size s_t; the optimizer
 * then moves x by s_t times its direction.
 */
import * as z from 'zod';
import { formatLabel, jsNumber, paramsOf, parseLabel, type ParamDefs, type ParamValues } from './params.js';

/** Names the kernel generator gives its variables, as JS expressions. */
export interface StepVars {
  /** The lane's learning rate. */
  lr: string;
  /** The lane's f'(x_t). */
  g: string;
}

export interface TimeVars {
  /** The step index t (0-based). */
  t: string;
  /** The run's epoch count E (the group's last checkpoint). */
  E: string;
}

export interface ScheduleDef<P extends ParamDefs = ParamDefs> {
  /** One line for the README and `gdsweep schema`. */
  doc: string;
  /** s_t as the README writes it. */
  formula: string;
  params: P;
  /** The step size changes with t (other than through x): the kernel's state cannot repeat with a period. */
  dependsOnT: boolean;
  /** The step size depends on the run's epoch count E: runs that differ in E cannot share one trajectory. */
  dependsOnEpochs: boolean;
  /**
   * At a fixed x, s_t never grows with t (for these parameters): a step that
   * moved nothing moves nothing later either, so the kernel may skip a group
   * sitting at an exact fixed point.
   */
  neverGrows(p: ParamValues<P>): boolean;
  /** Statements run once per step, before the lanes' updates: locals the lanes share. */
  preamble(p: ParamValues<P>, v: TimeVars): string[];
  /** One lane's step size as a JS expression. */
  stepSize(p: ParamValues<P>, v: StepVars): string;
  /** The same step size as plain arithmetic, operation for operation (tests check the kernel against it bit for bit). */
  plain(p: ParamValues<P>, v: { lr: number; g: number; t: number; E: number }): number;
}

/** An entry, with its parameter types inferred from its `params`. */
function schedule<P extends ParamDefs>(def: ScheduleDef<P>): ScheduleDef<P> {
  return def;
}

export const SCHEDULES = {
  constant: schedule({
    doc: 'the same step every time',
    formula: 'lr',
    params: {},
    dependsOnT: false,
    dependsOnEpochs: false,
    neverGrows: () => true,
    preamble: () => [],
    stepSize: (_, v) => v.lr,
    plain: (_, v) => v.lr,
  }),
  'grad-scaled': schedule({
    doc: "the step grows with the slope: large far from a minimum, small near it",
    formula: "lr * |f'(x_t)|",
    params: {},
    dependsOnT: false,
    dependsOnEpochs: false,
    neverGrows: () => true,
    preamble: () => [],
    stepSize: (_, v) => `(${v.lr} * Math.abs(${v.g}))`,
    plain: (_, v) => v.lr * Math.abs(v.g),
  }),
  'linear-decay': schedule({
    doc: 'from lr down to 0 at the last step; depends on E, so one trajectory per epoch budget',
    formula: 'lr * (1 - (t + 1) / E)',
    params: {},
    dependsOnT: true,
    dependsOnEpochs: true,
    neverGrows: () => true,
    preamble: (_, v) => [`const decay = 1 - (${v.t} + 1) / ${v.E};`],
    stepSize: (_, v) => `(${v.lr} * decay)`,
    plain: (_, v) => v.lr * (1 - (v.t + 1) / v.E),
  }),
  'exponential-decay': schedule({
    doc: 'multiplied by gamma every step, as PyTorch ExponentialLR; depends on t, not on E',
    formula: 'lr * gamma^t',
    params: {
      gamma: { schema: z.number({ error: 'must be a number' }).positive({ error: 'must be a positive number' }), default: 0.99, doc: 'factor per step, > 0' },
    },
    dependsOnT: true,
    dependsOnEpochs: false,
    neverGrows: (p) => p.gamma <= 1,
    preamble: (p, v) => [`const decay = Math.pow(${jsNumber(p.gamma)}, ${v.t});`],
    stepSize: (_, v) => `(${v.lr} * decay)`,
    plain: (p, v) => v.lr * Math.pow(p.gamma, v.t),
  }),
  'step-decay': schedule({
    doc: 'multiplied by gamma every `every` steps, as PyTorch StepLR (whose step_size is `every`); depends on t, not on E',
    formula: 'lr * gamma^floor(t / every)',
    params: {
      gamma: { schema: z.number({ error: 'must be a number' }).positive({ error: 'must be a positive number' }), default: 0.1, doc: 'factor every `every` steps, > 0' },
      every: {
        schema: z.int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }),
        default: 10,
        doc: 'steps between two decays (PyTorch StepLR step_size), a whole number >= 1',
      },
    },
    dependsOnT: true,
    dependsOnEpochs: false,
    neverGrows: (p) => p.gamma <= 1,
    preamble: (p, v) => [`const decay = Math.pow(${jsNumber(p.gamma)}, Math.floor(${v.t} / ${jsNumber(p.every)}));`],
    stepSize: (_, v) => `(${v.lr} * decay)`,
    plain: (p, v) => v.lr * Math.pow(p.gamma, Math.floor(v.t / p.every)),
  }),
} satisfies Record<string, ScheduleDef>;

export type ScheduleName = keyof typeof SCHEDULES;
export const SCHEDULE_NAMES = Object.keys(SCHEDULES) as ScheduleName[];

/** The schedule of runs whose sweep has no `schedule` axis: the plain step x <- x - lr f'(x) (with the default optimizer). */
export const DEFAULT_SCHEDULE: ScheduleName = 'constant';

/** A schedule with its parameters: `{kind: 'linear-decay'}`. */
export type ScheduleSpec = { [N in ScheduleName]: { readonly kind: N } & ParamValues<(typeof SCHEDULES)[N]['params']> }[ScheduleName];

/** A schedule as results files and selectors name it: `constant`, `name(k=v,...)` with the non-default parameters. */
export type ScheduleLabel = ScheduleName | `${ScheduleName}(${string})`;

export function scheduleDef(name: ScheduleName): ScheduleDef {
  return SCHEDULES[name];
}

export function scheduleLabel(s: ScheduleSpec): ScheduleLabel {
  return formatLabel(s.kind, scheduleDef(s.kind).params, paramsOf(scheduleDef(s.kind).params, s)) as ScheduleLabel;
}

/** The schedule a label names, or null. */
export function parseScheduleLabel(label: string): ScheduleSpec | null {
  const p = parseLabel(SCHEDULES, label);
  return p ? ({ ...p.values, kind: p.name } as ScheduleSpec) : null;
}

/** A schedule's entry bound to its parameters: what the planner and the kernel generator use. */
export interface ResolvedSchedule {
  name: ScheduleName;
  label: ScheduleLabel;
  dependsOnT: boolean;
  dependsOnEpochs: boolean;
  neverGrows: boolean;
  preamble(v: TimeVars): string[];
  stepSize(v: StepVars): string;
  plain(v: { lr: number; g: number; t: number; E: number }): number;
}

/** Resolves a label (or spec); throws on a label that names no schedule (the loader only makes valid ones). */
export function resolveSchedule(s: ScheduleLabel | ScheduleSpec): ResolvedSchedule {
  const spec = typeof s === 'string' ? parseScheduleLabel(s) : s;
  if (!spec) throw new Error(`unknown schedule '${String(s)}'`);
  const def = scheduleDef(spec.kind);
  const p = paramsOf(def.params, spec);
  return {
    name: spec.kind,
    label: scheduleLabel(spec),
    dependsOnT: def.dependsOnT,
    dependsOnEpochs: def.dependsOnEpochs,
    neverGrows: def.neverGrows(p),
    preamble: (v) => def.preamble(p, v),
    stepSize: (v) => def.stepSize(p, v),
    plain: (v) => def.plain(p, v),
  };
}
