/**
 * gdsweep as a library. Data flows one way through five phases, each a pure
 * function over plain data except at the two ends:
 *
 *   1. load     (src/config)    sweep.yaml -> SweepConfig: YAML with positions,
 *                               strict schema, axes expanded as NumPy does, rules.
 *   2. plan     (src/plan)      SweepConfig -> Plan: the run grid, tracks that share
 *                               a trajectory across epoch values, shards by cost.
 *   3. execute  (src/engine, src/pool)
 *                               Plan -> RunTable: generated kernels on a Piscina
 *                               pool, every run classified by SPEC section 3.
 *   4. results  (src/results)   RunTable -> results.json / results.csv, written
 *                               atomically; merge of shards, compare of sweeps.
 *   5. report   (src/report)    results.json -> report model -> Vega-Lite charts
 *                               (SVG, PNG) and Handlebars pages.
 *
 * The command line (src/cli.ts) is a thin layer over these.
 */
export { loadSweep } from './config/load.js';
export type { SweepConfig, Schedule, Optimizer } from './config/types.js';
export { buildPlan, runParams, type Plan, type Track } from './plan/plan.js';
export { shardTracks, parseShard, type Shard } from './plan/shard.js';
export { executeBatch, traceRun } from './engine/descend.js';
export { classify, type RunClass, type Reason } from './engine/classify.js';
export { executePlan } from './execute.js';
export { WorkerPool } from './pool/pool.js';
export { writeSweepFolder } from './results/output.js';
export { readResults } from './results/read.js';
export { validateResults, type ResultsLimits } from './results/validate.js';
export { compareResults } from './analysis/compare.js';
export type { ResultsDocument, RunRecord } from './results/format.js';
export { compileObjective } from './objective/objective.js';
export { main } from './cli.js';
