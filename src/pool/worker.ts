/**
 * The pool's worker: a thin typed wrapper around the engine. A batch of
 * tracks comes in; typed arrays go back, moved rather than copied.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { executeBatch, runsOfTrack, type BatchResult, type BatchSpec } from '../engine/descend.js';

export interface WorkerTask {
  batch: number;
  spec: BatchSpec;
}

/**
 * Test-only fault switches: GDSWEEP_TEST_FAULT=exit:<runId> or throw:<runId>
 * makes the worker that holds that run die or throw, and
 * GDSWEEP_TEST_DELAY_MS slows every batch, so that the fault and interrupt
 * paths can be tested end to end.
 */
function injectFault(spec: BatchSpec): void {
  const delay = Number(process.env.GDSWEEP_TEST_DELAY_MS ?? 0);
  // Slow every batch down so that tests can interrupt a run half-way.
  if (delay > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay);
  const fault = process.env.GDSWEEP_TEST_FAULT;
  if (!fault) return;
  const m = /^(exit|throw):(\d+)$/.exec(fault);
  if (!m) return;
  const id = Number(m[2]);
  let holds = false;
  for (let i = 0; i < spec.firstRun.length; i++) {
    const first = spec.firstRun[i] as number;
    if (id >= first && id < first + runsOfTrack(spec, i)) holds = true;
  }
  if (!holds) return;
  if (m[1] === 'exit') process.exit(7);
  throw new Error(`injected fault at run ${id}`);
}

export default function runBatch(task: WorkerTask): unknown {
  injectFault(task.spec);
  const r: BatchResult = executeBatch(task.spec);
  const buffers = [r.runId, r.x, r.grad, r.loss, r.convergedAt, r.divergedAt, r.klass, r.reason].map((a) => a.buffer);
  return move({ [transferableSymbol]: buffers, [valueSymbol]: r } as unknown as Parameters<typeof move>[0]);
}
