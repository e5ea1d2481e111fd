/**
 * A results file read back (render, merge, compare, a reused run) is input
 * like a sweep file: it may be cut short, hand-edited, from another version,
 * or crafted. Before anything uses it, it is checked whole, and a bad file
 * is one message naming the file and what is wrong (exit 2):
 *
 * 1. shape: a strict schema (zod) of the header, and of every run row;
 * 2. the sweep: names, axes and optimizer labels the loader would accept,
 *    the objective compiled under the command line's limits, the grid
 *    within --max-runs and --max-steps;
 * 3. the plan: by this version, the plan hash and the stamped runs, tracks
 *    and steps are those of the sweep section; a shard holds exactly its
 *    share of the plan;
 * 4. the runs: ids exactly the grid's (0..n-1, or the shard's), each once,
 *    each with the parameters of its grid position; class, reason,
 *    convergedAt and divergedAt as the classifier sets them; the counts
 *    those of the runs.
 */
import * as z from 'zod';
import { UserError } from '../errors.js';
import { parseOptimizerLabel, optimizerLabel } from '../config/types.js';
import { tooManyRunsText } from '../config/limits.js';
import { parseScheduleLabel, SCHEDULE_NAMES } from '../registry/schedules.js';
import { CLASSES, REASONS, type Reason, type RunClass } from '../engine/classify.js';
import { ExpressionError, DEFAULT_GRAMMAR_LIMITS, parseExpression, type GrammarLimits } from '../objective/grammar.js';
import { compileObjective } from '../objective/objective.js';
import { findBuiltin } from '../objective/builtins.js';
import { buildPlan, DEFAULT_PLAN_LIMITS, runParams, type Plan, type PlanLimits } from '../plan/plan.js';
import { MAX_SHARDS, shardTracks } from '../plan/shard.js';
import { VERSION } from '../version.js';
import { RESULTS_FORMAT, type ResultsDocument } from './format.js';
import { configFromResults } from './rebuild.js';

/** The limits of the command line that reading results back must respect. */
export interface ResultsLimits {
  grammar: GrammarLimits;
  plan: PlanLimits;
}

export const DEFAULT_RESULTS_LIMITS: ResultsLimits = { grammar: DEFAULT_GRAMMAR_LIMITS, plan: DEFAULT_PLAN_LIMITS };

const MAX_EPOCHS = 2 ** 31 - 1;
const SWEEP_NAME = /^[a-z0-9][a-z0-9_-]*$/;

const int = z.number().int();
const count = int.min(0).max(Number.MAX_SAFE_INTEGER);
const epoch = int.min(0).max(MAX_EPOCHS);
const positive = z.number().positive();
/** A schedule label as results carry it (`constant`, `step-decay(gamma=0.5,every=5)`); labels repeat, so each is parsed once. */
const scheduleLabels = new Map<unknown, boolean>();
function isScheduleLabel(v: unknown): boolean {
  let ok = scheduleLabels.get(v);
  if (ok === undefined) {
    ok = typeof v === 'string' && parseScheduleLabel(v) !== null;
    if (scheduleLabels.size < 1024) scheduleLabels.set(v, ok);
  }
  return ok;
}
const schedule = z.string().refine(isScheduleLabel, { message: `must be a schedule label (${SCHEDULE_NAMES.join(', ')}, with any parameters)` });

const selectorSchema = z.strictObject({
  learning_rate: z.number().optional(),
  epochs: z.number().optional(),
  start: z.number().optional(),
  schedule: schedule.optional(),
  optimizer: z.string().optional(),
});

