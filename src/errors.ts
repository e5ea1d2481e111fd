/**
 * One error model. Expected errors (bad input, a failed worker or write, an
 * interruption) derive from GdsweepError: a one-line message, an exit status
 * and a stable code, printed by `main()` without a stack. Anything else is a
 * bug and keeps its stack (exit 70).
 */

/** Every exit status the tool uses, by meaning; only `main()` turns one into the process's. */
export const ExitCode = {
  Ok: 0,
  /** A gate failed (--fail-on), or a worker or a write failed. */
  Failed: 1,
  /** Bad input or usage: the user can fix it. */
  BadInput: 2,
  /** A bug: printed with its stack. */
  Internal: 70,
  Interrupted: 130,
  Terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The base of every error the tool expects: one line for the user, an exit
 * status and a stable code (for --json and for scripts), never a stack.
 */
export class GdsweepError extends Error {
  readonly exitCode: ExitCode;
  readonly code: string;
  constructor(message: string, exitCode: ExitCode, code: string) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.code = code;
  }
}

export class UserError extends GdsweepError {
  constructor(message: string, exitCode: ExitCode = ExitCode.BadInput, code = 'GDSWEEP_BAD_INPUT') {
    super(message, exitCode, code);
  }
}

/** A usage text printed as it is (bare `gdsweep`): no `gdsweep:` prefix, exit 2. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message, ExitCode.BadInput, 'GDSWEEP_USAGE');
  }
}

/** A sweep file that cannot be used, located at file:line:col. */
export class SweepConfigError extends UserError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly detail: string;
  constructor(file: string, line: number, column: number, detail: string) {
    super(`${file}:${line}:${column}: ${detail}`, ExitCode.BadInput, 'GDSWEEP_SWEEP_FILE');
    this.file = file;
    this.line = line;
    this.column = column;
    this.detail = detail;
  }
}

/** A failure while executing runs (a worker that threw or died). */
export class ExecutionError extends GdsweepError {
  constructor(message: string) {
    super(message, ExitCode.Failed, 'GDSWEEP_WORKER');
  }
}

/** The user asked us to stop (SIGINT/SIGTERM); exit 128 + signal number. */
export class InterruptedError extends GdsweepError {
  constructor(signal: 'SIGINT' | 'SIGTERM') {
    super(
      `interrupted by ${signal}; finished work was kept, rerun the same command to resume`,
      signal === 'SIGINT' ? ExitCode.Interrupted : ExitCode.Terminated,
      'GDSWEEP_INTERRUPTED',
    );
  }
}

/** Stop with the InterruptedError of the signal that aborted `signal`, if it did. */
export function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError(signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
}

/** Outputs that could not be written (full disk, read-only folder); exit 1. */
export class OutputError extends GdsweepError {
  constructor(message: string) {
    super(message, ExitCode.Failed, 'GDSWEEP_OUTPUT');
  }
}

export function isUserFacing(err: unknown): err is GdsweepError {
  return err instanceof GdsweepError;
}

/**
 * An expected error raised on the main thread by a callback of the pool (a
 * journal write): passed through as it is. Errors thrown inside a worker
 * arrive as plain Errors (structured clone keeps no class) and are worker
 * failures.
 */
export function isExpected(err: unknown): err is GdsweepError {
  return err instanceof GdsweepError && !(err instanceof ExecutionError);
}

/** A file-system failure in a person's words: "no such file", not "ENOENT". */
export function fsProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return `cannot read (${code ?? (err instanceof Error ? err.message : String(err))})`;
  }
}

/** A failure of the operating system (an errno code such as ENOSPC), as opposed to one of ours. */
export function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && !(err instanceof GdsweepError) && typeof (err as NodeJS.ErrnoException).code === 'string';
}
