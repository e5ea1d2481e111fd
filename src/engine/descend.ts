/**
 * Run a batch of tracks with a generated kernel and classify every run.
 * Pure with respect to its inputs: no threads, no I/O; the pool's worker is
 * a thin wrapper around `executeBatch`.
 */
import type { BatchColumns } from './columns.js';
import type { Optimizer, Schedule } from '../config/types.js';
import { toFunction } from '../objective/compile.js';
import { CLASS_CODE, classify, REASON_CODE, type FinalState } from './classify.js';
import { DEFAULT_LANES, getKernel, type KernelOutput } from './kernel.js';

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
  /** Tracks interleaved per kernel loop (default DEFAULT_LANES). */
  lanes?: number;
  /** Steps per fast chunk (default DEFAULT_CHUNK); tests make it small. */
  chunk?: number;
  /** Skip the steps of groups at an exact fixed point (default true; same results). */
  skipFixedPoints?: boolean;
}

/** Results for the runs of a batch, in run order of the batch's tracks. */
export interface BatchResult extends BatchColumns {
  /** Steps the batch's tracks need: max(epochs) each, less where a track blew up earlier. */
  steps: number;
  /** Lane-steps the kernel actually computed (fixed points skipped, padding included): for benchmarks. */
  computedSteps?: number;
}

function kernelOutput(size: number): KernelOutput {
  return {
    x: new Float64Array(size),
    grad: new Float64Array(size),
    loss: new Float64Array(size),
    grad1: new Float64Array(size),
    grad2: new Float64Array(size),
    convergedAt: new Int32Array(size),
    divergedAt: new Int32Array(size),
  };
}

const objectiveFunctions = new Map<string, (x: number) => number>();

/** f compiled once per worker (a fresh function per batch would make V8 deoptimize the caller). */
function objectiveFunction(source: string): (x: number) => number {
  let f = objectiveFunctions.get(source);
  if (!f) {
    f = toFunction(source);
    objectiveFunctions.set(source, f);
  }
  return f;
}

/** Runs of batch track i: the whole epochs axis, or its one epoch value. */
export function runsOfTrack(spec: BatchSpec, i: number): number {
  return (spec.epochIdx[i] as number) < 0 ? spec.epochs.length : 1;
}

/** One kernel call: tracks of the same schedule, optimizer and epoch values. */
interface Group {
  /** Batch-local track indices. */
  members: number[];
  /** The runs' epoch counts, in run order. */
  runEpochs: Int32Array;
  /** The distinct epoch counts, ascending: the kernel's checkpoints. */
  checkpoints: Int32Array;
  /** Per run, its checkpoint. */
  cpIndex: Int32Array;
}

function groupsOf(spec: BatchSpec): Group[] {
  const byKey = new Map<string, number[]>();
  for (let i = 0; i < spec.start.length; i++) {
    const key = `${spec.schedule[i]}/${spec.optimizer[i]}/${spec.epochIdx[i]}`;
    const g = byKey.get(key);
    if (g) g.push(i);
    else byKey.set(key, [i]);
  }
  const groups: Group[] = [];
  for (const members of byKey.values()) {
    const ei = spec.epochIdx[members[0] as number] as number;
    const runEpochs = Int32Array.from(ei < 0 ? spec.epochs : [spec.epochs[ei] as number]);
    const checkpoints = Int32Array.from(new Set(runEpochs)).sort();
    const cpIndex = runEpochs.map((e) => checkpoints.indexOf(e));
    groups.push({ members, runEpochs, checkpoints, cpIndex });
  }
  return groups;
}

