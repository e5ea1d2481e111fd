import { describe, expect, it } from 'vitest';
import { ExecutionError, ExitCode, GdsweepError, InterruptedError, isExpected, isUserFacing, OutputError, SweepConfigError, UsageError, UserError } from '../src/errors.js';

describe('one error model', () => {
  it('every expected error is a GdsweepError with an exit status and a stable code', () => {
    const cases: [GdsweepError, ExitCode, string][] = [
      [new UserError('x'), ExitCode.BadInput, 'GDSWEEP_BAD_INPUT'],
      [new UsageError('x'), ExitCode.BadInput, 'GDSWEEP_USAGE'],
      [new SweepConfigError('a.yaml', 3, 7, 'bad'), ExitCode.BadInput, 'GDSWEEP_SWEEP_FILE'],
      [new ExecutionError('x'), ExitCode.Failed, 'GDSWEEP_WORKER'],
      [new OutputError('x'), ExitCode.Failed, 'GDSWEEP_OUTPUT'],
      [new InterruptedError('SIGINT'), ExitCode.Interrupted, 'GDSWEEP_INTERRUPTED'],
      [new InterruptedError('SIGTERM'), ExitCode.Terminated, 'GDSWEEP_INTERRUPTED'],
    ];
    for (const [err, exit, code] of cases) {
      expect(err).toBeInstanceOf(GdsweepError);
      expect([err.exitCode, err.code, isUserFacing(err)]).toEqual([exit, code, true]);
      expect(err.name).toBe(err.constructor.name);
    }
    expect(new SweepConfigError('a.yaml', 3, 7, 'bad').message).toBe('a.yaml:3:7: bad');
  });

  it('a plain Error is a bug, and a worker failure is not passed through as expected', () => {
    expect(isUserFacing(new Error('x'))).toBe(false);
    expect(isUserFacing(new TypeError('x'))).toBe(false);
    expect(isExpected(new OutputError('disk full'))).toBe(true);
    expect(isExpected(new ExecutionError('worker died'))).toBe(false);
    expect(Object.values(ExitCode).sort((a, b) => a - b)).toEqual([0, 1, 2, 70, 130, 143]);
  });

  it('main() turns a bug into exit 70 with its stack, and a user error into one line', async () => {
    const { main } = await import('../src/cli.js');
    let err = '';
    const io = { out: () => undefined, err: (s: string) => void (err += s) };
    expect(await main(['validate', '/nonexistent/a.yaml'], io)).toBe(2);
    expect(err).toBe('/nonexistent/a.yaml: no such file\n');
    let bug = '';
    const broken = { out: () => { throw new TypeError('boom'); }, err: (s: string) => void (bug += s) };
    expect(await main(['schema'], broken)).toBe(70);
    expect(bug).toMatch(/^gdsweep: internal error \(please report it\):\nTypeError: boom\n\s+at /);
  });
});
