/**
 * The report as plain data: everything the page, the charts and summary.md
 * show, computed from a results document alone. Pure (no I/O, no clock, no
 * randomness), so `run` and `render` build the same model from the same
 * results.json, and tests can check it without rendering anything.
 *
 * Phases: the objective compiled again -> the points converged runs
 * reached (stationary.ts) and the curvature (curvature.ts) -> header facts
 * -> class counts -> each chart's model, in the order of the registry
 * (charts/registry.ts) -> best lr per budget (analysis/best.ts) -> run table.
 */
import type { RunClass } from '../engine/classify.js';
import { compileObjective, type CompiledObjective } from '../objective/objective.js';
import { DEFAULT_GRAMMAR_LIMITS, type GrammarLimits } from '../objective/grammar.js';
import type { ResultsDocument, RunRecord } from '../results/format.js';
import { DEFAULT_OPTIMIZER } from '../registry/optimizers.js';
import { DEFAULT_SCHEDULE } from '../registry/schedules.js';
import { VERSION } from '../version.js';
import { bestPerBudget, type BestForBudget } from '../analysis/best.js';
import { prettyExpression } from '../objective/pretty.js';
import { count, sig6, fmt, maxOf, minOf, plural } from '../format/numbers.js';
import { buildChartModels, type ChartModels } from './charts/registry.js';
import type { ChartContext } from './charts/types.js';
import { sweepCurvature, type Curvature } from './curvature.js';
import { valueText } from './run-text.js';
import { buildStationary, type StationaryModel } from './stationary.js';

/** Rows in the page's run table; beyond this the table is a sample (results.csv has every run). */
export const MAX_TABLE_ROWS = 2000;
/** Axis values listed one by one up to this many. */
const LIST_AXIS_VALUES = 8;
/** Points reached listed in the header up to this many (the table under the basins chart has them all). */
const LIST_POINTS = 6;

export interface AxisFact {
  name: string;
  text: string;
}

export interface HeaderModel {
  title: string;
  name: string;
  file: string;
  expr: string;
  derivative: string;
  builtin: string | null;
  domain: string | null;
  curvature: string | null;
  /** Where converged runs ended: "min at -1.4289: 25 runs · min at 4.3058: 2 runs". */
  reached: string | null;
  axes: AxisFact[];
  tolerance: string;
  bound: string;
  hash: string;
  version: string;
  /** Set when the report is made by another version than the results. */
  reportVersion: string | null;
  shard: string | null;
  runs: string;
  tracks: string;
  steps: string;
}

export interface TableColumn {
  key: string;
  label: string;
  numeric: boolean;
}

export interface TableCell {
  text: string;
  /**
   * Sort key: a number as text ("Infinity" for overflow and missing values);
   * null where the text itself is the key (keeps a 2,000-row table small).
   */
  sort: string | null;
  /** Set for values that are not finite numbers. */
  special: boolean;
}

export interface TableRow {
  id: number;
  class: RunClass;
  cells: TableCell[];
}

export interface TableModel {
  columns: TableColumn[];
  rows: TableRow[];
  total: number;
  note: string | null;
}

export interface ReportModel {
  header: HeaderModel;
  counts: Record<RunClass, number>;
  total: number;
  stationary: StationaryModel;
  /** Each chart's model, by chart id (charts/registry.ts). */
  charts: ChartModels;
  best: BestForBudget[];
  divergent: RunRecord[];
  table: TableModel;
  notes: string[];
}

export function countRuns(runs: readonly RunRecord[]): Record<RunClass, number> {
  const c: Record<RunClass, number> = { converged: 0, slow: 0, divergent: 0 };
  for (const r of runs) c[r.class]++;
  return c;
}

function axisText(values: readonly (number | string)[]): string {
  if (values.length <= LIST_AXIS_VALUES) return values.map((v) => (typeof v === 'number' ? sig6(v) : v)).join(', ');
  if (typeof values[0] === 'number') {
    const nums = values as readonly number[];
    return `${plural(values.length, 'value')} from ${fmt(minOf(nums))} to ${fmt(maxOf(nums))}`;
  }
  return `${plural(values.length, 'value')}: ${values.slice(0, LIST_AXIS_VALUES).join(', ')}, ...`;
}

