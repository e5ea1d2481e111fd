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
import type { Plan } from '../plan/plan.js';
import { VERSION } from '../version.js';
import { className, countClasses, reasonName, type RunTable } from './table.js';
import { ChunkWriter } from './atomic.js';

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

function csvNum(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

function csvText(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function jsonHead(table: RunTable, sweep: SweepDescription, stamp: PlanStamp): string {
  const head = {
    format: RESULTS_FORMAT,
    tool: { name: 'gdsweep', version: VERSION },
    plan: stamp,
    sweep,
    counts: countClasses(table),
  };
  return JSON.stringify(head).slice(0, -1) + ',"runs":[';
}

const JSON_TAIL = '\n]}\n';

export const CSV_COLUMNS = ['id', 'lr', 'epochs', 'start', 'schedule', 'optimizer', 'x', 'grad', 'loss', 'class', 'reason', 'convergedAt', 'divergedAt'] as const;
const CSV_HEAD = CSV_COLUMNS.join(',') + '\n';

/**
 * The rows of both files for every run this table holds, in id order, as
 * pairs of chunks [json, csv]. One pass: each number is turned into text
 * once for both files, the axis values once per sweep, and the axis indices
 * come from the grid's strides inline (as Grid.index does), which keeps a million
 * rows fast.
 */
export function* resultsRowChunks(plan: Plan, table: RunTable): Generator<[string, string]> {
  const c = plan.config;
  const { strides: stride, lengths: len } = plan.grid;
  const lrText = c.learningRates.map(String);
  const startText = c.starts.map(String);
  const epochText = c.epochs.map(String);
  const schedJson = c.schedules.map((v) => JSON.stringify(v));
  const schedCsv = c.schedules.map(csvText);
  const optJson = c.optimizers.map((o) => JSON.stringify(optimizerLabel(o)));
  const optCsv = c.optimizers.map((o) => csvText(optimizerLabel(o)));
  let json = '';
  let csv = '';
  let first = true;
  for (let id = 0; id < table.runCount; id++) {
    if (!table.done[id]) continue;
    const p = Math.floor(id / stride.epochs) % len.epochs;
    const l = Math.floor(id / stride.lr) % len.lr;
    const o = Math.floor(id / stride.optimizer) % len.optimizer;
    const k = Math.floor(id / stride.schedule) % len.schedule;
    const s = Math.floor(id / stride.start) % len.start;
    const x = table.x[id] as number;
    const g = table.grad[id] as number;
    const f = table.loss[id] as number;
    // Finite numbers print the same in both files (String(v) is JSON's own
    // form, -0 included); non-finite ones are null in JSON, inf/nan in CSV.
    const xs = Number.isFinite(x) ? String(x) : null;
    const gs = Number.isFinite(g) ? String(g) : null;
    const fs = Number.isFinite(f) ? String(f) : null;
    const ca = table.convergedAt[id] as number;
    const da = table.divergedAt[id] as number;
    const cls = className(table.klass[id] as number);
    const why = reasonName(table.reason[id] as number);
    const lr = lrText[l] as string;
    const ep = epochText[p] as string;
    const st = startText[s] as string;
    json +=
      (first ? '\n' : ',\n') +
      `{"id":${id},"lr":${lr},"epochs":${ep},"start":${st},"schedule":${schedJson[k] as string},"optimizer":${optJson[o] as string},` +
      `"x":${xs ?? 'null'},"grad":${gs ?? 'null'},"loss":${fs ?? 'null'},"class":"${cls}","reason":"${why}",` +
      `"convergedAt":${ca < 0 ? 'null' : ca},"divergedAt":${da < 0 ? 'null' : da}}`;
    csv +=
      `${id},${lr},${ep},${st},${schedCsv[k] as string},${optCsv[o] as string},${xs ?? csvNum(x)},${gs ?? csvNum(g)},${fs ?? csvNum(f)},` +
      `${cls},${why},${ca < 0 ? '' : ca},${da < 0 ? '' : da}\n`;
    first = false;
    if (json.length > 1 << 14) {
      yield [json, csv];
      json = '';
      csv = '';
    }
  }
  if (json) yield [json, csv];
}

/** results.json as chunks, one run per line. */
export function* resultsJsonChunks(plan: Plan, table: RunTable, sweep: SweepDescription, stamp: PlanStamp): Generator<string> {
  yield jsonHead(table, sweep, stamp);
  for (const [json] of resultsRowChunks(plan, table)) yield json;
  yield JSON_TAIL;
}

export function* resultsCsvChunks(plan: Plan, table: RunTable): Generator<string> {
  yield CSV_HEAD;
  for (const [, csv] of resultsRowChunks(plan, table)) yield csv;
}

/** Both results files in one pass over the runs. */
export function writeResultsFiles(jsonPath: string, csvPath: string, plan: Plan, table: RunTable, sweep: SweepDescription, stamp: PlanStamp): void {
  const json = new ChunkWriter(jsonPath);
  const csv = new ChunkWriter(csvPath);
  try {
    json.write(jsonHead(table, sweep, stamp));
    csv.write(CSV_HEAD);
    for (const [j, c] of resultsRowChunks(plan, table)) {
      json.write(j);
      csv.write(c);
    }
    json.write(JSON_TAIL);
    json.close();
    csv.close();
  } finally {
    json.abandon();
    csv.abandon();
  }
}
