/**
 * A sweep's output folder: results first, then (optionally) the report made
 * from the results file just written, so `run` and `render` share one path
 * and give the same bytes. All of it lands atomically.
 */
import { join } from 'node:path';
import type { Plan } from '../plan/plan.js';
import { commitFolder } from './atomic.js';
import { describeSweep, planStamp, writeResultsFiles, type ResultsDocument } from './format.js';
import { readWrittenResults } from './read.js';
import type { RunTable } from './table.js';

export type ReportWriter = (dir: string, doc: ResultsDocument, signal?: AbortSignal) => Promise<void>;

export interface WriteOptions {
  curvature: number | null;
  shard?: { index: number; count: number };
  report?: ReportWriter | null;
  /** SIGINT/SIGTERM: abandon the new folder (the previous one stays) and throw InterruptedError. */
  signal?: AbortSignal;
}

export async function writeSweepFolder(target: string, plan: Plan, table: RunTable, opts: WriteOptions): Promise<void> {
  await commitFolder(target, async (dir) => {
    const sweep = describeSweep(plan, opts.curvature);
    writeResultsFiles(join(dir, 'results.json'), join(dir, 'results.csv'), plan, table, sweep, planStamp(plan, opts.shard));
    if (opts.report) await opts.report(dir, readWrittenResults(join(dir, 'results.json')), opts.signal);
  }, opts.signal ? { signal: opts.signal } : {});
}
