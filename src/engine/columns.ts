/** What the engine records per run, one typed-array column per field. */
export interface RunColumns {
  x: Float64Array;
  grad: Float64Array;
  loss: Float64Array;
  /** First epoch with |f'| <= tol for converged runs, else -1. */
  convergedAt: Int32Array;
  /** Epoch of the blow-up for blew-up runs, else -1. */
  divergedAt: Int32Array;
  klass: Uint8Array;
  reason: Uint8Array;
}

/** Columns for some runs, named by id: a batch's results or a journal record. */
export interface BatchColumns extends RunColumns {
  runId: Float64Array;
}
