/**
 * Command-line wiring. `buildCli(argv, io)` is a factory so tests drive it
 * with arrays; `main()` is the only place that turns outcomes into an exit
 * status. Commands load lazily, so `gdsweep --help` stays fast.
 */
import { availableParallelism } from 'node:os';
import { editDistance } from './format/distance.js';
import yargs, { type Argv } from 'yargs';
import { ExitCode, isUserFacing, UsageError, UserError } from './errors.js';
import { processIo, type Io } from './io.js';
import { VERSION } from './version.js';
import type { ReportWriter } from './results/output.js';
import type { LimitFlags } from './commands/common.js';

/** Flags a command shares, declared once and added only to the commands that use them. */
const LIMIT_OPTIONS = {
  'max-steps': { type: 'string', default: '1e10', describe: 'refuse plans with more descent steps than this' },
  'max-runs': { type: 'string', default: '1e7', describe: 'refuse plans with more runs than this' },
  'max-file-size': { type: 'string', default: '1048576', describe: 'refuse sweep files larger than this many bytes' },
  'max-expr-length': { type: 'string', default: '2000', describe: 'refuse expressions longer than this' },
  'max-expr-depth': { type: 'string', default: '64', describe: 'refuse expressions nested deeper than this' },
} as const;
type LimitName = keyof typeof LIMIT_OPTIONS;
const LIMIT_NAMES = Object.keys(LIMIT_OPTIONS) as LimitName[];
/** The limits that apply to reading results back (render, compare): no sweep file, no steps to run. */
const READ_LIMITS: readonly LimitName[] = ['max-runs', 'max-expr-length', 'max-expr-depth'];

/**
 * Every command, in the order `gdsweep` lists them. The builder adds only that
 * command's own flags, so each `--help` shows what applies to it.
 */
const COMMANDS = [
  ['run <files..>', 'plan, execute on the worker pool, classify, write results and report'],
  ['plan <file>', 'dry run: runs, tracks and total steps; nothing executed'],
  ['validate <files..>', 'check sweep files; exit 0 or 2'],
  ['render <dir>', 'rebuild the report from DIR/results.json'],
  ['merge <dirs..>', 'join shard outputs into one sweep (same bytes as an unsharded run)'],
  ['compare <base> <new>', 'what changed class, how the best lr moved; exit 1 on regression with --fail-on regression'],
  ['schema', 'print the JSON Schema of sweep files'],
  ['objectives', 'list the builtin objectives with their formulas and minima'],
] as const;

function describe(usage: (typeof COMMANDS)[number][0]): string {
  return (COMMANDS.find((c) => c[0] === usage) as (typeof COMMANDS)[number])[1];
}

/** What bare `gdsweep` prints: every command, one line each. */
export function commandList(): string {
  const width = Math.max(...COMMANDS.map((c) => c[0].length));
  return ['usage: gdsweep <command> [options]', '', 'commands:', ...COMMANDS.map(([u, d]) => `  gdsweep ${u.padEnd(width)}  ${d}`), '', 'gdsweep <command> --help shows a command\'s options'].join('\n');
}

/** The report modules (vega, canvas) load only when a report is written; the objective is compiled under the command line's limits. */
function lazyReportWriter(limits: Partial<LimitFlags>): ReportWriter {
  return async (dir, doc, signal) => {
    const [{ reportWriter }, { grammarLimits }] = await Promise.all([import('./report/writer.js'), import('./commands/common.js')]);
    await reportWriter(dir, doc, signal, grammarLimits(limits));
  };
}

/**
 * More workers than this only adds memory (each holds its own heap) and
 * contention: the pool cannot use more threads than the machine has.
 */
export function maxWorkers(): number {
  return Math.max(8, 4 * availableParallelism());
}

/**
 * Whole-number flags are read as text so a typo is reported as typed
 * (`got "two"`), never as NaN.
 */
export function wholeNumber(name: string, raw: unknown, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const v = text === '' ? NaN : Number(text);
  if (!Number.isInteger(v) || v < 1 || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? 'a whole number of at least 1' : `a whole number from 1 to ${max}`;
    throw new UserError(`--${name}: expected ${range}, got ${JSON.stringify(Array.isArray(raw) ? raw.join(' ') : text)}`);
  }
  return v;
}

function withLimits<T>(c: Argv<T>, names: readonly LimitName[] = LIMIT_NAMES) {
  const opts: Partial<Record<LimitName, (typeof LIMIT_OPTIONS)[LimitName]>> = {};
  for (const n of names) opts[n] = LIMIT_OPTIONS[n];
  return c.options(opts as typeof LIMIT_OPTIONS).group(names as unknown as string[], 'Limits:');
}

function limitFlags(a: Partial<Record<LimitName, unknown>>): Partial<LimitFlags> {
  const out: Partial<LimitFlags> = {};
  for (const n of LIMIT_NAMES) {
    const v = wholeNumber(n, a[n]);
    if (v !== undefined) out[n] = v;
  }
  return out;
}

