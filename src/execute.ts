/**
 * Plan execution as one call: compile the objective, run the tracks on the
 * pool, gather a RunTable. Used by `run`, the benchmarks and the tests.
 */
import { compileObjective, type CompiledObjective } from './objective/objective.js';
import type { Plan, Track } from './plan/plan.js';
import { executeTracks } from './pool/pool.js';
import { createProgress } from './pool/progress.js';
import { absorb, createTable, type RunTable } from './results/table.js';
import type { BatchResult } from './engine/descend.js';

export interface ExecutePlanOptions {
  workers?: number;
  quiet?: boolean;
  signal?: AbortSignal;
  /** Only these tracks (a shard, or what a resumed run still lacks). */
  tracks?: Track[];
  /** Runs already known (from a journal): they are kept, not recomputed. */
  table?: RunTable;
  onBatch?: (result: BatchResult, tracks: Track[]) => void | Promise<void>;
  lanes?: number;
}

export async function executePlan(plan: Plan, opts: ExecutePlanOptions = {}): Promise<{ table: RunTable; objective: CompiledObjective }> {
  const objective = compileObjective(plan.config.objective);
  const table = opts.table ?? createTable(plan.runCount);
  const tracks = opts.tracks ?? plan.tracks;
  const steps = tracks.reduce((a, t) => a + t.cost, 0);
  const progress = createProgress(steps, plan.config.name, opts.quiet ? 'quiet' : 'auto');
  const execOpts: Parameters<typeof executeTracks>[3] = {
    onBatch: async (res, ts) => {
      absorb(table, res);
      if (opts.onBatch) await opts.onBatch(res, ts);
    },
    onSteps: (s) => progress.advance(s),
  };
  if (opts.workers !== undefined) execOpts.workers = opts.workers;
  if (opts.signal) execOpts.signal = opts.signal;
  if (opts.lanes !== undefined) execOpts.lanes = opts.lanes;
  await executeTracks(plan, objective, tracks, execOpts);
  progress.done();
  return { table, objective };
}
