/**
 * Load a sweep file in four steps: read (YAML with positions), schema
 * (strict zod, its messages in messages.ts), normalise (expand axes), rules
 * (what a schema cannot say).
 * Returns a SweepConfig or throws one SweepConfigError.
 */
import { SweepConfigError } from '../errors.js';
import { ExpressionError, type GrammarLimits, DEFAULT_GRAMMAR_LIMITS, parseExpression } from '../objective/grammar.js';
import { chooseDerivative, derivativeCandidates, DerivativeError, expressionFunction } from '../objective/objective.js';
import { checkDerivative, checkRange, describeDisagreement, samplePoints } from '../objective/check.js';
import { findBuiltin, BUILTINS } from '../objective/builtins.js';
import { arange, arangeLength, geomspace, linspace, roundHalfEven } from '../numeric/numpy.js';
import { randomStarts } from '../numeric/random.js';
import { tooManyRuns } from './limits.js';
import { didYouMean, formatPath } from './messages.js';
import type { SweepFile } from './schema.js';
import { validateSweepFile } from './validate.js';
import { DEFAULT_OPTIMIZER, OPTIMIZERS } from '../registry/optimizers.js';
import { expandedCount, expandParams, formatLabel, type RegistryEntry } from '../registry/params.js';
import { DEFAULT_SCHEDULE, SCHEDULES } from '../registry/schedules.js';
import type { Optimizer, Schedule, SweepConfig, TrajectorySelector } from './types.js';
import { readYamlSource, DEFAULT_READ_LIMITS, type PathSegment, type ReadLimits, type YamlSource } from './yaml-source.js';

export interface LoadLimits extends ReadLimits, GrammarLimits {
  /** Largest number of values one axis may expand to, and of runs in the grid (both --max-runs). */
  maxAxisValues: number;
}

/** report.trajectories: more selectors than a report could draw, each matched against every run. */
export const MAX_TRAJECTORY_SELECTORS = 64;

export const DEFAULT_LOAD_LIMITS: LoadLimits = { ...DEFAULT_READ_LIMITS, ...DEFAULT_GRAMMAR_LIMITS, maxAxisValues: 10_000_000 };

type AxisValue = SweepFile['learning_rate'];

interface Axis {
  values: number[];
  /** The generator's name when the axis was not a list: linspace, geomspace or range. */
  generator: 'linspace' | 'geomspace' | 'range' | null;
}

function expandAxis(source: YamlSource, path: PathSegment[], axis: AxisValue, limits: LoadLimits): Axis {
  const name = formatPath(path);
  if (typeof axis === 'number') return { values: [axis], generator: null };
  if (Array.isArray(axis)) return { values: axis, generator: null };
  const tooMany = (n: number, gen: string) =>
    source.error([...path, gen], `${name}.${gen}: gives ${Number.isFinite(n) ? n : 'too many'} values, more than ${limits.maxAxisValues} (raise it with --max-runs)`);
  let axisOut: Axis;
  if ('linspace' in axis) {
    const { from, to, num } = axis.linspace;
    if (num > limits.maxAxisValues) throw tooMany(num, 'linspace');
    axisOut = { values: linspace(from, to, num), generator: 'linspace' };
  } else if ('geomspace' in axis) {
    const { from, to, num } = axis.geomspace;
    const at = (k: 'from' | 'to') => [...path, 'geomspace', k];
    if (from === 0 || to === 0) {
      const k = from === 0 ? 'from' : 'to';
      throw source.error(at(k), `${name}.geomspace.${k}: must not be 0 (a geometric sequence cannot include zero)`);
    }
    if (Math.sign(from) !== Math.sign(to)) {
      throw source.error(at('to'), `${name}.geomspace.to: must have the same sign as from (a geometric sequence cannot cross zero), got from ${from}, to ${to}`);
    }
    if (num > limits.maxAxisValues) throw tooMany(num, 'geomspace');
    axisOut = { values: geomspace(from, to, num), generator: 'geomspace' };
  } else {
    const { from, to, step } = axis.range;
    if (step === 0) throw source.error([...path, 'range', 'step'], `${name}.range.step: must not be 0`);
    const len = arangeLength(from, to, step);
    if (len === 0) {
      throw source.error(
        [...path, 'range', 'step'],
        `${name}.range: from ${from} to ${to} by ${step} gives no values ('to' is excluded, and step must point from 'from' towards 'to')`,
      );
    }
    if (len > limits.maxAxisValues) throw tooMany(len, 'range');
    axisOut = { values: arange(from, to, step), generator: 'range' };
  }
  // Ends far enough apart overflow float64 (NumPy gives inf and nan there too).
  const bad = axisOut.values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw source.error([...path, axisOut.generator as string], `${name}.${axisOut.generator}: value [${bad}] is ${axisOut.values[bad]}: from and to are too far apart to compute in float64`);
  }
  return axisOut;
}

