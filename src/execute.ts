/**
 * Plan execution as one call: compile the objective, run the tracks on the
 * pool, gather a RunTable. With a journal, finished batches are saved as
 * they arrive and a rerun only does the tracks still missing.
 */
import { compileObjective, type CompiledObjective } from './objective/objective.js';
import type { GrammarLimits } from './objective/grammar.js';
import type { Plan, Track } from './plan/plan.js';
import { executeTracks, WorkerPool, type ExecuteOptions } from './pool/pool.js';
import { createProgress } from './pool/progress.js';
import { absorb, createTable, type RunTable } from './results/table.js';
import type { Journal } from './results/journal.js';

export interface ExecutePlanOptions {
  pool?: WorkerPool;
  quiet?: boolean;
  signal?: AbortSignal;
  /** Only these tracks (a shard); default: the whole plan. */
  tracks?: Track[];
  journal?: Journal;
  lanes?: number;
  /** The expression limits the sweep was loaded with (--max-expr-length, --max-expr-depth). */
  grammar?: GrammarLimits;
}

export interface Execution {
  table: RunTable;
  objective: CompiledObjective;
  /** Tracks taken from the journal rather than computed. */
  resumedTracks: number;
  /** Journal records dropped as damaged (their tracks were computed again). */
  journalDamaged: number;
  /** A journal of another plan, version or format was there and was discarded. */
  journalDiscarded: boolean;
}

export async function executePlan(plan: Plan, opts: ExecutePlanOptions = {}): Promise<Execution> {
  const objective = compileObjective(plan.config.objective, opts.grammar);
  const table = createTable(plan.runCount);
  let tracks = opts.tracks ?? plan.tracks;
  let resumedTracks = 0;
  let journalDamaged = 0;
  let journalDiscarded = false;
  if (opts.journal) {
    const loaded = opts.journal.load(plan, tracks);
    for (const b of loaded.batches) absorb(table, b);
    const before = tracks.length;
    // Records hold whole tracks (the journal checks it), so a track is done when its first run is.
    tracks = tracks.filter((t) => !table.done[t.firstRun]);
    resumedTracks = before - tracks.length;
    journalDamaged = loaded.damaged;
    journalDiscarded = loaded.discarded;
    opts.journal.open(loaded.batches);
  }
  const steps = tracks.reduce((a, t) => a + t.cost, 0);
  const progress = createProgress(steps, plan.config.name, opts.quiet ? 'quiet' : 'auto');
  const pool = opts.pool ?? new WorkerPool();
  const execOpts: ExecuteOptions = {
    onBatch: (res) => {
      absorb(table, res);
      opts.journal?.append(res);
    },
    onSteps: (s) => progress.advance(s),
  };
  if (opts.signal) execOpts.signal = opts.signal;
  if (opts.lanes !== undefined) execOpts.lanes = opts.lanes;
  try {
    await executeTracks(pool, plan, objective, tracks, execOpts);
  } finally {
    opts.journal?.close();
    if (!opts.pool) await pool.destroy();
  }
  progress.done();
  return { table, objective, resumedTracks, journalDamaged, journalDiscarded };
}
