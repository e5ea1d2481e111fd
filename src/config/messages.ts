/**
 * The schema's issues as a sweep file's messages: one issue, the first in
 * file order (missing keys last), located at file:line:col and worded for
 * YAML, with "did you mean" for a misspelt key, name or generator, and the
 * keys a mapping accepts read from the schema itself.
 */
import { editDistance } from '../format/distance.js';
import type { z } from 'zod';
import type { SweepConfigError } from '../errors.js';
import { sweepSchema } from './schema.js';
import type { PathSegment, YamlSource } from './yaml-position.js';

/** A path as messages write it: objective.domain, learning_rate[2], (top level). */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out || '(top level)';
}

/** A value as a message names it: "the number 5", "a mapping with keys expr, domain". */
export function describe(value: unknown): string {
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

/** The closest of `known` to `word`, if it is close enough to be a typo. */
export function didYouMean(word: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const d = k.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, k);
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

/** The located message for one schema issue. */
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
export function defaultMessage(issue: z.core.$ZodRawIssue): string | undefined {
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

/** The error for a file the schema refused: its first issue, located and worded for YAML. */
export function schemaError(source: YamlSource, data: unknown, issues: readonly Issue[]): SweepConfigError {
  return issueToError(source, data, firstIssue(source, data, issues));
}
