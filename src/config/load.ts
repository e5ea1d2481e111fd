/**
 * Load a sweep file in four steps: read (YAML with positions), schema
 * (strict zod), normalise (expand axes), rules (what a schema cannot say).
 * Returns a SweepConfig or throws one SweepConfigError.
 */
import type { z } from 'zod';
import { SweepConfigError } from '../errors.js';
import { ExpressionError, type GrammarLimits, DEFAULT_GRAMMAR_LIMITS, parseExpression } from '../objective/grammar.js';
import { deriveExpression, DerivativeError } from '../objective/objective.js';
import { findBuiltin, BUILTINS } from '../objective/builtins.js';
import { arange, geomspace, linspace, roundHalfEven } from '../plan/numpy.js';
import { randomStarts } from '../plan/random.js';
import { sweepSchema, type SweepFile } from './schema.js';
import { OPTIMIZER_DEFAULTS, optimizerLabel, type Optimizer, type Schedule, type SweepConfig, type TrajectorySelector } from './types.js';
import { readYamlSource, DEFAULT_READ_LIMITS, type PathSegment, type ReadLimits, type YamlSource } from './yaml-source.js';

export interface LoadLimits extends ReadLimits, GrammarLimits {
  /** Largest number of values one axis may expand to. */
  maxAxisValues: number;
}