function checkExpression(source: YamlSource, path: PathSegment[], expr: string, limits: GrammarLimits): void {
  try {
    parseExpression(expr, limits);
  } catch (err) {
    if (err instanceof ExpressionError) {
      throw source.error(path, `${formatPath(path)}: ${err.message}`, { valueOffset: Math.min(err.offset, expr.length) });
    }
    throw err;
  }
}

/** One value of a registry axis as the file gives it: a name, or `{name: {parameter: value or list}}`. */
type EntryInput = string | Readonly<Record<string, Readonly<Record<string, number | readonly number[] | undefined>>>>;

/** An entry value of a registry axis, expanded. */
interface AxisEntry {
  name: string;
  values: Record<string, number>;
  /** Where the file writes the entry. */
  path: PathSegment[];
  /** The parameter lists the entry has, and this value's position in each. */
  lists: string[];
  index: Record<string, number>;
}

function entriesOf(raw: EntryInput | readonly EntryInput[] | undefined): { entry: EntryInput; at: number | null }[] {
  if (raw === undefined) return [];
  return typeof raw === 'string' || !Array.isArray(raw) ? [{ entry: raw as EntryInput, at: null }] : raw.map((entry, at) => ({ entry, at }));
}

function nameAndParams(entry: EntryInput): [string, Readonly<Record<string, number | readonly number[] | undefined>>] {
  if (typeof entry === 'string') return [entry, {}];
  const [name, params] = Object.entries(entry)[0] as [string, Readonly<Record<string, number | readonly number[] | undefined>>];
  return [name, params];
}

/**
 * The values of a schedule or optimizer axis: each entry with its parameters,
 * a parameter list standing for one value per element (several lists: their
 * product); the registry's default when the axis is absent. Refuses a value
 * listed twice.
 */
function expandEntries(
  source: YamlSource,
  path: PathSegment[],
  raw: EntryInput | readonly EntryInput[] | undefined,
  fallback: string,
  registry: Readonly<Record<string, RegistryEntry>>,
): { entries: AxisEntry[]; labels: string[] } {
  const entries: AxisEntry[] = [];
  const given = raw === undefined ? [{ entry: fallback, at: null }] : entriesOf(raw);
  for (const { entry, at } of given) {
    const [name, params] = nameAndParams(entry);
    const entryPath = at === null ? path : [...path, at];
    const lists = Object.keys(params).filter((k) => Array.isArray(params[k]));
    for (const { values, index } of expandParams((registry[name] as RegistryEntry).params, params)) {
      entries.push({ name, values, path: entryPath, lists, index });
    }
  }
  const labels = entries.map((e) => formatLabel(e.name, (registry[e.name] as RegistryEntry).params, e.values));
  const seen = new Map<string, AxisEntry>();
  entries.forEach((e, i) => {
    const l = labels[i] as string;
    const first = seen.get(l);
    if (!first) {
      seen.set(l, e);
      return;
    }
    // Point at the list element that repeats a value: within one entry, the first list whose position differs.
    const list = first.path === e.path ? e.lists.find((k) => first.index[k] !== e.index[k]) : e.lists[0];
    const where = list === undefined ? e.path : [...e.path, e.name, list, e.index[list] as number];
    throw source.error(where, `${formatPath(where)}: '${l}' is listed twice`);
  });
  return { entries, labels };
}

/** How many values a schedule or optimizer axis gives, without expanding it. */
function entryCount(raw: EntryInput | readonly EntryInput[] | undefined): number {
  if (raw === undefined) return 1;
  return entriesOf(raw).reduce((n, { entry }) => n + expandedCount(nameAndParams(entry)[1]), 0);
}

/** How many values an axis gives, without expanding it (0 where it gives none, which expandAxis explains). */
function axisLength(axis: AxisValue | SweepFile['starts']): number {
  if (typeof axis === 'number') return 1;
  if (Array.isArray(axis)) return axis.length;
  if ('linspace' in axis) return axis.linspace.num;
  if ('geomspace' in axis) return axis.geomspace.num;
  if ('random' in axis) return axis.random.count;
  const { from, to, step } = axis.range;
  return step === 0 ? 0 : arangeLength(from, to, step);
}