const QUIET = { type: 'boolean', default: false, describe: 'print nothing but errors' } as const;
const JSON_FLAG = { type: 'boolean', default: false, describe: 'print a machine-readable summary' } as const;

/** The known flag closest to `typed`, if it is close enough to be a typo. */
export function nearestFlag(typed: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const d = k.startsWith(typed) || typed.startsWith(k) ? Math.abs(k.length - typed.length) * 0.5 : editDistance(typed, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(typed.length / 3)) ? best : null;
}

/** What each command needs on its command line, for the message when it is missing. */
const POSITIONALS: Record<string, string> = {
  run: 'give at least one sweep file: gdsweep run sweeps/seed.yaml',
  plan: 'give a sweep file: gdsweep plan sweeps/seed.yaml',
  validate: 'give at least one sweep file: gdsweep validate sweeps/*.yaml',
  render: 'give a sweep output folder: gdsweep render reports/seed',
  merge: 'give the shard output folders: gdsweep merge shards --out reports',
  compare: 'give two results folders (or results.json files): gdsweep compare BASE NEW',
};

function unknownWord(word: string): string {
  if (/\.ya?ml$/i.test(word)) return `unknown command '${word}': did you mean 'gdsweep run ${word}'?`;
  const near = nearestFlag(word, COMMANDS.map((c) => c[0].split(' ')[0] as string));
  return near ? `unknown command '${word}': did you mean '${near}'?` : `unknown command '${word}'`;
}

function unknownFlagMessage(msg: string, known: readonly string[], argv: readonly string[]): string {
  const m = /^Unknown arguments?: (.*)$/.exec(msg);
  if (!m) return msg;
  const all = (m[1] as string).split(', ').filter((n) => n !== '');
  // yargs also reports the camelCase alias of a dashed flag it did not know.
  const names = all.filter((n) => !/[A-Z]/.test(n) || !all.includes(n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)));
  // An unknown first word is a mistyped command: what follows it means nothing yet.
  const first = argv.find((a) => !a.startsWith('-'));
  if (first !== undefined && names.includes(first)) return unknownWord(first);
  return names
    .map((n) => {
      if (argv.includes(n)) return unknownWord(n);
      const flag = n.length === 1 ? `-${n}` : `--${n}`;
      const near = nearestFlag(n, known);
      return near ? `unknown option ${flag}: did you mean --${near}?` : `unknown option ${flag}`;
    })
    .join('\n');
}

