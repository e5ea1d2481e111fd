/**
 * What a schema cannot say, as lists of small named rules. Each reads the
 * sweep as far as it is normalised and throws one located SweepConfigError
 * (the runs limit alone names no line: it is the whole grid's). The loader
 * (load.ts) runs each list at its stage, rule by rule, so that of several
 * problems a file always gets the same first one.
 */
import { checkDerivative, describeDisagreement } from '../objective/check.js';
import { expressionFunction } from '../objective/objective.js';
import { tooManyRuns, type LoadLimits } from './limits.js';
import { formatPath } from './messages.js';
import { axisLength, type Axis, type EpochAxis } from './normalise-axes.js';
import { entryCount } from './normalise-entries.js';
import { derivativeCheckPoints, type ResolvedObjective } from './normalise-objective.js';
import type { SweepFile } from './schema.js';
import type { SweepConfig, TrajectorySelector } from './types.js';
import type { PathSegment, YamlSource } from './yaml-position.js';

export type Rule<C> = (config: C, source: YamlSource) => void;

export function runRules<C>(rules: readonly Rule<C>[], config: C, source: YamlSource): void {
  for (const rule of rules) rule(config, source);
}

/** The sweep before any axis is expanded: the checked file, the limits, the objective resolved. */
export interface Resolved {
  file: SweepFile;
  limits: LoadLimits;
  objective: ResolvedObjective;
}

/** ... with the starts drawn or expanded. */
export interface WithStarts extends Resolved {
  starts: number[];
}

/** ... with the learning rates expanded. */
export interface WithLearningRates extends WithStarts {
  learningRates: Axis;
}

/** ... with the epochs expanded. */
export interface WithEpochs extends WithLearningRates {
  epochs: EpochAxis;
}

/** Every axis expanded: the config as the loader returns it, with the optimizers' labels (which selectors name). */
export interface Expanded extends WithEpochs {
  config: SweepConfig;
  optimizerLabels: readonly string[];
}

function domainIsOrdered({ objective: { domain } }: Resolved, source: YamlSource): void {
  if (domain && !(domain[0] < domain[1])) {
    throw source.error(['objective', 'domain'], `objective.domain: must be [from, to] with from < to, got [${domain[0]}, ${domain[1]}]`);
  }
}

function domainIsComputable({ objective: { domain } }: Resolved, source: YamlSource): void {
  if (domain && !Number.isFinite(domain[1] - domain[0])) {
    throw source.error(['objective', 'domain'], `objective.domain: from and to are too far apart to compute in float64, got [${domain[0]}, ${domain[1]}]`);
  }
}

function gridWithinRunLimit({ file, limits }: Resolved, source: YamlSource): void {
  const lengths = [axisLength(file.starts), axisLength(file.learning_rate), axisLength(file.epochs)];
  // One axis too long on its own gets its own, located, message.
  if (lengths.some((n) => !(n <= limits.maxAxisValues))) return;
  const runs = lengths.reduce((a, b) => a * b, 1) * entryCount(file.schedule) * entryCount(file.optimizer);
  if (runs > limits.maxAxisValues) throw tooManyRuns(source.file, runs, limits.maxAxisValues);
}

/** starts.random as the file gives it, if it does. */
function randomStartsOf(file: SweepFile): { count: number; seed: number } | null {
  return typeof file.starts === 'object' && !Array.isArray(file.starts) && 'random' in file.starts ? file.starts.random : null;
}

function randomStartsHaveDomain({ file, objective }: Resolved, source: YamlSource): void {
  if (randomStartsOf(file) && !objective.domain) throw source.error(['starts', 'random'], 'starts.random: needs objective.domain: [from, to] to draw the starts from');
}

function randomStartsFitDomainGrid({ file }: Resolved, source: YamlSource): void {
  const count = randomStartsOf(file)?.count ?? 0;
  if (count > 2001) throw source.error(['starts', 'random', 'count'], `starts.random.count: at most 2001 distinct points can be drawn from the domain grid, got ${count}`);
}

/** A derivative the file gives must agree with f, at points of the domain (or around the starts) and at some starts. */
function givenDerivativeMatches({ objective, starts, limits }: WithStarts, source: YamlSource): void {
  if (objective.derivative === null) return;
  const f = expressionFunction(objective.expr, limits);
  const d = checkDerivative(f, expressionFunction(objective.derivative, limits), derivativeCheckPoints(objective.domain, starts));
  if (d) throw source.error(['objective', 'derivative'], `objective.derivative: does not match objective.expr: ${describeDisagreement(d)}`);
}