function checkGridSize(source: YamlSource, file: SweepFile, limits: LoadLimits): void {
  const lengths = [axisLength(file.starts), axisLength(file.learning_rate), axisLength(file.epochs)];
  // One axis too long on its own gets its own, located, message.
  if (lengths.some((n) => !(n <= limits.maxAxisValues))) return;
  const runs = lengths.reduce((a, b) => a * b, 1) * entryCount(file.schedule) * entryCount(file.optimizer);
  if (runs > limits.maxAxisValues) throw tooManyRuns(source.file, runs, limits.maxAxisValues);
}

/** Starts among the derivative's check points, at most this many. */
const CHECKED_STARTS = 16;

/**
 * The derivative the sweep runs with, checked against f at points of the
 * domain (or around the starts) and at some starts: a given one must agree;
 * of derived candidates the first that agrees is taken.
 */
function checkedDerivative(
  source: YamlSource,
  expr: string,
  given: string | null,
  candidates: string[],
  builtin: string | null,
  domain: [number, number] | null,
  starts: number[],
  limits: GrammarLimits,
): string {
  const step = Math.max(1, Math.ceil(starts.length / CHECKED_STARTS));
  const points = samplePoints(checkRange(domain, starts), starts.filter((_, i) => i % step === 0));
  const f = expressionFunction(expr, limits);
  if (given !== null) {
    const d = checkDerivative(f, expressionFunction(given, limits), points);
    if (d) throw source.error(['objective', 'derivative'], `objective.derivative: does not match objective.expr: ${describeDisagreement(d)}`);
    return given;
  }
  try {
    return chooseDerivative(f, candidates, points, { maxLength: Infinity, maxDepth: Infinity });
  } catch (err) {
    if (err instanceof DerivativeError) {
      const at = builtin !== null ? ['objective', 'builtin'] : ['objective', 'expr'];
      throw source.error(at, `${at.join('.')}: ${err.message}`);
    }
    throw err;
  }
}