function reachedText(st: StationaryModel): string | null {
  if (st.points.length === 0) return null;
  const byRuns = [...st.points].sort((a, b) => b.runs - a.runs || a.x - b.x);
  const shown = new Set(byRuns.slice(0, LIST_POINTS));
  const parts = st.points.filter((p) => shown.has(p)).map((p) => `${p.label}: ${plural(p.runs, 'run')}${p.kind === 'minimum' ? '' : ', not a minimum'}`);
  const more = st.points.length - shown.size;
  return `${parts.join(' · ')}${more ? ` · and ${count(more)} more` : ''}`;
}

function buildHeader(doc: ResultsDocument, curvature: string | null, st: StationaryModel): HeaderModel {
  const s = doc.sweep;
  const ax = s.axes;
  const axes: AxisFact[] = [
    { name: 'learning rate', text: axisText(ax.learning_rate) },
    { name: 'epochs', text: axisText(ax.epochs) },
    { name: 'start', text: axisText(ax.start) },
  ];
  if (ax.schedule.length > 1 || ax.schedule[0] !== DEFAULT_SCHEDULE) axes.push({ name: 'schedule', text: axisText(ax.schedule) });
  if (ax.optimizer.length > 1 || ax.optimizer[0] !== DEFAULT_OPTIMIZER) axes.push({ name: 'optimizer', text: axisText(ax.optimizer) });
  return {
    title: s.title || s.name,
    name: s.name,
    file: s.file,
    expr: prettyExpression(s.objective.expr),
    derivative: prettyExpression(s.objective.derivative),
    builtin: s.objective.builtin,
    domain: s.objective.domain ? `[${sig6(s.objective.domain[0])}, ${sig6(s.objective.domain[1])}]` : null,
    curvature,
    reached: reachedText(st),
    axes,
    tolerance: sig6(s.classify.tolerance),
    bound: sig6(s.classify.bound),
    hash: doc.plan.hash.slice(0, 8),
    version: doc.tool.version,
    reportVersion: doc.tool.version === VERSION ? null : VERSION,
    shard: doc.plan.shard ? `shard ${doc.plan.shard.index}/${doc.plan.shard.count}: this report covers only this shard's runs` : null,
    runs: count(doc.plan.runs),
    tracks: count(doc.plan.tracks),
    steps: count(doc.plan.steps),
  };
}

/** Table values: six significant digits, enough to tell 3.25 from 3.25003. */
const TABLE_DIGITS = 6;

function cell(text: string, sort: string, special = false): TableCell {
  return { text, sort: sort === text ? null : sort, special };
}

function num(v: number | null, r: RunRecord): TableCell {
  return v === null ? cell(valueText(v, r), 'Infinity', true) : cell(fmt(v, TABLE_DIGITS), String(v));
}

function int(v: number | null): TableCell {
  return v === null ? cell('-', 'Infinity') : cell(String(v), String(v));
}

function txt(s: string, order: number): TableCell {
  return cell(s, String(order));
}

/**
 * Every run when there are at most MAX_TABLE_ROWS; otherwise divergent runs
 * first (never hidden by the cap unless they alone exceed it), then slow,
 * then converged, each by id, shown in id order.
 */
