/**
 * The canonical results files: results.json ("gdsweep-results/1", one run
 * per line so that diffs and greps stay readable) and results.csv. Same
 * input, same bytes: numbers in JavaScript's shortest round-trip form,
 * non-finite numbers as null (JSON) or inf/-inf/nan (CSV), no timestamps
 * and no host paths.
 */
import { basename } from 'node:path';
import { optimizerLabel, type Schedule, type TrajectorySelector } from '../config/types.js';
import type { Reason, RunClass } from '../engine/classify.js';
import { runParams, type Plan } from '../plan/plan.js';
import { VERSION } from '../version.js';
import { className, countClasses, reasonName, type RunTable } from './table.js';

export const RESULTS_FORMAT = 'gdsweep-results/1';

export interface SweepDescription {
  name: string;
  title: string;
  file: string;
  objective: {
    builtin: string | null;
    expr: string;
    derivative: string;
    domain: [number, number] | null;
    curvature: number | null;
  };
  axes: {
    start: number[];
    learning_rate: number[];
    epochs: number[];
    schedule: Schedule[];
    optimizer: string[];
  };
  classify: { tolerance: number; bound: number };
  report: { trajectories: TrajectorySelector[] };
}

export interface PlanStamp {
  hash: string;
  version: string;
  runs: number;
  tracks: number;
  steps: number;
  /** Present on shard outputs only. */
  shard?: { index: number; count: number };
}

export interface RunRecord {
  id: number;
  lr: number;
  epochs: number;
  start: number;
  schedule: Schedule;
  optimizer: string;
  x: number | null;
  grad: number | null;
  loss: number | null;
  class: RunClass;
  reason: Reason;
  convergedAt: number | null;
  divergedAt: number | null;
}

export interface ResultsDocument {
  format: typeof RESULTS_FORMAT;
  tool: { name: 'gdsweep'; version: string };
  plan: PlanStamp;
  sweep: SweepDescription;
  counts: Record<RunClass, number>;
  runs: RunRecord[];
}

export function describeSweep(plan: Plan, curvature: number | null): SweepDescription {
  const c = plan.config;
  return {
    name: c.name,
    title: c.title,
    file: basename(c.file),
    objective: { ...c.objective, curvature },
    axes: {
      start: c.starts,
      learning_rate: c.learningRates,
      epochs: c.epochs,
      schedule: c.schedules,
      optimizer: c.optimizers.map(optimizerLabel),
    },
    classify: { tolerance: c.tolerance, bound: c.bound },
    report: { trajectories: c.trajectories },
  };
}

export function planStamp(plan: Plan, shard?: { index: number; count: number }): PlanStamp {
  const stamp: PlanStamp = { hash: plan.hash, version: VERSION, runs: plan.runCount, tracks: plan.tracks.length, steps: plan.totalSteps };
  if (shard) stamp.shard = shard;
  return stamp;
}

function num(v: number): string {
  return Number.isFinite(v) ? JSON.stringify(v) : 'null';
}

function csvNum(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

function csvText(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** results.json as chunks, one run per line. */
export function* resultsJsonChunks(plan: Plan, table: RunTable, sweep: SweepDescription, stamp: PlanStamp): Generator<string> {
  const counts = countClasses(table);
  const head = {
    format: RESULTS_FORMAT,
    tool: { name: 'gdsweep', version: VERSION },
    plan: stamp,
    sweep,
    counts,
  };
  yield JSON.stringify(head).slice(0, -1) + ',"runs":[';
  const schedules = plan.config.schedules.map((v) => JSON.stringify(v));
  const optimizers = plan.config.optimizers.map((o) => JSON.stringify(optimizerLabel(o)));
  let first = true;
  yield* rowChunks(plan, table, (id, s, k, o, l, p) => {
    const ca = table.convergedAt[id] as number;
    const da = table.divergedAt[id] as number;
    const row =
      (first ? '\n' : ',\n') +
      `{"id":${id},"lr":${num(plan.config.learningRates[l] as number)},"epochs":${plan.config.epochs[p] as number},"start":${num(plan.config.starts[s] as number)},` +
      `"schedule":${schedules[k] as string},"optimizer":${optimizers[o] as string},` +
      `"x":${num(table.x[id] as number)},"grad":${num(table.grad[id] as number)},"loss":${num(table.loss[id] as number)},` +
      `"class":"${className(table.klass[id] as number)}","reason":"${reasonName(table.reason[id] as number)}",` +
      `"convergedAt":${ca < 0 ? 'null' : ca},"divergedAt":${da < 0 ? 'null' : da}}`;
    first = false;
    return row;
  });
  yield '\n]}\n';
}

/**
 * The rows of every run this table holds, in id order, batched into chunks.
 * The axis indices come from inline arithmetic (as runParams does), which
 * keeps a million rows fast.
 */
function* rowChunks(plan: Plan, table: RunTable, row: (id: number, s: number, k: number, o: number, l: number, p: number) => string): Generator<string> {
  const [, K, O, L, P] = plan.dims;
  let buf = '';
  for (let id = 0; id < table.runCount; id++) {
    if (!table.done[id]) continue;
    const p = id % P;
    const l = Math.floor(id / P) % L;
    const o = Math.floor(id / (P * L)) % O;
    const k = Math.floor(id / (P * L * O)) % K;
    const s = Math.floor(id / (P * L * O * K));
    buf += row(id, s, k, o, l, p);
    if (buf.length > 1 << 16) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

export const CSV_COLUMNS = ['id', 'lr', 'epochs', 'start', 'schedule', 'optimizer', 'x', 'grad', 'loss', 'class', 'reason', 'convergedAt', 'divergedAt'] as const;

export function* resultsCsvChunks(plan: Plan, table: RunTable): Generator<string> {
  yield CSV_COLUMNS.join(',') + '\n';
  const schedules = plan.config.schedules.map(csvText);
  const optimizers = plan.config.optimizers.map((o) => csvText(optimizerLabel(o)));
  yield* rowChunks(plan, table, (id, s, k, o, l, p) => {
    const ca = table.convergedAt[id] as number;
    const da = table.divergedAt[id] as number;
    return (
      `${id},${csvNum(plan.config.learningRates[l] as number)},${plan.config.epochs[p] as number},${csvNum(plan.config.starts[s] as number)},` +
      `${schedules[k] as string},${optimizers[o] as string},${csvNum(table.x[id] as number)},${csvNum(table.grad[id] as number)},${csvNum(table.loss[id] as number)},` +
      `${className(table.klass[id] as number)},${reasonName(table.reason[id] as number)},${ca < 0 ? '' : ca},${da < 0 ? '' : da}\n`
    );
  });
}

/** One run as a record (for small uses: the report, the summary). */
export function runRecord(plan: Plan, table: RunTable, id: number): RunRecord {
  const p = runParams(plan, id);
  const fin = (v: number) => (Number.isFinite(v) ? v : null);
  const ca = table.convergedAt[id] as number;
  const da = table.divergedAt[id] as number;
  return {
    ...p,
    x: fin(table.x[id] as number),
    grad: fin(table.grad[id] as number),
    loss: fin(table.loss[id] as number),
    class: className(table.klass[id] as number),
    reason: reasonName(table.reason[id] as number),
    convergedAt: ca < 0 ? null : ca,
    divergedAt: da < 0 ? null : da,
  };
}
