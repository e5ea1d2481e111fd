/**
 * Run a batch of tracks with a generated kernel and classify every run.
 * Pure with respect to its inputs: no threads, no I/O; the pool's worker is
 * a thin wrapper around `executeBatch`.
 */
import type { Optimizer, Schedule } from '../config/types.js';
import { toFunction } from '../objective/compile.js';
import { CLASS_CODE, classify, REASON_CODE } from './classify.js';
import { getKernel, type KernelOutput, type TraceSink } from './kernel.js';

/** What a worker needs to run tracks: plain, structured-clone friendly data. */
export interface BatchSpec {
  fSource: string;
  dfSource: string;
  tolerance: number;
  bound: number;
  epochs: number[];
  schedules: Schedule[];
  optimizers: Optimizer[];
  /** Track fields as parallel arrays. */
  start: Float64Array;
  lr: Float64Array;
  schedule: Uint8Array;
  optimizer: Uint8Array;
  firstRun: Float64Array;
  /** -1: all epochs of the axis; else the index of the one epoch value. */
  epochIdx: Int32Array;
  lanes?: number;
}

/** Results for the runs of a batch, in run order of the batch's tracks. */
export interface BatchResult {
  runId: Float64Array;
  x: Float64Array;
  grad: Float64Array;
  loss: Float64Array;
  convergedAt: Int32Array;
  divergedAt: Int32Array;
  klass: Uint8Array;
  reason: Uint8Array;
  steps: number;
}

function runCountOf(spec: BatchSpec): number {
  let n = 0;
  for (let i = 0; i < spec.start.length; i++) n += (spec.epochIdx[i] as number) < 0 ? spec.epochs.length : 1;
  return n;
}

export function executeBatch(spec: BatchSpec): BatchResult {
  const total = runCountOf(spec);
  const res: BatchResult = {
    runId: new Float64Array(total),
    x: new Float64Array(total),
    grad: new Float64Array(total),
    loss: new Float64Array(total),
    convergedAt: new Int32Array(total),
    divergedAt: new Int32Array(total),
    klass: new Uint8Array(total),
    reason: new Uint8Array(total),
    steps: 0,
  };
  const f = toFunction(spec.fSource);
  // Group tracks that can share a kernel call: same schedule, optimizer and checkpoints.
  const groups = new Map<string, number[]>();
  for (let i = 0; i < spec.start.length; i++) {
    const key = `${spec.schedule[i]}/${spec.optimizer[i]}/${spec.epochIdx[i]}`;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  }
  // Output offset of each track's first run within the batch result.
  const offset = new Int32Array(spec.start.length);
  for (let i = 0, o = 0; i < spec.start.length; i++) {
    offset[i] = o;
    o += (spec.epochIdx[i] as number) < 0 ? spec.epochs.length : 1;
  }
  for (const members of groups.values()) {
    const first = members[0] as number;
    const sched = spec.schedules[spec.schedule[first] as number] as Schedule;
    const opt = spec.optimizers[spec.optimizer[first] as number] as Optimizer;
    const ei = spec.epochIdx[first] as number;
    const runEpochs = ei < 0 ? spec.epochs : [spec.epochs[ei] as number];
    // Checkpoints: the distinct epoch values, ascending; runs map onto them.
    const checkpoints = Int32Array.from([...new Set(runEpochs)].sort((a, b) => a - b));
    const cpIndex = runEpochs.map((e) => checkpoints.indexOf(e));
    const C = checkpoints.length;
    const n = members.length;
    const x0 = new Float64Array(n);
    const lr = new Float64Array(n);
    members.forEach((t, j) => {
      x0[j] = spec.start[t] as number;
      lr[j] = spec.lr[t] as number;
    });
    const out: KernelOutput = {
      x: new Float64Array(n * C),
      grad: new Float64Array(n * C),
      loss: new Float64Array(n * C),
      grad1: new Float64Array(n * C),
      grad2: new Float64Array(n * C),
      convergedAt: new Int32Array(n * C),
      divergedAt: new Int32Array(n * C),
    };
    const kernel = getKernel({ fSource: spec.fSource, dfSource: spec.dfSource, schedule: sched, optimizer: opt }, spec.lanes);
    kernel(x0, lr, n, checkpoints, spec.tolerance, spec.bound, out, null);
    const maxE = C > 0 ? (checkpoints[C - 1] as number) : 0;
    members.forEach((t, j) => {
      const loss0 = f(x0[j] as number);
      let steps = maxE;
      for (let r = 0; r < runEpochs.length; r++) {
        const o = j * C + (cpIndex[r] as number);
        const dst = (offset[t] as number) + r;
        const epochs = runEpochs[r] as number;
        const divergedAt = out.divergedAt[o] as number;
        if (divergedAt >= 0) steps = Math.min(steps, divergedAt);
        const v = classify(
          {
            epochs,
            grad: out.grad[o] as number,
            loss: out.loss[o] as number,
            loss0,
            grad1: out.grad1[o] as number,
            grad2: out.grad2[o] as number,
            divergedAt,
          },
          spec.tolerance,
        );
        res.runId[dst] = (spec.firstRun[t] as number) + r;
        res.x[dst] = out.x[o] as number;
        res.grad[dst] = out.grad[o] as number;
        res.loss[dst] = out.loss[o] as number;
        res.convergedAt[dst] = v.class === 'converged' ? (out.convergedAt[o] as number) : -1;
        res.divergedAt[dst] = v.reason === 'blew-up' ? divergedAt : -1;
        res.klass[dst] = CLASS_CODE[v.class];
        res.reason[dst] = REASON_CODE[v.reason];
      }
      res.steps += steps;
    });
  }
  return res;
}

export interface TraceRequest {
  fSource: string;
  dfSource: string;
  start: number;
  lr: number;
  epochs: number;
  schedule: Schedule;
  optimizer: Optimizer;
  tolerance: number;
  bound: number;
  /** At most this many points (plus the last). */
  maxPoints: number;
}

export interface Trace {
  t: number[];
  x: number[];
  grad: number[];
}

/** x and f'(x) per epoch for one run, thinned to about maxPoints points. */
export function traceRun(req: TraceRequest): Trace {
  const every = Math.max(1, Math.ceil(req.epochs / req.maxPoints));
  const sink: TraceSink = { every, xs: [], grads: [], ts: [] };
  const kernel = getKernel({ fSource: req.fSource, dfSource: req.dfSource, schedule: req.schedule, optimizer: req.optimizer }, 1, true);
  const out: KernelOutput = {
    x: new Float64Array(1),
    grad: new Float64Array(1),
    loss: new Float64Array(1),
    grad1: new Float64Array(1),
    grad2: new Float64Array(1),
    convergedAt: new Int32Array(1),
    divergedAt: new Int32Array(1),
  };
  kernel(Float64Array.of(req.start), Float64Array.of(req.lr), 1, Int32Array.of(req.epochs), req.tolerance, req.bound, out, sink);
  return { t: sink.ts, x: sink.xs, grad: sink.grads };
}