/** Everything but the runs, which are checked row by row (a million rows are not copied). */
export const resultsHeaderSchema = z.strictObject({
  format: z.literal(RESULTS_FORMAT),
  tool: z.strictObject({ name: z.literal('gdsweep'), version: z.string().min(1).max(64) }),
  plan: z.strictObject({
    hash: z.string().regex(/^[0-9a-f]{16}$/),
    version: z.string().min(1).max(64),
    runs: count,
    tracks: count,
    steps: count,
    shard: z.strictObject({ index: int.min(1), count: int.min(1).max(MAX_SHARDS) }).optional(),
  }),
  sweep: z.strictObject({
    name: z.string().max(64).regex(SWEEP_NAME),
    title: z.string().max(200),
    file: z.string().max(4096),
    objective: z.strictObject({
      builtin: z.string().nullable(),
      expr: z.string().min(1),
      derivative: z.string().min(1),
      domain: z.tuple([z.number(), z.number()]).nullable(),
      curvature: z.number().nullable(),
    }),
    axes: z.strictObject({
      start: z.array(z.number()).min(1),
      learning_rate: z.array(positive).min(1),
      epochs: z.array(epoch).min(1),
      schedule: z.array(schedule).min(1),
      optimizer: z.array(z.string().max(200)).min(1),
    }),
    classify: z.strictObject({ tolerance: positive, bound: positive }),
    report: z.strictObject({ trajectories: z.array(selectorSchema).max(64) }),
  }),
  counts: z.strictObject({ converged: count, slow: count, divergent: count }),
  runs: z.array(z.unknown()),
});

export const runSchema = z.strictObject({
  id: count,
  lr: positive,
  epochs: epoch,
  start: z.number(),
  schedule,
  optimizer: z.string(),
  x: z.number().nullable(),
  grad: z.number().nullable(),
  loss: z.number().nullable(),
  class: z.enum(CLASSES),
  reason: z.enum(REASONS),
  convergedAt: epoch.nullable(),
  divergedAt: epoch.nullable(),
});

const RUN_KEYS = Object.keys(runSchema.shape);
const CLASS_SET = new Set<unknown>(CLASSES);
const REASON_SET = new Set<unknown>(REASONS);

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown) => isFiniteNumber(v) && Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER;
const isEpoch = (v: unknown) => isFiniteNumber(v) && Number.isInteger(v) && v >= 0 && v <= MAX_EPOCHS;
const isNumberOrNull = (v: unknown) => v === null || isFiniteNumber(v);

/**
 * runSchema as a plain function: the same verdict, without building a copy
 * of each of a million rows (zod takes seconds there). runSchema itself
 * words the message of a row this refuses; a test holds the two to the
 * same answers.
 */
export function isRunRecord(row: unknown): boolean {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return false;
  const r = row as Record<string, unknown>;
  let keys = 0;
  for (const k in r) {
    if (!Object.prototype.hasOwnProperty.call(r, k)) continue;
    if (!RUN_KEYS.includes(k)) return false;
    keys++;
  }
  return (
    keys === RUN_KEYS.length &&
    isCount(r.id) &&
    isFiniteNumber(r.lr) &&
    r.lr > 0 &&
    isEpoch(r.epochs) &&
    isFiniteNumber(r.start) &&
    isScheduleLabel(r.schedule) &&
    typeof r.optimizer === 'string' &&
    isNumberOrNull(r.x) &&
    isNumberOrNull(r.grad) &&
    isNumberOrNull(r.loss) &&
    CLASS_SET.has(r.class) &&
    REASON_SET.has(r.reason) &&
    (r.convergedAt === null || isEpoch(r.convergedAt)) &&
    (r.divergedAt === null || isEpoch(r.divergedAt))
  );
}

/** The class each reason belongs to (SPEC section 3). */
const CLASS_OF: Record<Reason, RunClass> = {
  'within-tolerance': 'converged',
  'still-descending': 'slow',
  oscillating: 'slow',
  'blew-up': 'divergent',
  'loss-increased': 'divergent',
};

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || '(top level)';
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the key is missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)}`;
  if (typeof v === 'number') return Number.isFinite(v) ? `the number ${v}` : String(v);
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

const WORDS: Record<string, string> = { object: 'a mapping', array: 'a list', number: 'a finite number', string: 'a string', boolean: 'true or false', int: 'a whole number', null: 'null' };

/** zod's issues in the words of this file format. */
function message(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${WORDS[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`}`;
    case 'too_small':
      if (issue.origin === 'array') return 'must not be empty';
      if (issue.origin === 'string') return 'must not be empty';
      return issue.inclusive ? `must be at least ${String(issue.minimum)}` : `must be more than ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${String(issue.maximum)} entries`;
      if (issue.origin === 'string') return `must be at most ${String(issue.maximum)} characters`;
      return `must be at most ${String(issue.maximum)}`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue ? `must match ${String(issue.pattern)}` : `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return 'must be a whole number';
    default:
      return undefined;
  }
}