function learningRatesArePositive({ file, learningRates: axis }: WithLearningRates, source: YamlSource): void {
  axis.values.forEach((lr, i) => {
    if (lr > 0 && Number.isFinite(lr)) return;
    if (axis.generator) {
      throw source.error(['learning_rate', axis.generator], `learning_rate.${axis.generator}: value [${i}] is ${lr}; every learning rate must be a positive number`);
    }
    // The SPEC's own example: `learning_rate[2]: must be a positive number`.
    const where: PathSegment[] = Array.isArray(file.learning_rate) ? ['learning_rate', i] : ['learning_rate'];
    throw source.error(where, `${formatPath(where)}: must be a positive number`);
  });
}

const MAX_EPOCHS = 2 ** 31 - 1;

/** Each epoch count (a generated one once rounded) is a whole number from 0 to MAX_EPOCHS. */
function epochsAreWholeNumbers({ file, epochs: axis }: WithEpochs, source: YamlSource): void {
  axis.rounded.forEach((v, i) => {
    const e = axis.values[i] as number;
    if (Number.isInteger(v) && v >= 0 && v <= MAX_EPOCHS) return;
    const rule = v > MAX_EPOCHS ? `must be at most ${MAX_EPOCHS}` : 'must be a whole number, 0 or more';
    if (axis.generator) {
      const what = v === e ? `${e}` : `${e}, which rounds to ${v}`;
      throw source.error(['epochs', axis.generator], `epochs.${axis.generator}: value [${i}] is ${what}; every epoch count ${rule}`);
    }
    const where: PathSegment[] = Array.isArray(file.epochs) ? ['epochs', i] : ['epochs'];
    throw source.error(where, `${formatPath(where)}: ${rule.replace('a whole number', 'a whole number of epochs')}, got ${e}`);
  });
}

/** report.trajectories: more selectors than a report could draw, each matched against every run. */
export const MAX_TRAJECTORY_SELECTORS = 64;

function trajectorySelectorsWithinLimit({ config }: Expanded, source: YamlSource): void {
  const n = config.trajectories.length;
  // Each selector is matched against every run when the report is drawn.
  if (n > MAX_TRAJECTORY_SELECTORS) {
    throw source.error(['report', 'trajectories', MAX_TRAJECTORY_SELECTORS], `report.trajectories: at most ${MAX_TRAJECTORY_SELECTORS} run selectors, got ${n}`);
  }
}

/**
 * Trajectory selectors must each pick at least one run: every value they
 * name must be on its axis (the grid is a product, so that is enough).
 */
function trajectorySelectorsPickRuns({ config, optimizerLabels }: Expanded, source: YamlSource): void {
  const axes = new Map<string, { list: readonly unknown[]; set: Set<unknown> }>();
  const axisValues = (axis: string, list: readonly unknown[]) => {
    let a = axes.get(axis);
    if (!a) axes.set(axis, (a = { list, set: new Set(list) }));
    return a;
  };
  config.trajectories.forEach((sel, i) => {
    const miss = (key: keyof TrajectorySelector, axis: string, v: unknown, values: readonly unknown[]) => {
      if (v === undefined) return;
      const { list, set } = axisValues(axis, values);
      if (set.has(v)) return;
      const shown = list.length <= 8 ? list.map(String).join(', ') : `${list.slice(0, 6).map(String).join(', ')}, ... ${list.length} values`;
      throw source.error(['report', 'trajectories', i, key], `report.trajectories[${i}].${key}: ${String(v)} is not a value of ${axis} (${shown})`);
    };
    miss('learning_rate', 'learning_rate', sel.learning_rate, config.learningRates);
    miss('epochs', 'epochs', sel.epochs, config.epochs);
    miss('start', 'starts', sel.start, config.starts);
    miss('schedule', 'schedule', sel.schedule, config.schedules);
    miss('optimizer', 'optimizer', sel.optimizer, optimizerLabels);
  });
}

/** Before any axis is expanded: a grid over the runs limit (three axes of ten million values each) would take seconds and a gigabyte only to be refused by the planner. */
export const RESOLVED_RULES: readonly Rule<Resolved>[] = [domainIsOrdered, domainIsComputable, gridWithinRunLimit, randomStartsHaveDomain, randomStartsFitDomainGrid];
export const STARTS_RULES: readonly Rule<WithStarts>[] = [givenDerivativeMatches];
export const LEARNING_RATE_RULES: readonly Rule<WithLearningRates>[] = [learningRatesArePositive];
export const EPOCH_RULES: readonly Rule<WithEpochs>[] = [epochsAreWholeNumbers];
export const EXPANDED_RULES: readonly Rule<Expanded>[] = [trajectorySelectorsWithinLimit, trajectorySelectorsPickRuns];