export function buildCli(argv: string[], io: Io, setCode: (code: number) => void): Argv {
  let known: string[] = [];
  // Records the flags of the command being parsed, for "did you mean".
  const track = <T>(c: Argv<T>): Argv<T> => {
    // getOptions() is public at run time but missing from @types/yargs.
    known = Object.keys((c as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key).filter((k) => k.length > 1 && !/[A-Z_]/.test(k));
    return c;
  };
  const y = yargs(argv)
    .scriptName('gdsweep')
    .alias('help', 'h')
    .usage('usage: gdsweep <command> [options]')
    .version(VERSION)
    .strict()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .command(
      COMMANDS[0][0],
      describe('run <files..>'),
      (c) =>
        track(
          withLimits(
            c
              .positional('files', { type: 'string', array: true, demandOption: true })
              .option('out', { type: 'string', default: 'reports', describe: 'folder that receives <name>/' })
              .option('workers', { type: 'string', describe: `worker threads, 1 to ${maxWorkers()} (default: available cores)` })
              .option('report', { type: 'boolean', default: true, describe: 'write the HTML/PNG report (--no-report: results only)' })
              .option('fail-on', { choices: ['divergent', 'slow', 'none'] as const, describe: 'exit 1 when a run is of this class (slow: slow or divergent)' })
              .option('shard', { type: 'string', describe: 'run only shard i/n of the plan (also /n or auto: index from CI_NODE_INDEX or JOB_COMPLETION_INDEX)' })
              .option('force', { type: 'boolean', default: false, describe: 'recompute even when results of the same plan are there' })
              .option('quiet', QUIET)
              .option('json', JSON_FLAG),
          ),
        ),
      async (a) => {
        const workers = wholeNumber('workers', a.workers, maxWorkers());
        const { runCommand } = await import('./commands/run.js');
        const flags: Parameters<typeof runCommand>[1] = { ...limitFlags(a), out: a.out, report: a.report, quiet: a.quiet, json: a.json, force: a.force };
        if (workers !== undefined) flags.workers = workers;
        if (a['fail-on'] !== undefined) flags['fail-on'] = a['fail-on'];
        if (a.shard !== undefined) flags.shard = a.shard;
        setCode(await runCommand(a.files, flags, io, lazyReportWriter(flags)));
      },
    )
    .command(
      COMMANDS[1][0],
      describe('plan <file>'),
      (c) => track(withLimits(c.positional('file', { type: 'string', demandOption: true }).option('json', JSON_FLAG))),
      async (a) => {
        const { planCommand } = await import('./commands/plan.js');
        setCode(planCommand(a.file, { ...limitFlags(a), json: a.json }, io));
      },
    )
    .command(
      COMMANDS[2][0],
      describe('validate <files..>'),
      (c) => track(withLimits(c.positional('files', { type: 'string', array: true, demandOption: true }).option('quiet', QUIET).option('json', JSON_FLAG))),
      async (a) => {
        const { validateCommand } = await import('./commands/validate.js');
        setCode(validateCommand(a.files, { ...limitFlags(a), quiet: a.quiet, json: a.json }, io));
      },
    )
    .command(
      COMMANDS[3][0],
      describe('render <dir>'),
      (c) => track(withLimits(c.positional('dir', { type: 'string', demandOption: true }).option('quiet', QUIET).option('json', JSON_FLAG), READ_LIMITS)),
      async (a) => {
        const { renderCommand } = await import('./commands/render.js');
        setCode(await renderCommand(a.dir, { quiet: a.quiet, json: a.json, ...limitFlags(a) }, io));
      },
    )
    .command(
      COMMANDS[4][0],
      describe('merge <dirs..>'),
      (c) =>
        track(
          withLimits(
            c
              .positional('dirs', { type: 'string', array: true, demandOption: true })
              .option('out', { type: 'string', default: 'reports', describe: 'folder that receives the merged output folder <name>/' })
              .option('report', { type: 'boolean', default: true, describe: 'write the report (--no-report: results only)' })
              .option('quiet', QUIET)
              .option('json', JSON_FLAG),
            ['max-steps', ...READ_LIMITS],
          ),
        ),
      async (a) => {
        const { mergeCommand } = await import('./commands/merge.js');
        const limits = limitFlags(a);
        setCode(await mergeCommand(a.dirs, { out: a.out, quiet: a.quiet, report: a.report, json: a.json, ...limits }, io, lazyReportWriter(limits)));
      },
    )
    .command(
      COMMANDS[5][0],
      describe('compare <base> <new>'),
      (c) =>
        track(
          withLimits(
            c
              .positional('base', { type: 'string', demandOption: true, describe: 'results folder or results.json' })
              .positional('new', { type: 'string', demandOption: true, describe: 'results folder or results.json' })
              .option('fail-on', { choices: ['regression', 'none'] as const, describe: 'exit 1 when a run got worse' })
              .option('common', { type: 'boolean', default: false, describe: 'compare only the runs both grids share' })
              .option('out', { type: 'string', describe: 'also write <new-name>.compare/ (compare.md, compare.html) into this folder' })
              .option('quiet', QUIET)
              .option('json', JSON_FLAG),
            READ_LIMITS,
          ),
        ),
      async (a) => {
        const { compareCommand } = await import('./commands/compare.js');
        const flags: Parameters<typeof compareCommand>[2] = { common: a.common, json: a.json, quiet: a.quiet, ...limitFlags(a) };
        if (a['fail-on'] !== undefined) flags['fail-on'] = a['fail-on'];
        if (a.out !== undefined) flags.out = a.out;
        setCode(await compareCommand(a.base, a.new, flags, io));
      },
    )
    .command(
      COMMANDS[6][0],
      describe('schema'),
      (c) => track(c),
      async () => {
        const { schemaCommand } = await import('./commands/info.js');
        setCode(schemaCommand(io));
      },
    )
    .command(
      COMMANDS[7][0],
      describe('objectives'),
      (c) => track(c.option('json', JSON_FLAG)),
      async (a) => {
        const { objectivesCommand } = await import('./commands/info.js');
        setCode(objectivesCommand(io, a.json));
      },
    )
    .demandCommand(1, commandList())
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      if (msg === commandList()) throw new UsageError(msg);
      const command = COMMANDS.map((c) => c[0].split(' ')[0]).find((name) => argv.includes(name as string));
      if (/^Not enough non-option arguments/.test(msg) && command && POSITIONALS[command]) throw new UserError(`${command}: ${POSITIONALS[command]}\nsee gdsweep ${command} --help`);
      throw new UserError(`${unknownFlagMessage(msg, known, argv)}\nsee gdsweep ${command ? `${command} ` : ''}--help`);
    });
  return y;
}

/** Run the CLI; the returned number is the exit status. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let code = 0;
  try {
    await buildCli(argv, io, (c) => {
      code = c;
    }).parseAsync();
    return code;
  } catch (err) {
    if (isUserFacing(err)) {
      io.err(err instanceof UsageError ? `${err.message}\n` : `gdsweep: ${err.message}\n`);
      return err.exitCode;
    }
    io.err(`gdsweep: internal error (please report it):\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return ExitCode.Internal;
  }
}