/** Classify the runs of one group from its checkpoint outputs (SPEC section 3) into `res`. */
function classifyGroup(
  spec: BatchSpec,
  group: Group,
  out: KernelOutput,
  x0: Float64Array,
  offset: Int32Array,
  f: (x: number) => number,
  res: BatchResult,
): number {
  const { members, runEpochs, cpIndex, checkpoints } = group;
  const C = checkpoints.length;
  const R = runEpochs.length;
  const maxE = C > 0 ? (checkpoints[C - 1] as number) : 0;
  const tol = spec.tolerance;
  // One FinalState for every run: nothing is allocated per run. Its number fields start as
  // doubles (NaN), so that V8 never has to change their representation.
  const state: FinalState = { epochs: 0, grad: NaN, loss: NaN, loss0: NaN, grad1: NaN, grad2: NaN, divergedAt: -1 };
  let steps = 0;
  for (let j = 0; j < members.length; j++) {
    const t = members[j] as number;
    const first = spec.firstRun[t] as number;
    const base = offset[t] as number;
    state.loss0 = f(x0[j] as number);
    let trackSteps = maxE;
    for (let r = 0; r < R; r++) {
      const o = j * C + (cpIndex[r] as number);
      const dst = base + r;
      const divergedAt = out.divergedAt[o] as number;
      if (divergedAt >= 0) trackSteps = Math.min(trackSteps, divergedAt);
      state.epochs = runEpochs[r] as number;
      state.grad = out.grad[o] as number;
      state.loss = out.loss[o] as number;
      state.grad1 = out.grad1[o] as number;
      state.grad2 = out.grad2[o] as number;
      state.divergedAt = divergedAt;
      const v = classify(state, tol);
      res.runId[dst] = first + r;
      res.x[dst] = out.x[o] as number;
      res.grad[dst] = state.grad;
      res.loss[dst] = state.loss;
      res.convergedAt[dst] = v.class === 'converged' ? (out.convergedAt[o] as number) : -1;
      res.divergedAt[dst] = v.reason === 'blew-up' ? divergedAt : -1;
      res.klass[dst] = CLASS_CODE[v.class];
      res.reason[dst] = REASON_CODE[v.reason];
    }
    steps += trackSteps;
  }
  return steps;
}

export function executeBatch(spec: BatchSpec): BatchResult {
  // Output offset of each track's first run within the batch result.
  const offset = new Int32Array(spec.start.length);
  let total = 0;
  for (let i = 0; i < spec.start.length; i++) {
    offset[i] = total;
    total += runsOfTrack(spec, i);
  }
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
    computedSteps: 0,
  };
  const f = objectiveFunction(spec.fSource);
  let steps = 0;
  let computed = 0;
  for (const group of groupsOf(spec)) {
    const { members, checkpoints } = group;
    const first = members[0] as number;
    const sched = spec.schedules[spec.schedule[first] as number] as Schedule;
    const opt = spec.optimizers[spec.optimizer[first] as number] as Optimizer;
    const n = members.length;
    const x0 = new Float64Array(n);
    const lr = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      x0[j] = spec.start[members[j] as number] as number;
      lr[j] = spec.lr[members[j] as number] as number;
    }
    const out = kernelOutput(n * checkpoints.length);
    const lanes = Math.max(1, Math.min(spec.lanes ?? DEFAULT_LANES, n));
    const kernel = getKernel({ fSource: spec.fSource, dfSource: spec.dfSource, schedule: sched, optimizer: opt }, lanes, spec.chunk);
    computed += kernel(x0, lr, n, checkpoints, spec.tolerance, spec.bound, out, { skipFixedPoints: spec.skipFixedPoints ?? true });
    steps += classifyGroup(spec, group, out, x0, offset, f, res);
  }
  res.steps = steps;
  res.computedSteps = computed;
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

/**
 * x and f'(x) per epoch for one run, thinned to about maxPoints points: t = 0,
 * every `every` epochs, and the last epoch (or the blow-up, where the trace
 * ends). The points are checkpoints of the batch kernel, so they are
 * bit-identical to the classified results.
 */
export function traceRun(req: TraceRequest): Trace {
  const E = Math.max(0, Math.floor(req.epochs));
  const every = Math.max(1, Math.ceil(E / Math.max(1, req.maxPoints)));
  const ts: number[] = [];
  for (let t = 0; t < E; t += every) ts.push(t);
  ts.push(E);
  const checkpoints = Int32Array.from(ts);
  const out = kernelOutput(checkpoints.length);
  const kernel = getKernel({ fSource: req.fSource, dfSource: req.dfSource, schedule: req.schedule, optimizer: req.optimizer }, 1);
  kernel(Float64Array.of(req.start), Float64Array.of(req.lr), 1, checkpoints, req.tolerance, req.bound, out);
  const trace: Trace = { t: [], x: [], grad: [] };
  for (let c = 0; c < checkpoints.length; c++) {
    const d = out.divergedAt[c] as number;
    // A run that blew up is drawn up to its last value, at the epoch it blew up.
    trace.t.push(d >= 0 ? d : (checkpoints[c] as number));
    trace.x.push(out.x[c] as number);
    trace.grad.push(out.grad[c] as number);
    if (d >= 0) break;
  }
  return trace;
}
