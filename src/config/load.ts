/**
 * Load a sweep file in four steps: read (YAML with positions), schema
 * (strict zod), normalise (expand axes), rules (what a schema cannot say).
 * Returns a SweepConfig or throws one SweepConfigError.
 */
import type { z } from 'zod';
import { SweepConfigError } from '../errors.js';
import { ExpressionError, type GrammarLimits, DEFAULT_GRAMMAR_LIMITS, parseExpression } from '../objective/grammar.js';
import { chooseDerivative, derivativeCandidates, DerivativeError, expressionFunction } from '../objective/objective.js';
import { checkDerivative, checkRange, describeDisagreement, samplePoints } from '../objective/check.js';
import { findBuiltin, BUILTINS } from '../objective/builtins.js';
import { arange, arangeLength, geomspace, linspace, roundHalfEven } from '../numeric/numpy.js';
import { randomStarts } from '../numeric/random.js';
import { tooManyRuns } from './limits.js';
import { sweepSchema, type SweepFile } from './schema.js';
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

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out || '(top level)';
}

function describe(value: unknown): string {
  if (value === null) return 'an empty value';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'infinity' : '-infinity';
    return `the number ${value}`;
  }
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 37) + '...' : value)}`;
  if (typeof value === 'boolean') return `${value}`;
  const keys = Object.keys(value as object);
  if (keys.length === 0) return 'an empty mapping';
  const shown = keys.slice(0, 4).join(', ') + (keys.length > 4 ? ', ...' : '');
  return `a mapping with ${keys.length === 1 ? 'key' : 'keys'} ${shown}`;
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
type Path = (string | number)[];
/** A schema issue with its path from the top of the file. */
interface Leaf {
  issue: Issue;
  path: Path;
}

function cleanPath(path: readonly PropertyKey[]): Path {
  return path.filter((p): p is string | number => typeof p !== 'symbol');
}

/** A required key that is absent: a type error (or a failed union) where there is no value. */
function isMissing(leaf: Leaf, data: unknown): boolean {
  return (leaf.issue.code === 'invalid_type' || leaf.issue.code === 'invalid_union') && leaf.path.length > 0 && valueAt(data, leaf.path) === undefined;
}

/**
 * A failed union reports every branch. The branch that explains the error is
 * the one that matched the value's shape: a branch that failed only at the
 * union's own place (wrong type, or a mapping whose single key belongs to
 * another branch) says nothing. Of the rest, the branch with the fewest
 * issues (each unknown key counting), then the one that got deepest, wins. When no branch stands out,
 * the union's own message ("expected a number, a list, or ...") is best.
 */
function resolveIssue(issue: Issue, prefix: Path, data: unknown): Leaf[] {
  const path = [...prefix, ...cleanPath(issue.path)];
  if (issue.code !== 'invalid_union') return [{ issue, path }];
  const self: Leaf[] = [{ issue, path }];
  if (valueAt(data, path) === undefined) return self;
  const depth = (l: Leaf) => l.path.length - (isMissing(l, data) ? 1 : 0) + (l.issue.code === 'invalid_type' || isMissing(l, data) ? 0 : 0.5);
  let best: { leaves: Leaf[]; count: number; depth: number } | null = null;
  let tie = false;
  for (const branch of (issue as Issue & { errors: Issue[][] }).errors) {
    const leaves = branch.flatMap((i) => resolveIssue(i, path, data));
    const value = valueAt(data, path);
    const keyCount = value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value).length : 0;
    const offShape = leaves.every((l) => {
      if (l.path.length === path.length + 1) return isMissing(l, data);
      if (l.path.length !== path.length) return false;
      // Unknown keys make a branch the wrong shape only when it knows none of the keys.
      if (l.issue.code === 'unrecognized_keys') return l.issue.keys.length === keyCount;
      return l.issue.code !== 'too_small' && l.issue.code !== 'too_big';
    });
    if (offShape || leaves.length === 0) continue;
    // Each unknown key counts: {exr: ..., derivative: ...} is one typo away
    // from {expr, derivative}, two from {builtin}. A typo of a key the branch
    // misses (builtn for builtin) counts for the branch.
    const missing = leaves.filter((l) => isMissing(l, data)).map((l) => String(l.path[l.path.length - 1]));
    const typo = leaves.some((l) => l.issue.code === 'unrecognized_keys' && l.issue.keys.some((k) => didYouMean(k, missing) !== null));
    const count = leaves.reduce((n, l) => n + (l.issue.code === 'unrecognized_keys' ? l.issue.keys.length : 1), 0) - (typo ? 0.5 : 0);
    const cand = { leaves, count, depth: Math.max(...leaves.map(depth)) };
    if (!best || cand.count < best.count || (cand.count === best.count && cand.depth > best.depth)) {
      best = cand;
      tie = false;
    } else if (cand.count === best.count && cand.depth === best.depth) tie = true;
  }
  return best && !tie ? best.leaves : self;
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] as number;
}

/** The closest of `known` to `word`, if it is close enough to be a typo. */
export function didYouMean(word: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const d = k.toLowerCase() === word.toLowerCase() ? 0 : distance(word, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best !== null && bestD <= Math.max(1, Math.floor(word.length / 4)) + (word.length > 3 ? 1 : 0) ? best : null;
}

interface SchemaNode {
  _zod: { def: { type: string; shape?: Record<string, SchemaNode>; innerType?: SchemaNode; options?: SchemaNode[]; element?: SchemaNode; items?: SchemaNode[] } };
}

/** The keys a strict object at `path` accepts, read from the schema itself. */
function knownKeys(schema: SchemaNode, path: readonly (string | number)[]): string[] {
  const def = schema._zod.def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
      return def.innerType ? knownKeys(def.innerType, path) : [];
    case 'union':
      return [...new Set((def.options ?? []).flatMap((o) => knownKeys(o, path)))];
    case 'object': {
      if (path.length === 0) return Object.keys(def.shape ?? {});
      const [head, ...rest] = path;
      const child = typeof head === 'string' ? def.shape?.[head] : undefined;
      return child ? knownKeys(child, rest) : [];
    }
    case 'array':
      return path.length > 0 && typeof path[0] === 'number' && def.element ? knownKeys(def.element, path.slice(1)) : [];
    case 'tuple': {
      const item = typeof path[0] === 'number' ? def.items?.[path[0]] : undefined;
      return item ? knownKeys(item, path.slice(1)) : [];
    }
    default:
      return [];
  }
}

function issueToError(source: YamlSource, data: unknown, leaf: Leaf): SweepConfigError {
  const { issue, path } = leaf;
  const value = valueAt(data, path);
  const where = formatPath(path);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const known = knownKeys(sweepSchema as unknown as SchemaNode, path).filter((k) => k !== '$schema');
    const guess = didYouMean(key, known);
    const hint = /\S:\S/.test(key)
      ? " (YAML needs a space after ':' to separate a key from its value)"
      : guess
        ? ` (did you mean ${guess}?)`
        : known.length
          ? ` (expected ${known.length > 1 ? 'one of ' : ''}${known.join(', ')})`
          : '';
    return source.error([...path, key], `${formatPath([...path, key])}: unknown key${hint}`, { key: true });
  }
  if (isMissing(leaf, data)) {
    return source.error(path.slice(0, -1), `${where}: required key is missing`);
  }
  if (typeof value === 'number' && !Number.isFinite(value) && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) {
    // No bound at all has a finite spelling: |x| > the largest float only when x is infinite.
    const hint = where === 'classify.bound' && value === Infinity ? ` (to count only x that is not finite as blown up, use the largest float, ${Number.MAX_VALUE})` : '';
    return source.error(path, `${where}: must be a finite number, got ${describe(value)}${hint}`);
  }
  let hint = '';
  if (issue.code === 'invalid_type' && issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    // YAML read `name: 2024` or `expr: 5` as a number: quotes make it text.
    const node = source.nodeAt(path);
    const written = node?.range ? source.text.slice(node.range[0], node.range[1]).trim() : String(value);
    hint = ` (quote it to make it text: "${written}")`;
  }
  // A misspelt name (`adamw`) or generator (`{linspac: ...}`): suggest the nearest.
  const word = typeof value === 'string' ? value : value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 ? Object.keys(value)[0] : undefined;
  if (word !== undefined) {
    const guess = didYouMean(word, enumValues(issue));
    if (guess && guess !== word) hint = ` (did you mean ${guess}?)`;
  }
  return source.error(path, `${where}: ${issue.message}, got ${describe(value)}${hint}`);
}

/**
 * The names a union accepts at this place: the values of an enum branch, and
 * the single keys that name the mapping branches (`linspace`, `momentum`).
 */
function enumValues(issue: Issue): string[] {
  if (issue.code === 'invalid_value') return issue.values.filter((v): v is string => typeof v === 'string');
  if (issue.code === 'invalid_union') {
    return (issue as Issue & { errors: Issue[][] }).errors.flatMap((branch) =>
      branch.flatMap((i) => {
        if (i.path.length === 0) return enumValues(i);
        if (i.path.length === 1 && i.code === 'invalid_type' && typeof i.path[0] === 'string') return [i.path[0]];
        return [];
      }),
    );
  }
  return [];
}

/** zod's messages where the schema gives none, in the words of a YAML file. */
function defaultMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  const words: Record<string, string> = { object: 'a mapping', array: 'a list', number: 'a number', string: 'a string', boolean: 'true or false', int: 'a whole number' };
  return `must be ${words[issue.expected] ?? issue.expected}`;
}

/** The one issue to report: unknown keys and wrong values in file order; missing keys last (a misspelt key explains them). */
function firstIssue(source: YamlSource, data: unknown, issues: readonly Issue[]): Leaf {
  const leaves = issues.flatMap((i) => resolveIssue(i, [], data));
  const rank = (l: Leaf) => {
    const at = l.issue.code === 'unrecognized_keys' ? source.nodeAt([...l.path, l.issue.keys[0] ?? ''], true) : source.nodeAt(l.path);
    return [isMissing(l, data) ? 1 : 0, at?.range?.[0] ?? 0] as const;
  };
  const ranked = leaves.map((l) => ({ l, r: rank(l) }));
  ranked.sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1]);
  return (ranked[0] as { l: Leaf }).l;
}

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
  if (data === null || data === undefined) {
    throw source.error([], 'the file is empty: expected a mapping with name, objective, starts, learning_rate and epochs');
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw source.error([], `expected a mapping with name, objective, starts, learning_rate and epochs, got ${describe(data)}`);
  }
  const objective = (data as Record<string, unknown>).objective;
  if (objective && typeof objective === 'object' && !Array.isArray(objective) && 'builtin' in objective) {
    // The two kinds of objective, mixed: say so rather than "expected one or the other".
    for (const key of ['expr', 'derivative']) {
      if (key in objective) {
        throw source.error(['objective', key], `objective.${key}: not allowed with objective.builtin (a builtin brings its own expression and derivative)`, { key: true });
      }
    }
  }
  const parsed = sweepSchema.safeParse(data, { reportInput: true, error: defaultMessage });
  if (!parsed.success) throw issueToError(source, data, firstIssue(source, data, parsed.error.issues));
  const file = parsed.data;

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
