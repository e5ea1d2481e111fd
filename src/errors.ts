/**
 * User errors are not bugs: they carry a one-line message and exit status 2,
 * and `main()` prints them without a stack. Anything else is a bug and keeps
 * its stack.
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

/** A sweep file that cannot be used, located at file:line:col. */
export class SweepConfigError extends UserError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly detail: string;
  constructor(file: string, line: number, column: number, detail: string) {
    super(`${file}:${line}:${column}: ${detail}`, 2);
    this.name = 'SweepConfigError';
    this.file = file;
    this.line = line;
    this.column = column;
    this.detail = detail;
  }
}

/** A failure while executing runs (a worker that threw or died). */
export class ExecutionError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'ExecutionError';
  }
}

/** The user asked us to stop (SIGINT/SIGTERM); exit 128 + signal number. */
export class InterruptedError extends Error {
  readonly exitCode: number;
  constructor(signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signal}; finished work was kept, rerun the same command to resume`);
    this.name = 'InterruptedError';
    this.exitCode = signal === 'SIGINT' ? 130 : 143;
  }
}

/** Stop with the InterruptedError of the signal that aborted `signal`, if it did. */
export function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError(signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
}

/** Outputs that could not be written (full disk, read-only folder); exit 1. */
export class OutputError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

export function isUserFacing(err: unknown): err is UserError | ExecutionError | InterruptedError | OutputError {
  return err instanceof UserError || err instanceof ExecutionError || err instanceof InterruptedError || err instanceof OutputError;
}
