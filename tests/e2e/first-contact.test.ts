/**
 * What a newcomer meets first: the command list, each command's help, typos,
 * a missing file, the numbers and formulas printed. All through the built
 * binary, as a user runs it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gdsweep, ROOT, tempDir } from '../helpers/cli.js';

const COMMANDS = ['run', 'plan', 'validate', 'render', 'merge', 'compare', 'schema', 'objectives'];
const LIMITS = ['--max-steps', '--max-runs', '--max-file-size', '--max-expr-length', '--max-expr-depth'];
const READ_LIMITS = ['--max-runs', '--max-expr-length', '--max-expr-depth'];

/** The option names a `--help` page lists. */
function optionsIn(help: string): string[] {
  return [...help.matchAll(/^\s+(--[a-z-]+)/gm)].map((m) => m[1] as string);
}

describe('the command line a newcomer meets', () => {
  it('bare gdsweep lists every command, exit 2', () => {
    const r = gdsweep([]);
    expect(r.status).toBe(2);
    for (const c of COMMANDS) expect(r.stderr).toMatch(new RegExp(`^  gdsweep ${c}\\b`, 'm'));
    expect(r.stderr).not.toMatch(/^gdsweep: /);
  });

  it("each command's --help lists only its own options", () => {
    const own: Record<string, string[]> = {
      run: ['--out', '--workers', '--report', '--fail-on', '--shard', '--force', '--quiet', '--json', ...LIMITS],
      plan: ['--json', ...LIMITS],
      validate: ['--quiet', '--json', ...LIMITS],
      render: ['--quiet', '--json', ...READ_LIMITS],
      merge: ['--out', '--report', '--quiet', '--json', '--max-steps', ...READ_LIMITS],
      compare: ['--fail-on', '--common', '--out', '--quiet', '--json', ...READ_LIMITS],
      schema: [],
      objectives: ['--json'],
    };
    for (const c of COMMANDS) {
      const r = gdsweep([c, '--help']);
      expect(r.status, c).toBe(0);
      const listed = optionsIn(r.stdout).filter((o) => o !== '--help' && o !== '--version');
      expect(listed.sort(), c).toEqual([...(own[c] as string[])].sort());
    }
  });

  it('an unknown flag names the nearest one', () => {
    const r = gdsweep(['run', 'sweeps/seed.yaml', '--worker', '2']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('gdsweep: unknown option --worker: did you mean --workers?\nsee gdsweep run --help\n');
    expect(gdsweep(['validate', 'sweeps/seed.yaml', '--max-run', '5']).stderr).toMatch(/did you mean --max-runs\?/);
    // Far from every flag: no guess.
    expect(gdsweep(['plan', 'sweeps/seed.yaml', '--frobnicate']).stderr).toBe('gdsweep: unknown option --frobnicate\nsee gdsweep plan --help\n');
    // A flag of another command is unknown here, and said so once (not also as its camelCase alias).
    expect(gdsweep(['plan', 'sweeps/seed.yaml', '--fail-on', 'slow']).stderr).toBe('gdsweep: unknown option --fail-on\nsee gdsweep plan --help\n');
  });

  it('a mistyped command or a bare file name gets a suggestion', () => {
    expect(gdsweep(['rn', 'sweeps/seed.yaml']).stderr).toMatch(/^gdsweep: unknown command 'rn': did you mean 'run'\?/);
    expect(gdsweep(['sweeps/seed.yaml']).stderr).toMatch(/^gdsweep: unknown command 'sweeps\/seed.yaml': did you mean 'gdsweep run sweeps\/seed.yaml'\?/);
  });

  it('a command without its files says what it needs; -h is --help', () => {
    const run = gdsweep(['run']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('gdsweep: run: give at least one sweep file: gdsweep run sweeps/seed.yaml\nsee gdsweep run --help\n');
    expect(gdsweep(['compare', 'reports/seed']).stderr).toMatch(/^gdsweep: compare: give two results folders/);
    const h = gdsweep(['-h']);
    expect([h.status, h.stdout]).toEqual([0, gdsweep(['--help']).stdout]);
  });

  it('--workers says what it wanted, without NaN, and has an upper bound', () => {
    const max = Math.max(8, 4 * availableParallelism());
    const two = gdsweep(['run', 'sweeps/seed.yaml', '--workers', 'two', '--out', tempDir()]);
    expect(two.status).toBe(2);
    expect(two.stderr).toBe(`gdsweep: --workers: expected a whole number from 1 to ${max}, got "two"\n`);
    expect(two.stderr).not.toContain('NaN');
    const many = gdsweep(['run', 'sweeps/seed.yaml', '--workers', String(max + 1), '--out', tempDir()]);
    expect(many.status).toBe(2);
    expect(many.stderr).toContain(`got "${max + 1}"`);
    expect(gdsweep(['validate', 'sweeps/seed.yaml', '--max-runs', 'lots']).stderr).toBe('gdsweep: --max-runs: expected a whole number of at least 1, got "lots"\n');
  });

  it('validate --json: one document on stdout, good and bad files alike', () => {
    const r = gdsweep(['validate', 'sweeps/seed.yaml', 'nope.yaml', '--json']);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      files: [
        { file: 'sweeps/seed.yaml', ok: true, runs: 8, tracks: 4, steps: 4000 },
        { file: 'nope.yaml', ok: false, error: { file: 'nope.yaml', line: null, column: null, message: 'no such file' } },
      ],
    });
  });

  it('a file that does not exist is named, without errno codes or a position', () => {
    const r = gdsweep(['run', 'nope.yaml', '--out', tempDir()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('gdsweep: nope.yaml: no such file\n');
    expect(gdsweep(['validate', 'sweeps']).stderr).toBe('sweeps: is a folder, not a sweep file\n');
  });

  it('tables, summary.md and labels print at most 6 significant digits, with thousands separators', () => {
    const out = tempDir();
    const r = gdsweep(['run', 'sweeps/sin-gauss-lr.yaml', '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('0.00204082  slow');
    expect(r.stdout).not.toContain('0.0020408164');
    expect(r.stdout).toContain('1,000 epochs');
    const summary = readFileSync(join(out, 'sin-gauss-lr', 'summary.md'), 'utf8');
    const page = readFileSync(join(out, 'sin-gauss-lr', 'index.html'), 'utf8');
    for (const text of [r.stdout, summary]) {
      // No number with more than 6 significant digits.
      for (const m of text.matchAll(/\d*\.\d+|\d+/g)) {
        const digits = m[0].replace('.', '').replace(/^0+/, '');
        if (!/,/.test(m[0])) expect(digits.length, m[0]).toBeLessThanOrEqual(6);
      }
    }
    expect(page).not.toContain('0.002040816424489796<');
    expect(summary).toContain('50 runs');
  });

  it('one of something is singular; ordinals are right', () => {
    const dir = tempDir();
    const file = join(dir, 'one.yaml');
    writeFileSync(file, 'name: one\nobjective: {builtin: seed-quadratic}\nstarts: [2]\nlearning_rate: [0.1]\nepochs: [1]\n');
    expect(gdsweep(['validate', file]).stdout).toBe(`${file}: ok (1 run, 1 track, 1 step)\n`);
    const r = gdsweep(['run', file, '--out', dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^one: 1 run \(0 converged, 1 slow, 0 divergent\)/);
    expect(r.stdout).toContain('1 epoch');
    expect(r.stdout).not.toContain('1 epochs');
  });

  it('the timing line of a tiny sweep gives no misleading rate', () => {
    const r = gdsweep(['run', 'sweeps/seed.yaml', '--out', tempDir(), '--no-report']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^seed: 4,000 steps in \d+\.\d\d s on \d+ workers?; \d+\.\d\d s in all with the output\n$/);
    expect(r.stderr).not.toMatch(/steps\/s/);
  });

  it('formulas are printed as a person writes them', () => {
    const plan = gdsweep(['plan', 'sweeps/seed.yaml']);
    expect(plan.stdout).toContain("objective f(x) = 3x^2 - 3x + 4\n          f'(x) = 6x - 3\n");
    const objectives = gdsweep(['objectives']).stdout;
    expect(objectives).toContain("f'(x) = 6x - 3");
    expect(objectives).toContain('f(x)  = sin(x) exp(-0.05x^2)');
    expect(objectives).toContain("f'(x) = 2x - 2pi sin(2pi x)");
    expect(objectives).not.toMatch(/\d \* x/);
    // An unsimplified derivative (abs keeps simplification away) still reads as written.
    const dir = tempDir();
    writeFileSync(join(dir, 'abs.yaml'), 'name: abs\nobjective: {expr: abs(x) + x^2}\nstarts: [1]\nlearning_rate: [0.1]\nepochs: [10]\n');
    expect(gdsweep(['plan', join(dir, 'abs.yaml')]).stdout).toContain("f'(x) = abs(x) / x + 2x\n");
    const out = tempDir();
    expect(gdsweep(['run', 'sweeps/seed.yaml', '--out', out, '--quiet']).status).toBe(0);
    expect(readFileSync(join(out, 'seed', 'index.html'), 'utf8')).toContain('6x - 3');
  });

  it('npx gdsweep runs the tool from a clone (the README\'s form)', () => {
    const r = spawnSync('npx', ['--no-install', 'gdsweep', '--version'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });
});

describe('scripts/setup.sh (what npm start and npm test run first)', () => {
  const check = (env: Record<string, string>) =>
    spawnSync('bash', ['scripts/setup.sh', '--check'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });

  it('decides from headers and pkg-config files: a machine with only the runtime libraries gets every -dev package canvas builds against', () => {
    const r = check({ PKG_CONFIG_LIBDIR: '/nonexistent', GDSWEEP_INCLUDE_DIRS: '/nonexistent' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split(' ').sort()).toEqual(['libcairo2-dev', 'libgif-dev', 'libjpeg-dev', 'libpango1.0-dev', 'libpixman-1-dev', 'librsvg2-dev']);
  });

  it('asks for nothing on this machine, where the suite itself has just built canvas', () => {
    const r = check({});
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('');
  });
});
