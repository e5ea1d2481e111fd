/**
 * Results in memory: one typed-array column per field, indexed by run id.
 * `done` marks the runs this process holds (a shard holds only its own).
 */
import { CLASSES, REASONS, type Reason, type RunClass } from '../engine/classify.js';
import type { BatchColumns, RunColumns } from '../engine/columns.js';

export interface RunTable extends RunColumns {
  runCount: number;
  done: Uint8Array;
}

export function createTable(runCount: number): RunTable {
  return {
    runCount,
    x: new Float64Array(runCount),
    grad: new Float64Array(runCount),
    loss: new Float64Array(runCount),
    convergedAt: new Int32Array(runCount).fill(-1),
    divergedAt: new Int32Array(runCount).fill(-1),
    klass: new Uint8Array(runCount),
    reason: new Uint8Array(runCount),
    done: new Uint8Array(runCount),
  };
}

export type { BatchColumns } from '../engine/columns.js';

export function absorb(table: RunTable, b: BatchColumns): void {
  for (let i = 0; i < b.runId.length; i++) {
    const id = b.runId[i] as number;
    table.x[id] = b.x[i] as number;
    table.grad[id] = b.grad[i] as number;
    table.loss[id] = b.loss[i] as number;
    table.convergedAt[id] = b.convergedAt[i] as number;
    table.divergedAt[id] = b.divergedAt[i] as number;
    table.klass[id] = b.klass[i] as number;
    table.reason[id] = b.reason[i] as number;
    table.done[id] = 1;
  }
}

export function className(code: number): RunClass {
  return CLASSES[code] as RunClass;
}

export function reasonName(code: number): Reason {
  return REASONS[code] as Reason;
}

export function countClasses(table: RunTable): Record<RunClass, number> {
  const counts: Record<RunClass, number> = { converged: 0, slow: 0, divergent: 0 };
  for (let i = 0; i < table.runCount; i++) {
    if (table.done[i]) counts[className(table.klass[i] as number)]++;
  }
  return counts;
}
