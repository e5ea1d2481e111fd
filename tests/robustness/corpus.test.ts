/**
 * Hostile and malformed sweep files, end to end. Each file in
 * tests/robustness/corpus/ has in expected.json the exit status and the
 * exact stderr that `gdsweep run FILE` must give ({file} stands for the
 * path, {schedules} and {optimizers} for the registries' names); the big inputs (a 50 MB file, nesting 10,000 deep, ...) are written
 * at test time into a temporary folder, never committed.
 *
 * For every file: the exact status and one-line message, no stack trace,
 * nothing written to --out, and an answer within a few seconds (alias bombs
 * and deep nesting are refused before they cost memory or stack). And for
 * all of them together: no expression ran any code (no global set, no
 * prototype polluted, no file written, no process exit of its own).
 *
 * Process starts are expensive here (about a CPU-second each), so:
 * - `validate` over the whole corpus in ONE process checks every message
 *   of the built binary;
 * - `run` goes through the built CLI's main() in process for every file
 *   (exit status, stderr, nothing written);
 * - `run` as a separate process for a representative subset (RUN_SUBSET
 *   below: one or more per kind of hostility, and the generated big files).
 *
 * Needs a build (`npx tsc -p .`).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir } from '../helpers/cli.js';
import { withRegistryNames } from '../helpers/registry.js';

const DIR = 'tests/robustness/corpus';
/** What the hostile expressions and tags try to create. */
const SENTINEL = '/tmp/gdsweep-pwned';
/** Object.prototype as it was before any hostile input was read. */
const OBJECT_PROTOTYPE_BEFORE = Object.getOwnPropertyNames(Object.prototype).sort();

interface Expectation {
  status: number;
  stderr: string;
}

const expected = JSON.parse(readFileSync(join(ROOT, DIR, 'expected.json'), 'utf8')) as Record<string, Expectation>;
const files = readdirSync(join(ROOT, DIR))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** The exact stderr of `run` for a file of the table. */
function stderrFor(path: string, e: Expectation): string {
  return withRegistryNames(e.stderr.replace('{file}', path)) + '\n';
}

/**
 * One file of each kind through a real `run` process: YAML syntax, tags,
 * duplicates, bombs, bytes, types, NaN/infinity, ranges, grid size, names,
 * expressions (including the two that would exit with status 3 if they
 * ran), and prototype keys.
 */
const RUN_SUBSET = [
  'yaml-unclosed-double-quote.yaml',
  'yaml-version-1-1.yaml',
  'tag-python-object.yaml',
  'dup-objective-expr.yaml',
  'bomb-top-level.yaml',
  'bomb-in-trajectories.yaml',
  'utf8-overlong.yaml',
  'type-trajectory-lr-string.yaml',
  'inf-bound.yaml',
  'geomspace-through-zero.yaml',
  'grid-1e21.yaml',
  'name-slash.yaml',
  'expr-template-literal.yaml',
  'expr-statement.yaml',
  'expr-fs-write.yaml',
  'proto-top.yaml',
];