/** The first schema issue as "path: what is wrong, got what". */
function issueText(error: z.ZodError, data: unknown, prefix: string): string {
  const issue = error.issues[0] as z.core.$ZodIssue;
  const path = formatPath([...(prefix ? [prefix] : []), ...issue.path]);
  if (issue.code === 'unrecognized_keys') return `${path}: unknown key ${JSON.stringify(issue.keys[0] ?? '')}`;
  const value = valueAt(data, issue.path);
  return `${path}: ${value === undefined ? 'required key is missing' : `${issue.message}, got ${describe(value)}`}`;
}

/**
 * Check a parsed results.json; returns it typed, or throws a UserError
 * "<file>: <what is wrong>".
 */
export function validateResults(data: unknown, file: string, limits: ResultsLimits = DEFAULT_RESULTS_LIMITS): ResultsDocument {
  const bad = (what: string) => new UserError(`${file}: ${what}`);
  if (!data || typeof data !== 'object' || Array.isArray(data) || (data as { format?: unknown }).format !== RESULTS_FORMAT) {
    throw bad(`not a gdsweep results file (expected "format": "${RESULTS_FORMAT}")`);
  }
  const head = resultsHeaderSchema.safeParse(data, { error: message });
  if (!head.success) throw bad(issueText(head.error, data, ''));
  const doc = data as ResultsDocument;
  const s = doc.sweep;

  // The sweep, as the loader would have accepted it.
  if (s.objective.builtin !== null && !findBuiltin(s.objective.builtin)) throw bad(`sweep.objective.builtin: unknown objective '${s.objective.builtin}'`);
  const dom = s.objective.domain;
  if (dom && !(dom[0] < dom[1] && Number.isFinite(dom[1] - dom[0]))) throw bad(`sweep.objective.domain: must be [from, to] with from < to, got [${dom[0]}, ${dom[1]}]`);
  const seenLabels = new Set<string>();
  s.axes.optimizer.forEach((label, i) => {
    const o = parseOptimizerLabel(label);
    if (!o || optimizerLabel(o) !== label) throw bad(`sweep.axes.optimizer[${i}]: '${label}' is not an optimizer label`);
    if (seenLabels.has(label)) throw bad(`sweep.axes.optimizer[${i}]: '${label}' is listed twice`);
    seenLabels.add(label);
  });
  if (new Set(s.axes.schedule).size !== s.axes.schedule.length) throw bad('sweep.axes.schedule: a schedule is listed twice');
  const runCount = s.axes.start.length * s.axes.learning_rate.length * s.axes.epochs.length * s.axes.schedule.length * s.axes.optimizer.length;
  // Before any allocation of the grid's size.
  if (runCount > limits.plan.maxRuns) throw bad(tooManyRunsText(runCount, limits.plan.maxRuns));
  if (doc.plan.runs !== runCount) throw bad(`plan.runs: is ${doc.plan.runs}, but the axes of the sweep section give ${runCount} runs`);

  // The objective, under the command line's limits.
  try {
    parseExpression(s.objective.expr, limits.grammar);
  } catch (err) {
    if (err instanceof ExpressionError) throw bad(`sweep.objective.expr: ${err.message}`);
    throw err;
  }
  let curvature: number | null;
  try {
    curvature = compileObjective({ expr: s.objective.expr, derivative: s.objective.derivative }, limits.grammar).curvature;
  } catch (err) {
    // The derivative may be one mathjs wrote (sec, sech, ...); a failure to read it is the file's.
    throw bad(`sweep.objective.derivative: cannot be compiled (${err instanceof Error ? err.message : String(err)})`);
  }

  // The plan the sweep section describes.
  let plan: Plan;
  try {
    plan = buildPlan(configFromResults(doc, file), limits.plan);
  } catch (err) {
    // The planner names the sweep file (s.file); the results file is what was given.
    if (err instanceof UserError && err.message.startsWith(`${s.file}: `)) throw bad(err.message.slice(s.file.length + 2));
    throw err;
  }
  const ours = doc.plan.version === VERSION;
  const shard = doc.plan.shard;
  if (shard && shard.index > shard.count) throw bad(`plan.shard: index ${shard.index} is more than the count ${shard.count}`);
  if (ours) {
    // Only this version's plans can be recomputed; older results keep their stamp.
    if (plan.hash !== doc.plan.hash) throw bad(`plan.hash: ${doc.plan.hash} is not the hash of the sweep section (${plan.hash}); was the file edited?`);
    if (doc.plan.tracks !== plan.tracks.length) throw bad(`plan.tracks: is ${doc.plan.tracks}, but the plan has ${plan.tracks.length}`);
    if (doc.plan.steps !== plan.totalSteps) throw bad(`plan.steps: is ${doc.plan.steps}, but the plan takes ${plan.totalSteps}`);
    if (s.objective.curvature !== curvature) throw bad(`sweep.objective.curvature: is ${String(s.objective.curvature)}, but the objective's is ${String(curvature)}`);
  }

  // The runs: which ids belong here.
  let expected: Uint8Array | null = new Uint8Array(runCount).fill(1);
  let expectedCount = runCount;
  if (shard) {
    if (ours) {
      expected = new Uint8Array(runCount);
      expectedCount = 0;
      for (const t of shardTracks(plan.tracks, shard)) {
        for (let r = 0; r < t.epochIdx.length; r++) {
          expected[t.firstRun + r] = 1;
          expectedCount++;
        }
      }
    } else expected = null; // another version may split the plan otherwise
  }
  const seen = new Uint8Array(runCount);
  const counts: Record<RunClass, number> = { converged: 0, slow: 0, divergent: 0 };
  const tol = s.classify.tolerance;
  doc.runs.forEach((row, i) => {
    const at = `runs[${i}]`;
    if (!isRunRecord(row)) {
      const parsed = runSchema.safeParse(row, { error: message });
      throw bad(parsed.success ? `${at}: not a run record` : issueText(parsed.error, row, at));
    }
    const r = row as z.infer<typeof runSchema>;
    if (r.id >= runCount) throw bad(`${at}.id: run id ${r.id} is not in the grid of ${runCount} runs`);
    if (seen[r.id]) throw bad(`${at}: run id ${r.id} is given twice`);
    seen[r.id] = 1;
    if (expected && !expected[r.id]) throw bad(`${at}: run id ${r.id} is not one of shard ${shard?.index}/${shard?.count}'s runs`);
    const p = runParams(plan, r.id);
    for (const key of ['lr', 'epochs', 'start', 'schedule', 'optimizer'] as const) {
      if (r[key] !== p[key]) throw bad(`${at}.${key}: is ${String(r[key])}, but run id ${r.id} has ${key} ${String(p[key])} in the grid`);
    }
    if (CLASS_OF[r.reason] !== r.class) throw bad(`${at}.reason: '${r.reason}' is not a reason of class '${r.class}'`);
    if ((r.convergedAt !== null) !== (r.class === 'converged')) throw bad(`${at}.convergedAt: must be set exactly when the run converged, got ${String(r.convergedAt)} for a ${r.class} run`);
    if ((r.divergedAt !== null) !== (r.reason === 'blew-up')) throw bad(`${at}.divergedAt: must be set exactly when the run blew up, got ${String(r.divergedAt)} for a ${r.class} (${r.reason}) run`);
    if (r.convergedAt !== null && r.convergedAt > r.epochs) throw bad(`${at}.convergedAt: ${r.convergedAt} is after the last epoch (${r.epochs})`);
    if (r.divergedAt !== null && r.divergedAt > r.epochs) throw bad(`${at}.divergedAt: ${r.divergedAt} is after the last epoch (${r.epochs})`);
    if (r.x === null && r.reason !== 'blew-up') throw bad(`${at}.x: null (not finite) for a run that did not blow up`);
    if (r.class === 'converged' && !(r.grad !== null && Math.abs(r.grad) <= tol)) throw bad(`${at}.grad: ${String(r.grad)} is not within the tolerance ${tol}, but the run converged`);
    counts[r.class]++;
  });
  if (doc.runs.length !== expectedCount && expected) {
    let missing = -1;
    for (let id = 0; id < runCount && missing < 0; id++) if (expected[id] && !seen[id]) missing = id;
    throw bad(`runs: ${expectedCount - doc.runs.length} of the ${shard ? `shard's ${expectedCount}` : `grid's ${runCount}`} runs are missing (first: run id ${missing})`);
  }
  for (const k of CLASSES) {
    if (doc.counts[k] !== counts[k]) throw bad(`counts.${k}: is ${doc.counts[k]}, but ${counts[k]} runs are ${k}`);
  }
  return doc;
}
