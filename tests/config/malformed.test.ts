/**
 * Malformed sweep files, end to end: each file in tests/fixtures/malformed/
 * has its exact message in expected.json ("LINE:COL: detail"). The built
 * binary must print that one line (file:line:col first), exit 2, print no
 * stack, and `run` must write nothing.
 *
 * Needs a build (`npx tsc -p .`); a stale dist/ fails the first test with a
 * message saying so, rather than with confusing mismatches.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, type ExpectStatic } from 'vitest';
import { loadSweep } from '../../src/config/load.js';
import { SweepConfigError } from '../../src/errors.js';
import { BIN, gdsweep, ROOT, tempDir } from '../helpers/cli.js';
import { withRegistryNames } from '../helpers/registry.js';

const DIR = 'tests/fixtures/malformed';
// {schedules} and {optimizers} stand for the registries' names, so that a new entry changes no message here.
const expected = Object.fromEntries(
  Object.entries(JSON.parse(readFileSync(join(ROOT, DIR, 'expected.json'), 'utf8')) as Record<string, string>).map(([file, message]) => [file, withRegistryNames(message)]),
);
const files = readdirSync(join(ROOT, DIR))
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const cases = Object.entries(expected).map(([file, message]) => [file, `${DIR}/${file}:${message}`] as const);

/** gdsweep() of tests/helpers/cli.ts, but asynchronous, so that cases can run side by side. */
function gdsweepAsync(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: 'true' } }, (err, stdout, stderr) => {
      const code = err && typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : err ? -1 : 0;
      resolve({ status: code, stdout, stderr });
    });
  });
}

/** What a user-facing error must look like: one line, no stack, no internal-error banner. */
function expectOneCleanLine(expect: ExpectStatic, stderr: string): void {
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toMatch(/internal error|Error:|TypeError|ZodError/);
}

describe('the table of malformed files', () => {
  it('has an entry for every file and a file for every entry', () => {
    expect(Object.keys(expected).sort()).toEqual(files);
    expect(files.length).toBeGreaterThanOrEqual(25);
  });

  it('every message is file:line:col: path-or-YAML: detail, on one line', () => {
    for (const [file, message] of Object.entries(expected)) {
      expect(message, file).toMatch(/^\d+:\d+: \S.*$/);
      expect(message, file).not.toContain('\n');
    }
  });
});

describe('loadSweep (in process)', () => {
  it.each(cases)('%s', (file, message) => {
    let error: unknown = null;
    try {
      loadSweep(`${DIR}/${file}`);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SweepConfigError);
    expect((error as SweepConfigError).message).toBe(message);
    expect((error as SweepConfigError).exitCode).toBe(2);
  });
});

describe('the built binary', () => {
  it('is built from the current sources', () => {
    expect(existsSync(BIN), `${BIN} is missing: run npx tsc -p .`).toBe(true);
    // Every module of the loader: its messages are spread over src/config/.
    const loader = readdirSync(join(ROOT, 'src/config')).filter((f) => f.endsWith('.ts')).map((f) => `config/${f}`);
    for (const src of [...loader, 'objective/grammar.ts', 'numeric/numpy.ts']) {
      const built = join(ROOT, 'dist', src.replace(/\.ts$/, '.js'));
      expect(statSync(built).mtimeMs, `dist/ is older than src/${src}: run npx tsc -p .`).toBeGreaterThanOrEqual(statSync(join(ROOT, 'src', src)).mtimeMs);
    }
  });

  it('validate FILE... prints each bad file\'s message as is, one line each in order, exits 2, and still checks the good ones', () => {
    const tmp = tempDir();
    const good = join(tmp, 'good.yaml');
    writeFileSync(good, 'name: good\nobjective:\n  builtin: seed-quadratic\nstarts: [2]\nlearning_rate: [0.1]\nepochs: [10]\n');
    const r = gdsweep(['validate', ...cases.map(([file]) => `${DIR}/${file}`), good]);
    expect(r.status).toBe(2);
    // Like a compiler (no `gdsweep: ` prefix), so editors and CI annotations can jump to file:line:col.
    const lines = r.stderr.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(cases.length);
    cases.forEach(([file, message], i) => expect(lines[i], file).toBe(message));
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stdout).toBe(`${good}: ok (1 run, 1 track, 10 steps)\n`);
  });

  it('validate of one bad file prints nothing on stdout and exits 2', () => {
    const r = gdsweep(['validate', `${DIR}/lr-nonpositive-list.yaml`]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expectOneCleanLine(expect, r.stderr);
    expect(r.stderr).toBe(`${DIR}/lr-nonpositive-list.yaml:6:25: learning_rate[2]: must be a positive number\n`);
  });

  // Each file through `run`, side by side (every case starts node). The
  // validate test above already holds each file's exact validate output.
  it.concurrent.for(cases)('run %s', async ([file, message], { expect }) => {
    const out = tempDir();
    const target = join(out, 'reports');
    mkdirSync(target);
    const r = await gdsweepAsync(['run', `${DIR}/${file}`, '--out', target]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expectOneCleanLine(expect, r.stderr);
    expect(r.stderr).toBe(`gdsweep: ${message}\n`);
    // Nothing written: no sweep folder, no temporary folder, nothing at all.
    expect(readdirSync(target)).toEqual([]);
    expect(readdirSync(out)).toEqual(['reports']);
  });

  it('run of a missing --out folder does not create it', () => {
    const out = tempDir();
    const r = gdsweep(['run', `${DIR}/lr-nonpositive-list.yaml`, '--out', join(out, 'new', 'reports')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`gdsweep: ${DIR}/lr-nonpositive-list.yaml:6:25: learning_rate[2]: must be a positive number\n`);
    expect(readdirSync(out)).toEqual([]);
  });
});
