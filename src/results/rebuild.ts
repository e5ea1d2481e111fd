/**
 * Rebuild the plan and the exact run table from a results folder, for merge
 * and compare. The plan comes from the sweep section (and must hash to the
 * stamped plan hash); exact values come from results.csv, which keeps
 * inf, -inf and nan apart where JSON can only say null.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { parseOptimizerLabel, type Optimizer, type SweepConfig } from '../config/types.js';
import { CLASSES, REASONS, type Reason, type RunClass } from '../engine/classify.js';
import { buildPlan, DEFAULT_PLAN_LIMITS, type Plan, type PlanLimits } from '../plan/plan.js';
import { VERSION } from '../version.js';
import { CSV_COLUMNS, type ResultsDocument, type RunRecord } from './format.js';
import type { RunTable } from './table.js';

export function configFromResults(doc: ResultsDocument, where: string): SweepConfig {
  const s = doc.sweep;
  const optimizers: Optimizer[] = s.axes.optimizer.map((label) => {
    const o = parseOptimizerLabel(label);
    if (!o) throw new UserError(`${where}: unknown optimizer '${label}' in results`);
    return o;
  });
  return {
    file: s.file,
    name: s.name,
    title: s.title,
    objective: { builtin: s.objective.builtin, expr: s.objective.expr, derivative: s.objective.derivative, domain: s.objective.domain },
    starts: s.axes.start,
    learningRates: s.axes.learning_rate,
    epochs: s.axes.epochs,
    schedules: s.axes.schedule,
    optimizers,
    tolerance: s.classify.tolerance,
    bound: s.classify.bound,
    trajectories: s.report.trajectories,
  };
}

/** The plan a results file describes, refused above the --max-runs and --max-steps limits like a sweep file's. */
export function planFromResults(doc: ResultsDocument, where: string, limits: PlanLimits = DEFAULT_PLAN_LIMITS): Plan {
  if (doc.plan.version !== VERSION) {
    throw new UserError(`${where}: made by gdsweep ${doc.plan.version}, this is gdsweep ${VERSION}; results of different versions cannot be combined (rerun with one version)`);
  }
  const config = configFromResults(doc, where);
  let plan: Plan;
  try {
    plan = buildPlan(config, limits);
  } catch (err) {
    // The planner names the sweep file; here the results file is what was given.
    if (err instanceof UserError && err.message.startsWith(`${config.file}: `)) throw new UserError(`${where}: ${err.message.slice(config.file.length + 2)}`);
    throw err;
  }
  if (plan.hash !== doc.plan.hash) {
    throw new UserError(`${where}: its plan hash ${doc.plan.hash} does not match its sweep section (${plan.hash}); was the file edited?`);
  }
  return plan;
}

/** One CSV record, RFC 4180 quoting. */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function csvNumber(s: string, where: string): number {
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  if (s === 'nan') return NaN;
  const v = Number(s);
  if (s === '' || Number.isNaN(v)) throw new UserError(`${where}: '${s}' is not a number`);
  return v;
}

/**
 * Fill `table` with the runs of a results folder's CSV, which must be the
 * runs of its (validated) results.json, row for row: the CSV only adds
 * which non-finite value a JSON null was. Returns the run ids read.
 */
export function readRunsInto(dir: string, table: RunTable, doc: ResultsDocument): number[] {
  const file = join(dir, 'results.csv');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const lines = text.split('\n');
  if (lines[0] !== CSV_COLUMNS.join(',')) throw new UserError(`${file}: not a gdsweep results.csv (its first line is not ${CSV_COLUMNS.join(',')})`);
  const json = new Map<number, RunRecord>();
  for (const r of doc.runs) json.set(r.id, r);
  const ids: number[] = [];
  const seen = new Map<number, number>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line) continue;
    const f = parseCsvLine(line);
    const where = `${file}:${i + 1}`;
    if (f.length !== CSV_COLUMNS.length) throw new UserError(`${where}: ${f.length} fields, expected ${CSV_COLUMNS.length}`);
    const id = Number(f[0]);
    if (f[0] === '' || !Number.isInteger(id) || id < 0 || id >= table.runCount) throw new UserError(`${where}: run id ${f[0]} is not in the plan`);
    // A repeated id would overwrite the first row and leave another run out of the merge.
    const first = seen.get(id);
    if (first !== undefined) throw new UserError(`${where}: run id ${id} is given twice (first at line ${first})`);
    seen.set(id, i + 1);
    const j = json.get(id);
    if (!j) throw new UserError(`${where}: run id ${id} is not in results.json`);
    const differs = (field: string, csv: string, expected: unknown) => new UserError(`${where}: run id ${id}: ${field} is '${csv}', but results.json has ${String(expected)}`);
    const k = CLASSES.indexOf(f[9] as RunClass);
    const r = REASONS.indexOf(f[10] as Reason);
    if (k < 0 || f[9] !== j.class) throw differs('class', f[9] ?? '', j.class);
    if (r < 0 || f[10] !== j.reason) throw differs('reason', f[10] ?? '', j.reason);
    const same = (field: 'lr' | 'epochs' | 'start', col: number) => {
      const v = f[col] ?? '';
      if (v === '' || Number(v) !== j[field]) throw differs(field, v, j[field]);
    };
    same('lr', 1);
    same('epochs', 2);
    same('start', 3);
    if (f[4] !== j.schedule) throw differs('schedule', f[4] ?? '', j.schedule);
    if (f[5] !== j.optimizer) throw differs('optimizer', f[5] ?? '', j.optimizer);
    const value = (field: 'x' | 'grad' | 'loss', col: number): number => {
      const v = csvNumber(f[col] ?? '', where);
      // JSON writes every non-finite number as null.
      if (Number.isFinite(v) ? v !== j[field] : j[field] !== null) throw differs(field, f[col] ?? '', j[field]);
      return v;
    };
    const epoch = (field: 'convergedAt' | 'divergedAt', col: number): number => {
      const v = f[col] ?? '';
      if (v === '' ? j[field] !== null : !/^\d+$/.test(v) || Number(v) !== j[field]) throw differs(field, v, j[field]);
      return v === '' ? -1 : Number(v);
    };
    table.x[id] = value('x', 6);
    table.grad[id] = value('grad', 7);
    table.loss[id] = value('loss', 8);
    table.klass[id] = k;
    table.reason[id] = r;
    table.convergedAt[id] = epoch('convergedAt', 11);
    table.divergedAt[id] = epoch('divergedAt', 12);
    table.done[id] = 1;
    ids.push(id);
  }
  if (ids.length !== doc.runs.length) throw new UserError(`${file}: has ${ids.length} runs, but results.json has ${doc.runs.length}`);
  return ids;
}