function gdsweepAsync(args: string[]): Promise<{ status: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, maxBuffer: 16 << 20, env: { ...process.env, CI: 'true' } }, (err, stdout, stderr) => {
      const code = err && typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : err ? -1 : 0;
      resolve({ status: code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** One line, no stack, no internal-error banner. */
function expectOneCleanLine(stderr: string): void {
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).not.toContain('\n    at ');
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toMatch(/internal error|TypeError|RangeError|ReferenceError|ZodError|Maximum call stack/);
}

/** An --out folder that exists and is empty, inside a folder that holds nothing else. */
function emptyOut(): { parent: string; out: string } {
  const parent = tempDir('gdsweep-corpus-');
  const out = join(parent, 'reports');
  mkdirSync(out);
  return { parent, out };
}

function expectNothingWritten(o: { parent: string; out: string }): void {
  expect(readdirSync(o.out)).toEqual([]);
  expect(readdirSync(o.parent)).toEqual(['reports']);
}

// ---------------------------------------------------------------------------
// Inputs generated at test time.

const BASE = 'name: big\nobjective:\n  expr: x^2\nstarts: [1]\nlearning_rate: [0.1]\nepochs: [10]\n';

interface Generated {
  name: string;
  /** Exact validate line under default limits ({file}: the path), or null when valid. */
  refused: string;
}

let gen = '';
const generated: Record<string, Generated> = {};

function genPath(name: string): string {
  return join(gen, name);
}

function generate(): void {
  gen = tempDir('gdsweep-corpus-gen-');
  const put = (name: string, content: string | Buffer, refused: string) => {
    writeFileSync(join(gen, name), content);
    generated[name] = { name, refused };
  };
  // 50 MB: a valid sweep followed by one long comment. Refused by its size, unread.
  const fifty = Buffer.alloc(50 * 1024 * 1024, 'x');
  fifty.write(BASE + '# ', 0);
  fifty[fifty.length - 1] = 0x0a;
  put('size-50mb.yaml', fifty, '{file}:1:1: file is 52428800 bytes, more than the limit of 1048576 (raise it with --max-file-size)');
  // 2,000,000 bytes of a valid sweep and comment lines: refused by default, fine with --max-file-size 3000000.
  let two = BASE;
  while (two.length < 2_000_000 - 1001) two += '# ' + 'padding '.repeat(124) + '\n';
  two += '#' + ' '.repeat(2_000_000 - two.length - 2) + '\n';
  put('size-2mb.yaml', two, '{file}:1:1: file is 2000000 bytes, more than the limit of 1048576 (raise it with --max-file-size)');
  // An expression nested 10,000 deep: longer than the length limit, and with that raised, deeper than the depth limit.
  const exprFile = (expr: string) => `name: big\nobjective:\n  expr: '${expr}'\nstarts: [1]\nlearning_rate: [0.1]\nepochs: [10]\n`;
  put('expr-nested-10000.yaml', exprFile('('.repeat(10_000) + 'x' + ')'.repeat(10_000)), '{file}:3:2010: objective.expr: expression is 20001 characters long, more than 2000 (raise it with --max-expr-length)');
  put('expr-unary-10000.yaml', exprFile('-'.repeat(10_000) + 'x'), '{file}:3:2010: objective.expr: expression is 10001 characters long, more than 2000 (raise it with --max-expr-length)');
  put('expr-sin-10000.yaml', exprFile('sin('.repeat(10_000) + 'x' + ')'.repeat(10_000)), '{file}:3:2010: objective.expr: expression is 50001 characters long, more than 2000 (raise it with --max-expr-length)');
  // Nested 100 deep: refused by default, fine with --max-expr-depth 200.
  put('expr-nested-100.yaml', exprFile('('.repeat(100) + 'x' + ')'.repeat(100) + '^2'), '{file}:3:74: objective.expr: expression nested deeper than 64 levels (raise it with --max-expr-depth)');
  // 2003 characters (a long decimal): refused by default, fine with --max-expr-length 3000.
  put('expr-2003-chars.yaml', exprFile('x^2 + 1.' + '0'.repeat(1995)), '{file}:3:2010: objective.expr: expression is 2003 characters long, more than 2000 (raise it with --max-expr-length)');
  // YAML nested 10,000 deep, as flow lists and as flow mappings, and 1,000 deep as block mappings.
  put('yaml-flow-10000.yaml', BASE.replace('starts: [1]', 'starts: ' + '['.repeat(10_000) + '1' + ']'.repeat(10_000)), '{file}:4:40: YAML: lists and mappings nested more than 32 deep; a sweep file needs only a few levels');
  put('yaml-flow-map-10000.yaml', BASE.replace('starts: [1]', 'starts: ' + '{a: '.repeat(10_000) + '1' + '}'.repeat(10_000)), '{file}:4:133: YAML: lists and mappings nested more than 32 deep; a sweep file needs only a few levels');
  let block = BASE + 'deep:\n';
  for (let i = 1; i <= 1000; i++) block += ' '.repeat(i) + `k${i}:\n`;
  put('yaml-block-1000.yaml', block, '{file}:39:33: YAML: lists and mappings nested more than 32 deep; a sweep file needs only a few levels');
  // An unclosed flow list 100,000 deep (the parser never sees its end).
  put('yaml-unclosed-100000.yaml', BASE.replace('starts: [1]', 'starts: ' + '['.repeat(100_000)), '{file}:4:40: YAML: lists and mappings nested more than 32 deep; a sweep file needs only a few levels');
  // One byte that is not UTF-8 at the end of a 1,000,000-byte file: found in one pass, not by decoding every prefix.
  const late = Buffer.alloc(1_000_000, 'x');
  late.write(BASE + '# ', 0);
  late[late.length - 2] = 0xff;
  late[late.length - 1] = 0x0a;
  put('utf8-late-byte.yaml', late, `{file}:7:${1_000_000 - 2 - BASE.length + 1}: not valid UTF-8 (byte 0xff at offset 999998); sweep files are UTF-8 text`);
  // 20,000 distinct keys: refused in one pass (a quadratic duplicate check would take minutes on a 1 MB file of them).
  put('yaml-20000-keys.yaml', BASE + Array.from({ length: 20_000 }, (_, i) => `k${i}: ${i}`).join('\n') + '\n', '{file}:7:1: k0: unknown key (expected one of name, title, objective, starts, learning_rate, epochs, schedule, optimizer, classify, report)');
  // 3 x 4 x 10 = 120 runs of 10 steps at most: for the --max-runs and --max-steps figures.
  put('runs-120.yaml', 'name: big\nobjective:\n  expr: x^2\nstarts: [1, 2, 3]\nlearning_rate: [0.1, 0.2, 0.3, 0.4]\nepochs: {range: {from: 1, to: 11, step: 1}}\n', '');
}

beforeAll(() => {
  rmSync(SENTINEL, { force: true, recursive: true });
  generate();
});

afterAll(() => {
  if (gen) rmSync(gen, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------

describe('the corpus table', () => {
  it('has an entry for every file and a file for every entry, at least 40', () => {
    expect(Object.keys(expected).sort()).toEqual(files);
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it('repeats none of the malformed fixtures of tests/fixtures/malformed', () => {
    const old = readdirSync(join(ROOT, 'tests/fixtures/malformed')).map((f) => readFileSync(join(ROOT, 'tests/fixtures/malformed', f)).toString('base64'));
    for (const f of files) expect(old, f).not.toContain(readFileSync(join(ROOT, DIR, f)).toString('base64'));
  });

  it('every entry is status 2 and one line: gdsweep: FILE:LINE:COL: ..., or FILE: ... for the plan-wide limits', () => {
    for (const [file, e] of Object.entries(expected)) {
      expect(e.status, file).toBe(2);
      expect(e.stderr, file).toMatch(/^gdsweep: \{file\}(:\d+:\d+)?: \S.*$/);
      expect(e.stderr, file).not.toContain('\n');
      // Without a position only the plan-wide limits, which name their flag.
      if (!/^gdsweep: \{file\}:\d+:\d+: /.test(e.stderr)) expect(e.stderr, file).toMatch(/\(raise it with --max-(runs|steps)\)$/);
    }
  });

  it('the committed files are small; the big ones are generated at test time', () => {
    for (const f of files) expect(statSync(join(ROOT, DIR, f)).size, f).toBeLessThan(8 * 1024);
  });
});

describe('the built binary', () => {
  it('is built from the current sources', () => {
    expect(existsSync(BIN), `${BIN} is missing: run npx tsc -p .`).toBe(true);
    for (const src of ['config/load.ts', 'config/schema.ts', 'config/yaml-source.ts', 'objective/grammar.ts', 'plan/plan.ts', 'commands/validate.ts']) {
      const built = join(ROOT, 'dist', src.replace(/\.ts$/, '.js'));
      expect(statSync(built).mtimeMs, `dist/ is older than src/${src}: run npx tsc -p .`).toBeGreaterThanOrEqual(statSync(join(ROOT, 'src', src)).mtimeMs);
    }
  });

  it('validate FILE... (one process for the whole corpus): each file\'s exact line, in order, exit 2, quickly', async () => {
    const paths = files.map((f) => `${DIR}/${f}`);
    const r = await gdsweepAsync(['validate', ...paths]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(files.length);
    files.forEach((f, i) => expect(lines[i], f).toBe(stderrFor(`${DIR}/${f}`, expected[f] as Expectation).replace(/^gdsweep: /, '').trimEnd()));
    expect(r.stderr).not.toContain('\n    at ');
    expect(r.stderr).not.toMatch(/internal error|Maximum call stack/);
    // About 110 files, alias bombs and a 10^21 grid among them, in one process.
  });

  it.concurrent.for(RUN_SUBSET)('run %s (own process): exit status, one line, nothing written', async (file, { expect }) => {
    const e = expected[file] as Expectation;
    const o = emptyOut();
    const r = await gdsweepAsync(['run', `${DIR}/${file}`, '--out', o.out]);
    expect(r.status).toBe(e.status);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(stderrFor(`${DIR}/${file}`, e));
    expect(r.stderr).not.toContain('\n    at ');
    expect(readdirSync(o.out)).toEqual([]);
    expect(readdirSync(o.parent)).toEqual(['reports']);
  });
});

describe('run FILE --out DIR, every file (the built CLI in process)', () => {
  type Main = (argv: string[], io: { out: (s: string) => void; err: (s: string) => void }) => Promise<number>;
  let main: Main;
  beforeAll(async () => {
    main = ((await import(pathToFileURL(join(ROOT, 'dist/cli.js')).href)) as { main: Main }).main;
  });

  it.for(files)('%s', async (file) => {
    const e = expected[file] as Expectation;
    const o = emptyOut();
    let stdout = '';
    let stderr = '';
    // No wall-clock limit here (a shared machine is noisy): a bomb that expanded
    // would run into the test's own timeout, and expectNothingWritten checks that
    // nothing was planned or run.
    const status = await main(['run', join(ROOT, DIR, file), '--out', o.out], { out: (s) => (stdout += s), err: (s) => (stderr += s) });
    expect(status).toBe(e.status);
    expect(stdout).toBe('');
    expect(stderr).toBe(stderrFor(join(ROOT, DIR, file), e));
    expectOneCleanLine(stderr);
    expectNothingWritten(o);
  });
});

describe('big and deep inputs, generated at test time', () => {
  const refusedByDefault = () => Object.values(generated).filter((g) => g.refused !== '');

  it('validate refuses each under the default limits, with its figure and flag, quickly (one process)', async () => {
    const list = refusedByDefault();
    const r = await gdsweepAsync(['validate', ...list.map((g) => genPath(g.name))]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual(list.map((g) => g.refused.replace('{file}', genPath(g.name))));
    expect(r.stderr).not.toContain('\n    at ');
  });

  it.concurrent.for(['size-50mb.yaml', 'yaml-flow-10000.yaml', 'expr-nested-10000.yaml'])('run %s (own process): refused quickly, nothing written', async (name, { expect }) => {
    const o = emptyOut();
    const r = await gdsweepAsync(['run', genPath(name), '--out', o.out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`gdsweep: ${(generated[name] as Generated).refused.replace('{file}', genPath(name))}\n`);
    expect(readdirSync(o.out)).toEqual([]);
    expect(readdirSync(o.parent)).toEqual(['reports']);
  });

  it('--max-file-size 3000000 lets the 2 MB file through', async () => {
    const r = await gdsweepAsync(['validate', genPath('size-2mb.yaml'), '--max-file-size', '3000000']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${genPath('size-2mb.yaml')}: ok (1 run, 1 track, 10 steps)\n`);
    expect(r.status).toBe(0);
  });

  it('--max-expr-depth 200 lets the expression nested 100 deep through', async () => {
    const r = await gdsweepAsync(['validate', genPath('expr-nested-100.yaml'), '--max-expr-depth', '200']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${genPath('expr-nested-100.yaml')}: ok (1 run, 1 track, 10 steps)\n`);
    expect(r.status).toBe(0);
  });

  it('--max-expr-length lets the 2003-character expression through, while 10,000-deep nesting is still refused by its depth', async () => {
    const names = ['expr-2003-chars.yaml', 'expr-nested-10000.yaml', 'expr-unary-10000.yaml', 'expr-sin-10000.yaml'];
    const r = await gdsweepAsync(['validate', ...names.map(genPath), '--max-expr-length', '60000']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe(`${genPath('expr-2003-chars.yaml')}: ok (1 run, 1 track, 10 steps)\n`);
    const depth = 'expression nested deeper than 64 levels (raise it with --max-expr-depth)';
    expect(r.stderr).toBe(
      [
        `${genPath('expr-nested-10000.yaml')}:3:74: objective.expr: ${depth}`,
        `${genPath('expr-unary-10000.yaml')}:3:74: objective.expr: ${depth}`,
        `${genPath('expr-sin-10000.yaml')}:3:269: objective.expr: ${depth}`,
        '',
      ].join('\n'),
    );
  });

  it('--max-steps: 2.00e10 steps refused by default (corpus steps-2e10.yaml), let through at 2e10', async () => {
    const file = `${DIR}/steps-2e10.yaml`;
    expect((expected['steps-2e10.yaml'] as Expectation).stderr).toContain('the plan needs 2.00e10 steps, more than the limit of 1.00e10 (raise it with --max-steps)');
    const r = await gdsweepAsync(['validate', file, '--max-steps', '2e10']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${file}: ok (10,000 runs, 10,000 tracks, 20,000,000,000 steps)\n`);
    expect(r.status).toBe(0);
  });

  it('--max-runs: 120 runs refused at --max-runs 100, let through at 120 (and 10^12 refused by default: corpus grid-1e12.yaml)', async () => {
    expect((expected['grid-1e12.yaml'] as Expectation).stderr).toContain('the plan has 1.00e12 runs, more than the limit of 1.00e7 (raise it with --max-runs)');
    const file = genPath('runs-120.yaml');
    const [low, high] = await Promise.all([gdsweepAsync(['validate', file, '--max-runs', '100']), gdsweepAsync(['validate', file, '--max-runs', '120'])]);
    expect(low.status).toBe(2);
    expect(low.stderr).toBe(`${file}: the plan has 120 runs, more than the limit of 100 (raise it with --max-runs)\n`);
    expect(high.stderr).toBe('');
    expect(high.stdout).toBe(`${file}: ok (120 runs, 12 tracks, 120 steps)\n`);
    expect(high.status).toBe(0);
  });
});

// mathjs's simplify() is exponential in the operands of a sum or product;
// deriveExpression() and constantCurvature() give it small trees only.
describe('short expressions that are costly to differentiate symbolically', () => {
  it('are answered within seconds, by validate and by run', async () => {
    const dir = tempDir('gdsweep-symbolic-');
    const exprs = [
      Array(28).fill('x').join('+'),
      Array.from({ length: 30 }, (_, i) => `x^${i + 1}`).join(' + '),
      'sqrt('.repeat(8) + 'x' + ')'.repeat(8),
      'log('.repeat(10) + 'x' + ')'.repeat(10),
      'sin('.repeat(60) + 'x' + ')'.repeat(60),
    ];
    const paths = exprs.map((e, i) => {
      const f = join(dir, `s${i}.yaml`);
      writeFileSync(f, `name: s${i}\nobjective:\n  expr: '${e}'\nstarts: [0.5]\nlearning_rate: [0.001]\nepochs: [10]\n`);
      return f;
    });
    const v = await gdsweepAsync(['validate', ...paths]);
    expect(v.stderr).toBe('');
    expect(v.status).toBe(0);
    const r = await gdsweepAsync(['run', ...paths, '--out', join(dir, 'reports'), '--no-report', '--quiet', '--workers', '1']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('no input ran code', () => {
  it('no expression, tag or key set a global, polluted a prototype or wrote the sentinel file', async () => {
    // Everything above ran in this process (main() in process) or beside it (the binary).
    const g = globalThis as Record<string, unknown>;
    expect(g.gdsweepPwned).toBeUndefined();
    expect(g.pwned).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(OBJECT_PROTOTYPE_BEFORE);
    expect(Object.getOwnPropertyNames(Array.prototype)).not.toContain('polluted');
    expect(Object.getOwnPropertyNames(Function.prototype)).not.toContain('polluted');
    expect(existsSync(SENTINEL)).toBe(false);
    expect(existsSync(join(ROOT, 'corpus'))).toBe(false);
  });

  it('the loader gives the data of a hostile file no prototype tricks: __proto__ stays a plain (refused) key', async () => {
    const { readYamlSource } = await import('../../src/config/yaml-source.js');
    const tmp = tempDir('gdsweep-proto-');
    const file = join(tmp, 'p.yaml');
    writeFileSync(file, '__proto__: {polluted: true}\nconstructor: {prototype: {polluted: true}}\nname: x\n');
    const { data } = readYamlSource(file);
    const d = data as Record<string, unknown>;
    expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
    expect(Object.keys(d)).toEqual(['__proto__', 'constructor', 'name']);
    expect(d.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