export const DEFAULT_LOAD_LIMITS: LoadLimits = { ...DEFAULT_READ_LIMITS, ...DEFAULT_GRAMMAR_LIMITS, maxAxisValues: 10_000_000 };

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out || '(top level)';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'infinity' : '-infinity';
    return `the number ${value}`;
  }
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 37) + '...' : value)}`;
  if (typeof value === 'boolean') return `${value}`;
  return 'a mapping';
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

type Issue = z.core.$ZodIssue;

function depthOf(issues: readonly Issue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length + (i.code === 'invalid_type' ? 0 : 0.5)));
}

/** For a failed union, the branch that got furthest explains the error best. */
function bestIssue(issue: Issue, data: unknown): Issue {
  if (issue.code !== 'invalid_union') return issue;
  const branches = (issue as Issue & { errors: Issue[][] }).errors;
  let best: Issue[] | null = null;
  let bestDepth = issue.path.length + 0.5;
  for (const branch of branches) {
    const relevant = branch.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as Issue);
    const d = depthOf(relevant);
    // A branch that failed only on its own type (or on unknown keys of the
    // wrong shape) says nothing more than the union's own message.
    const onlyTopTypeError = relevant.every((i) => i.path.length === issue.path.length && (i.code === 'invalid_type' || i.code === 'unrecognized_keys' || i.code === 'invalid_value'));
    if (!onlyTopTypeError && d > bestDepth) {
      best = relevant;
      bestDepth = d;
    }
  }
  if (!best || best.length === 0) return issue;
  return bestIssue(best[0] as Issue, data);
}

function issueToError(source: YamlSource, data: unknown, raw: Issue): SweepConfigError {
  const issue = bestIssue(raw, data);
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const value = valueAt(data, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      const parent = valueAt(data, path);
      const known = parent && typeof parent === 'object' ? '' : '';
      return source.error([...path, key], `${formatPath([...path, key])}: unknown key${known}`, { key: true });
    }
    case 'invalid_type': {
      if (value === undefined) {
        const key = path[path.length - 1];
        return source.error(path.slice(0, -1), `${formatPath(path)}: missing (required key '${String(key)}')`);
      }
      if (typeof value === 'number' && !Number.isFinite(value)) {
        return source.error(path, `${formatPath(path)}: must be a finite number, got ${describe(value)}`);
      }
      return source.error(path, `${formatPath(path)}: ${issue.message}, got ${describe(value)}`);
    }
    default:
      if (issue.code === 'invalid_union' && typeof value === 'number' && !Number.isFinite(value)) {
        return source.error(path, `${formatPath(path)}: must be a finite number, got ${describe(value)}`);
      }
      return source.error(path, `${formatPath(path)}: ${issue.message}${issue.code === 'invalid_union' || issue.code === 'invalid_value' ? `, got ${describe(value)}` : ''}`);
  }
}

type AxisValue = SweepFile['learning_rate'];

function expandAxis(source: YamlSource, path: PathSegment[], axis: AxisValue, limits: LoadLimits): { values: number[]; generated: boolean } {
  const name = formatPath(path);
  if (typeof axis === 'number') return { values: [axis], generated: false };
  if (Array.isArray(axis)) return { values: axis, generated: false };
  const tooMany = (n: number, gen: string) =>
    source.error(path, `${name}: ${gen} gives ${n} values, more than ${limits.maxAxisValues} (raise it with --max-runs)`);
  if ('linspace' in axis) {
    const { from, to, num } = axis.linspace;
    if (num > limits.maxAxisValues) throw tooMany(num, 'linspace');
    return { values: linspace(from, to, num), generated: true };
  }
  if ('geomspace' in axis) {
    const { from, to, num } = axis.geomspace;
    if (from === 0 || to === 0 || Math.sign(from) !== Math.sign(to)) {
      throw source.error([...path, 'geomspace'], `${name}: geomspace needs from and to of the same sign and non-zero (a geometric sequence cannot include zero), got from ${from}, to ${to}`);
    }
    if (num > limits.maxAxisValues) throw tooMany(num, 'geomspace');
    return { values: geomspace(from, to, num), generated: true };
  }
  const { from, to, step } = axis.range;
  if (step === 0) throw source.error([...path, 'range', 'step'], `${name}: range.step must not be 0`);
  const len = Math.ceil((to - from) / step);
  if (!(len > 0)) {
    throw source.error([...path, 'range'], `${name}: range from ${from} to ${to} by ${step} is empty (to is excluded; step must point from 'from' towards 'to')`);
  }
  if (len > limits.maxAxisValues) throw tooMany(len, 'range');
  return { values: arange(from, to, step), generated: true };
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

function normaliseOptimizer(o: NonNullable<SweepFile['optimizer']> extends infer T ? (T extends readonly (infer U)[] ? U : T) : never): Optimizer {
  if (typeof o === 'string') {
    if (o === 'gd') return { kind: 'gd' };
    if (o === 'adam') return { kind: 'adam', ...OPTIMIZER_DEFAULTS.adam };
    return { kind: o, beta: OPTIMIZER_DEFAULTS[o].beta };
  }
  if ('momentum' in o) return { kind: 'momentum', beta: o.momentum.beta ?? OPTIMIZER_DEFAULTS.momentum.beta };
  if ('nesterov' in o) return { kind: 'nesterov', beta: o.nesterov.beta ?? OPTIMIZER_DEFAULTS.nesterov.beta };
  const d = OPTIMIZER_DEFAULTS.adam;
  return { kind: 'adam', beta1: o.adam.beta1 ?? d.beta1, beta2: o.adam.beta2 ?? d.beta2, eps: o.adam.eps ?? d.eps };
}

function checkDuplicates(source: YamlSource, path: PathSegment[], labels: string[]): void {
  const seen = new Set<string>();
  labels.forEach((l, i) => {
    if (seen.has(l)) throw source.error([...path, i], `${formatPath([...path, i])}: '${l}' is listed twice`);
    seen.add(l);
  });
}

/** Parse and check a sweep from YAML text already read. */
export function buildConfig(source: YamlSource, data: unknown, limits: LoadLimits = DEFAULT_LOAD_LIMITS): SweepConfig {
  if (data === null || data === undefined) {
    throw source.error([], 'the file is empty: expected a mapping with name, objective, starts, learning_rate and epochs');
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw source.error([], `expected a mapping with name, objective, starts, learning_rate and epochs, got ${describe(data)}`);
  }
  const parsed = sweepSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const issues = [...parsed.error.issues].sort((a, b) => {
      const pa = source.nodeAt(a.path.filter((p): p is string | number => typeof p !== 'symbol'))?.range?.[0] ?? 0;
      const pb = source.nodeAt(b.path.filter((p): p is string | number => typeof p !== 'symbol'))?.range?.[0] ?? 0;
      return pa - pb;
    });
    throw issueToError(source, data, issues[0] as Issue);
  }
  const file = parsed.data;

  // Objective.
  let expr: string;
  let derivative: string;
  let builtin: string | null = null;
  let domain: [number, number] | null = file.objective.domain ?? null;
  if ('builtin' in file.objective) {
    const b = findBuiltin(file.objective.builtin);
    if (!b) {
      throw source.error(['objective', 'builtin'], `objective.builtin: unknown objective '${file.objective.builtin}' (expected one of ${BUILTINS.map((x) => x.name).join(', ')})`);
    }
    builtin = b.name;
    expr = b.expr;
    domain = domain ?? b.domain;
    derivative = deriveExpression(parseExpression(expr));
  } else {
    expr = file.objective.expr;
    checkExpression(source, ['objective', 'expr'], expr, limits);
    if (file.objective.derivative !== undefined) {
      derivative = file.objective.derivative;
      checkExpression(source, ['objective', 'derivative'], derivative, limits);
    } else {
      try {
        derivative = deriveExpression(parseExpression(expr, limits));
      } catch (err) {
        if (err instanceof DerivativeError) throw source.error(['objective', 'expr'], `objective.expr: ${err.message}`);
        throw err;
      }
    }
  }
  if (domain && !(domain[0] < domain[1])) {
    throw source.error(['objective', 'domain'], `objective.domain: must be [from, to] with from < to, got [${domain[0]}, ${domain[1]}]`);
  }

  // Axes.
  let starts: number[];
  if (typeof file.starts === 'object' && !Array.isArray(file.starts) && 'random' in file.starts) {
    if (!domain) throw source.error(['starts', 'random'], 'starts.random: needs objective.domain to draw from');
    const { count, seed } = file.starts.random;
    if (count > 2001) throw source.error(['starts', 'random', 'count'], `starts.random.count: at most 2001 distinct points can be drawn from the domain grid, got ${count}`);
    starts = randomStarts(domain, count, seed);
  } else {
    starts = expandAxis(source, ['starts'], file.starts as AxisValue, limits).values;
  }

  const lrAxis = expandAxis(source, ['learning_rate'], file.learning_rate, limits);
  lrAxis.values.forEach((lr, i) => {
    if (!(lr > 0) || !Number.isFinite(lr)) {
      const where: PathSegment[] = lrAxis.generated ? ['learning_rate'] : Array.isArray(file.learning_rate) ? ['learning_rate', i] : ['learning_rate'];
      const label = lrAxis.generated ? `learning_rate: value ${i} is ${lr}; every learning rate` : formatPath(where);
      throw source.error(where, `${label}: must be a positive number`);
    }
  });

  const epochAxis = expandAxis(source, ['epochs'], file.epochs, limits);
  const epochs = epochAxis.values.map((e, i) => {
    const v = epochAxis.generated ? roundHalfEven(e) : e;
    if (!Number.isInteger(v) || v < 0) {
      const where: PathSegment[] = !epochAxis.generated && Array.isArray(file.epochs) ? ['epochs', i] : ['epochs'];
      const label = epochAxis.generated ? `epochs: value ${i} rounds to ${v}; every epoch count` : formatPath(where);
      throw source.error(where, `${label}: must be a whole number of epochs, 0 or more`);
    }
    if (v > 2 ** 31 - 1) throw source.error(['epochs'], `epochs: ${v} is more than ${2 ** 31 - 1} epochs`);
    return v;
  });

  const schedules: Schedule[] = file.schedule === undefined ? ['constant'] : Array.isArray(file.schedule) ? file.schedule : [file.schedule];
  checkDuplicates(source, ['schedule'], schedules);
  const rawOpts = file.optimizer === undefined ? ['gd' as const] : Array.isArray(file.optimizer) ? file.optimizer : [file.optimizer];
  const optimizers = rawOpts.map((o) => normaliseOptimizer(o));
  checkDuplicates(source, ['optimizer'], optimizers.map(optimizerLabel));

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

  // Trajectory selectors must each pick at least one run.
  const selectors: TrajectorySelector[] = file.report?.trajectories ?? [];
  selectors.forEach((sel, i) => {
    const miss = (key: string, v: unknown, list: readonly unknown[]) => {
      if (v !== undefined && !list.includes(v)) {
        throw source.error(['report', 'trajectories', i, key], `report.trajectories[${i}].${key}: ${String(v)} is not a value of the ${key} axis`);
      }
    };
    miss('learning_rate', sel.learning_rate, config.learningRates);
    miss('epochs', sel.epochs, config.epochs);
    miss('start', sel.start, config.starts);
    miss('schedule', sel.schedule, config.schedules);
    miss('optimizer', sel.optimizer, config.optimizers.map(optimizerLabel));
  });
  config.trajectories = selectors;
  return config;
}

export function loadSweep(path: string, limits: LoadLimits = DEFAULT_LOAD_LIMITS): SweepConfig {
  const { source, data } = readYamlSource(path, limits);
  return buildConfig(source, data, limits);
}

export { SweepConfigError };