/** Parse and check a sweep from YAML text already read. */
export function buildConfig(source: YamlSource, data: unknown, limits: LoadLimits = DEFAULT_LOAD_LIMITS): SweepConfig {
  const file = validateSweepFile(source, data);

  // Objective. A derived derivative has candidates (simplified, raw); which
  // one is used is decided against f once the starts are known.
  let expr: string;
  let derivative: string | null = null;
  let candidates: string[] = [];
  let builtin: string | null = null;
  let domain: [number, number] | null = file.objective.domain ?? null;
  if ('builtin' in file.objective) {
    const b = findBuiltin(file.objective.builtin);
    if (!b) {
      const names = BUILTINS.map((x) => x.name);
      const guess = didYouMean(file.objective.builtin, names);
      const hint = guess ? `did you mean ${guess}?` : `expected one of ${names.join(', ')}`;
      throw source.error(['objective', 'builtin'], `objective.builtin: unknown objective '${file.objective.builtin}' (${hint})`);
    }
    builtin = b.name;
    expr = b.expr;
    domain = domain ?? b.domain;
    candidates = derivativeCandidates(parseExpression(expr));
  } else {
    expr = file.objective.expr;
    checkExpression(source, ['objective', 'expr'], expr, limits);
    if (file.objective.derivative !== undefined) {
      derivative = file.objective.derivative;
      checkExpression(source, ['objective', 'derivative'], derivative, limits);
    } else {
      try {
        candidates = derivativeCandidates(parseExpression(expr, limits));
      } catch (err) {
        if (err instanceof DerivativeError) throw source.error(['objective', 'expr'], `objective.expr: ${err.message}`);
        throw err;
      }
    }
  }
  if (domain && !(domain[0] < domain[1])) {
    throw source.error(['objective', 'domain'], `objective.domain: must be [from, to] with from < to, got [${domain[0]}, ${domain[1]}]`);
  }
  if (domain && !Number.isFinite(domain[1] - domain[0])) {
    throw source.error(['objective', 'domain'], `objective.domain: from and to are too far apart to compute in float64, got [${domain[0]}, ${domain[1]}]`);
  }

  // Axes. A grid above the runs limit is refused before any axis is
  // expanded: three axes of ten million values each would take seconds
  // and a gigabyte only to be refused by the planner.
  checkGridSize(source, file, limits);
  let starts: number[];
  if (typeof file.starts === 'object' && !Array.isArray(file.starts) && 'random' in file.starts) {
    if (!domain) throw source.error(['starts', 'random'], 'starts.random: needs objective.domain: [from, to] to draw the starts from');
    const { count, seed } = file.starts.random;
    if (count > 2001) throw source.error(['starts', 'random', 'count'], `starts.random.count: at most 2001 distinct points can be drawn from the domain grid, got ${count}`);
    starts = randomStarts(domain, count, seed);
  } else {
    starts = expandAxis(source, ['starts'], file.starts as AxisValue, limits).values;
  }

  derivative = checkedDerivative(source, expr, derivative, candidates, builtin, domain, starts, limits);

  const lrAxis = expandAxis(source, ['learning_rate'], file.learning_rate, limits);
  lrAxis.values.forEach((lr, i) => {
    if (lr > 0 && Number.isFinite(lr)) return;
    if (lrAxis.generator) {
      throw source.error(['learning_rate', lrAxis.generator], `learning_rate.${lrAxis.generator}: value [${i}] is ${lr}; every learning rate must be a positive number`);
    }
    // The SPEC's own example: `learning_rate[2]: must be a positive number`.
    const where: PathSegment[] = Array.isArray(file.learning_rate) ? ['learning_rate', i] : ['learning_rate'];
    throw source.error(where, `${formatPath(where)}: must be a positive number`);
  });

  const epochAxis = expandAxis(source, ['epochs'], file.epochs, limits);
  const MAX_EPOCHS = 2 ** 31 - 1;
  const epochs = epochAxis.values.map((e, i) => {
    // numpy.round for generated values; `+ 0` turns its -0 into 0.
    const v = epochAxis.generator ? roundHalfEven(e) + 0 : e;
    const ok = Number.isInteger(v) && v >= 0 && v <= MAX_EPOCHS;
    if (ok) return v;
    const rule = v > MAX_EPOCHS ? `must be at most ${MAX_EPOCHS}` : 'must be a whole number, 0 or more';
    if (epochAxis.generator) {
      const what = v === e ? `${e}` : `${e}, which rounds to ${v}`;
      throw source.error(['epochs', epochAxis.generator], `epochs.${epochAxis.generator}: value [${i}] is ${what}; every epoch count ${rule}`);
    }
    const where: PathSegment[] = Array.isArray(file.epochs) ? ['epochs', i] : ['epochs'];
    throw source.error(where, `${formatPath(where)}: ${rule.replace('a whole number', 'a whole number of epochs')}, got ${e}`);
  });

  // Schedules are carried as their labels, optimizers as specs (with the same labels in results files).
  const schedules = expandEntries(source, ['schedule'], file.schedule, DEFAULT_SCHEDULE, SCHEDULES).labels as Schedule[];
  const optimizerAxis = expandEntries(source, ['optimizer'], file.optimizer, DEFAULT_OPTIMIZER, OPTIMIZERS);
  const optimizers = optimizerAxis.entries.map((e) => ({ ...e.values, kind: e.name }) as Optimizer);

  const config: SweepConfig = {
    file: source.file,
    name: file.name,
    title: file.title ?? file.name,
    objective: { builtin, expr, derivative, domain },
    starts,
    learningRates: lrAxis.values,
    epochs,
    schedules,
    optimizers,
    tolerance: file.classify?.tolerance ?? 1e-3,
    bound: file.classify?.bound ?? 1e6,
    trajectories: [],
  };

  // Trajectory selectors must each pick at least one run: every value they
  // name must be on its axis (the grid is a product, so that is enough).
  const selectors: TrajectorySelector[] = file.report?.trajectories ?? [];
  // Each selector is matched against every run when the report is drawn.
  if (selectors.length > MAX_TRAJECTORY_SELECTORS) {
    throw source.error(['report', 'trajectories', MAX_TRAJECTORY_SELECTORS], `report.trajectories: at most ${MAX_TRAJECTORY_SELECTORS} run selectors, got ${selectors.length}`);
  }
  const axes = new Map<string, { list: readonly unknown[]; set: Set<unknown> }>();
  const axisValues = (axis: string, list: readonly unknown[]) => {
    let a = axes.get(axis);
    if (!a) axes.set(axis, (a = { list, set: new Set(list) }));
    return a;
  };
  selectors.forEach((sel, i) => {
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
    miss('optimizer', 'optimizer', sel.optimizer, optimizerAxis.labels);
  });
  config.trajectories = selectors;
  return config;
}

export function loadSweep(path: string, limits: LoadLimits = DEFAULT_LOAD_LIMITS): SweepConfig {
  const { source, data } = readYamlSource(path, limits);
  return buildConfig(source, data, limits);
}

export { SweepConfigError };