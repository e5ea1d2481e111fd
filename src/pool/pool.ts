/**
 * Execute tracks on a Piscina pool. Batching, progress, cancellation and
 * worker failure are handled here and nowhere else. The pool is created by
 * `executeTracks` and closed before it returns: importing this module starts
 * nothing.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { Plan, Track } from '../plan/plan.js';
import { runParams } from '../plan/plan.js';
import type { BatchResult, BatchSpec } from '../engine/descend.js';
import { ExecutionError, InterruptedError, isExpected } from '../errors.js';
import type { WorkerTask } from './worker.js';

export interface ObjectiveCode {
  fSource: string;
  dfSource: string;
}

export interface ExecuteOptions {
  /** Called with each finished batch, in completion order. */
  onBatch: (result: BatchResult, tracks: Track[]) => void | Promise<void>;
  onSteps?: (steps: number) => void;
  signal?: AbortSignal;
  lanes?: number;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** Contiguous batches of about `target` steps (never one task per run). */
export function makeBatches(tracks: Track[], workers: number): Track[][] {
  const total = tracks.reduce((a, t) => a + Math.max(1, t.cost), 0);
  // Enough batches to balance the workers and show progress, few enough to keep overhead small.
  const target = Math.max(200_000, Math.ceil(total / (workers * 16)));
  const maxTracks = 4096;
  const batches: Track[][] = [];
  let cur: Track[] = [];
  let cost = 0;
  for (const t of tracks) {
    cur.push(t);
    cost += Math.max(1, t.cost);
    if (cost >= target || cur.length >= maxTracks) {
      batches.push(cur);
      cur = [];
      cost = 0;
    }
  }
  if (cur.length) batches.push(cur);
  return batches;
}

export function batchSpec(plan: Plan, code: ObjectiveCode, tracks: Track[], lanes?: number): BatchSpec {
  const n = tracks.length;
  const spec: BatchSpec = {
    fSource: code.fSource,
    dfSource: code.dfSource,
    tolerance: plan.config.tolerance,
    bound: plan.config.bound,
    epochs: plan.config.epochs,
    schedules: plan.config.schedules,
    optimizers: plan.config.optimizers,
    start: new Float64Array(n),
    lr: new Float64Array(n),
    schedule: new Uint8Array(n),
    optimizer: new Uint8Array(n),
    firstRun: new Float64Array(n),
    epochIdx: new Int32Array(n),
  };
  if (lanes !== undefined) spec.lanes = lanes;
  tracks.forEach((t, i) => {
    spec.start[i] = t.start;
    spec.lr[i] = t.lr;
    spec.schedule[i] = t.schedule;
    spec.optimizer[i] = t.optimizer;
    spec.firstRun[i] = t.firstRun;
    // -1 stands for the whole epochs axis; with a one-value axis both forms mean index 0.
    spec.epochIdx[i] = t.epochIdx.length === plan.config.epochs.length && t.epochIdx.length !== 1 ? -1 : (t.epochIdx[0] as number);
  });
  return spec;
}

function workerFile(): { filename: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    // Development and tests run the TypeScript sources through tsx.
    return { filename: here.replace(/pool\.ts$/, 'worker.ts'), execArgv: ['--import', 'tsx'] };
  }
  return { filename: here.replace(/pool\.js$/, 'worker.js'), execArgv: [] };
}

function describeRun(plan: Plan, track: Track): string {
  const p = runParams(plan, track.firstRun);
  return `lr=${p.lr}, start=${p.start}, schedule=${p.schedule}, optimizer=${p.optimizer}`;
}

/** The worker threads, created on first use and shared by every sweep of a command. */
export class WorkerPool {
  readonly workers: number;
  private piscina: Piscina<WorkerTask, BatchResult> | null = null;

  constructor(workers: number = defaultWorkers()) {
    this.workers = Math.max(1, workers);
  }

  run(task: WorkerTask, signal: AbortSignal): Promise<BatchResult> {
    if (!this.piscina) {
      const { filename, execArgv } = workerFile();
      this.piscina = new Piscina<WorkerTask, BatchResult>({
        filename,
        execArgv,
        minThreads: this.workers,
        maxThreads: this.workers,
        idleTimeout: 60_000,
      });
    }
    return this.piscina.run(task, { signal });
  }

  async destroy(): Promise<void> {
    const p = this.piscina;
    this.piscina = null;
    if (p) await p.destroy();
  }
}

export async function executeTracks(pool: WorkerPool, plan: Plan, code: ObjectiveCode, tracks: Track[], opts: ExecuteOptions): Promise<void> {
  if (tracks.length === 0) return;
  const workers = Math.min(pool.workers, tracks.length);
  const batches = makeBatches(tracks, pool.workers);
  const abort = new AbortController();
  let failure: Error | null = null;
  const onAbort = () => abort.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let next = 0;
    // Keep a bounded number of batches in flight so that finished work is
    // handed over (and journaled) in a steady stream.
    const inFlight = new Set<Promise<void>>();
    const launch = (index: number) => {
      const tracksOf = batches[index] as Track[];
      const task: WorkerTask = { batch: index, spec: batchSpec(plan, code, tracksOf, opts.lanes) };
      const p = pool
        .run(task, abort.signal)
        .then(async (res) => {
          if (failure) return;
          await opts.onBatch(res, tracksOf);
          opts.onSteps?.(tracksOf.reduce((a, t) => a + t.cost, 0));
        })
        .catch((err: unknown) => {
          if (failure) return;
          if (opts.signal?.aborted) {
            failure = new InterruptedError(opts.signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
          } else if (isExpected(err)) {
            failure = err;
          } else {
            const first = tracksOf[0] as Track;
            const last = tracksOf[tracksOf.length - 1] as Track;
            const ids = `runs ${first.firstRun}..${last.firstRun + last.epochIdx.length - 1}`;
            failure = new ExecutionError(`a worker failed while running ${ids} (first: ${describeRun(plan, first)}): ${(err as Error).message}`);
          }
          abort.abort();
        })
        .finally(() => {
          inFlight.delete(p);
        });
      inFlight.add(p);
    };
    while (next < batches.length || inFlight.size > 0) {
      while (!failure && !opts.signal?.aborted && next < batches.length && inFlight.size < workers * 2) launch(next++);
      if (inFlight.size === 0) break;
      await Promise.race(inFlight);
    }
    if (!failure && opts.signal?.aborted) failure = new InterruptedError(opts.signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
    if (failure) throw failure;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    // A failed or interrupted batch may leave a worker busy: start afresh next time.
    if (failure) await pool.destroy();
  }
}