function buildTable(doc: ResultsDocument): TableModel {
  const ax = doc.sweep.axes;
  const showSchedule = ax.schedule.length > 1 || ax.schedule[0] !== DEFAULT_SCHEDULE;
  const showOptimizer = ax.optimizer.length > 1 || ax.optimizer[0] !== DEFAULT_OPTIMIZER;
  const columns: TableColumn[] = [
    { key: 'id', label: 'run', numeric: true },
    { key: 'lr', label: 'lr', numeric: true },
    { key: 'epochs', label: 'epochs', numeric: true },
    { key: 'start', label: 'start', numeric: true },
    ...(showSchedule ? [{ key: 'schedule', label: 'schedule', numeric: false }] : []),
    ...(showOptimizer ? [{ key: 'optimizer', label: 'optimizer', numeric: false }] : []),
    { key: 'class', label: 'class', numeric: false },
    { key: 'reason', label: 'reason', numeric: false },
    { key: 'x', label: 'x', numeric: true },
    { key: 'grad', label: "f'(x)", numeric: true },
    { key: 'loss', label: 'loss f(x)', numeric: true },
    { key: 'convergedAt', label: 'converged at', numeric: true },
    { key: 'divergedAt', label: 'blew up at', numeric: true },
  ];
  let chosen = doc.runs;
  let note: string | null = null;
  if (doc.runs.length > MAX_TABLE_ROWS) {
    const picked: RunRecord[] = [];
    for (const k of ['divergent', 'slow', 'converged'] as const) {
      for (const r of doc.runs) {
        if (picked.length >= MAX_TABLE_ROWS) break;
        if (r.class === k) picked.push(r);
      }
    }
    chosen = picked.sort((a, b) => a.id - b.id);
    note = `Showing ${count(chosen.length)} of ${plural(doc.runs.length, 'run')}: divergent runs first, then slow, then converged. Every run is in results.csv and results.json.`;
  }
  const classOrder: Record<RunClass, number> = { converged: 0, slow: 1, divergent: 2 };
  const kOrder = new Map(ax.schedule.map((s, i) => [String(s), i]));
  const oOrder = new Map(ax.optimizer.map((o, i) => [o, i]));
  const rows = chosen.map((r) => ({
    id: r.id,
    class: r.class,
    cells: [
      int(r.id),
      cell(fmt(r.lr, TABLE_DIGITS), String(r.lr)),
      int(r.epochs),
      cell(fmt(r.start, TABLE_DIGITS), String(r.start)),
      ...(showSchedule ? [txt(r.schedule, kOrder.get(r.schedule) ?? 0)] : []),
      ...(showOptimizer ? [txt(r.optimizer, oOrder.get(r.optimizer) ?? 0)] : []),
      txt(r.class, classOrder[r.class]),
      cell(r.reason, r.reason),
      num(r.x, r),
      num(r.grad, r),
      num(r.loss, r),
      int(r.convergedAt),
      int(r.divergedAt),
    ],
  }));
  return { columns, rows, total: doc.runs.length, note };
}

/** The header's line on the curvature: exact, or estimated at the minimum, with the stable learning rates. */
function curvatureText(c: Curvature | null): string | null {
  if (!c) return null;
  return c.source === 'exact'
    ? `f'' = ${fmt(c.c)} everywhere (quadratic): stable for 0 < lr < 2/c = ${fmt(2 / c.c)}`
    : `f'' ≈ ${fmt(c.c)} at the minimum x* ≈ ${fmt(c.at ?? NaN)} (estimated numerically from converged runs): stable near it for lr < ${fmt(2 / c.c)}`;
}

/** What every chart's model builder reads; a model built with `once` is shared by the charts that draw it. */
function chartContext(doc: ResultsDocument, objective: CompiledObjective | null, objectiveError: string | null, stationary: StationaryModel, curvature: Curvature | null): ChartContext {
  const built = new Map<unknown, unknown>();
  const ctx: ChartContext = {
    doc,
    objective,
    objectiveError,
    stationary,
    curvature,
    once<T>(build: (c: ChartContext) => T): T {
      if (!built.has(build)) built.set(build, build(ctx));
      return built.get(build) as T;
    },
  };
  return ctx;
}

function compile(doc: ResultsDocument, grammar: GrammarLimits): { objective: CompiledObjective | null; error: string | null } {
  try {
    const o = doc.sweep.objective;
    return { objective: compileObjective({ expr: o.expr, derivative: o.derivative }, grammar), error: null };
  } catch (err) {
    return { objective: null, error: `the objective could not be compiled (${(err as Error).message})` };
  }
}

/**
 * `grammar`: the expression limits of the command line; the objective in
 * results.json was accepted under the limits of the run that wrote it, which
 * a render of it must be given again (--max-expr-length, --max-expr-depth).
 */
export function buildReportModel(doc: ResultsDocument, grammar: GrammarLimits = DEFAULT_GRAMMAR_LIMITS): ReportModel {
  const { objective, error } = compile(doc, grammar);
  const stationary = buildStationary(doc, objective);
  const curvature = sweepCurvature(doc, objective);
  const notes: string[] = [];
  if (error) notes.push(error);
  return {
    header: buildHeader(doc, curvatureText(curvature), stationary),
    counts: countRuns(doc.runs),
    total: doc.runs.length,
    stationary,
    charts: buildChartModels(chartContext(doc, objective, error, stationary, curvature)),
    best: bestPerBudget(doc),
    divergent: doc.runs.filter((r) => r.class === 'divergent'),
    table: buildTable(doc),
    notes,
  };
}

