/**
 * Command-line wiring. `buildCli(argv, io)` is a factory so tests drive it
 * with arrays; `main()` is the only place that turns outcomes into an exit
 * status. Commands load lazily, so `gdsweep --help` stays fast.
 */
import yargs, { type Argv } from 'yargs';
import { isUserFacing, UserError } from './errors.js';
import { processIo, type Io } from './io.js';
import { VERSION } from './version.js';
import type { ReportWriter } from './results/output.js';
import type { LimitFlags } from './commands/common.js';

const LIMIT_OPTIONS = {
  'max-steps': { type: 'number', default: 1e10, describe: 'refuse plans with more descent steps than this' },
  'max-runs': { type: 'number', default: 1e7, describe: 'refuse plans with more runs than this' },
  'max-file-size': { type: 'number', default: 1024 * 1024, describe: 'refuse sweep files larger than this many bytes' },
  'max-expr-length': { type: 'number', default: 2000, describe: 'refuse expressions longer than this' },
  'max-expr-depth': { type: 'number', default: 64, describe: 'refuse expressions nested deeper than this' },
} as const;

/** The report modules (vega, canvas) load only when a report is written; the objective is compiled under the command line's limits. */
function lazyReportWriter(limits: Partial<LimitFlags>): ReportWriter {
  return async (dir, doc) => {
    const [{ reportWriter }, { grammarLimits }] = await Promise.all([import('./report/writer.js'), import('./commands/common.js')]);
    await reportWriter(dir, doc, grammarLimits(limits));
  };
}

/** The limit flags as given (or defaulted) on the command line. */
function limitFlags(a: Partial<LimitFlags>): Partial<LimitFlags> {
  const out: Partial<LimitFlags> = {};
  for (const k of Object.keys(LIMIT_OPTIONS) as (keyof LimitFlags)[]) if (a[k] !== undefined) out[k] = a[k];
  return out;
}

function positiveInt(name: string, v: unknown): void {
  if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1)) {
    throw new UserError(`--${name}: expected a whole number of at least 1, got ${String(v)}`);
  }
}

export function buildCli(argv: string[], io: Io, setCode: (code: number) => void): Argv {
  const y = yargs(argv)
    .scriptName('gdsweep')
    .version(VERSION)
    .strict()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .option('quiet', { type: 'boolean', default: false, describe: 'print nothing but errors' })
    .option('json', { type: 'boolean', default: false, describe: 'print a machine-readable summary' })
    .options(LIMIT_OPTIONS)
    .middleware((argv) => {
      for (const name of Object.keys(LIMIT_OPTIONS)) positiveInt(name, argv[name]);
    })
    .command(
      'run <files..>',
      'plan, execute on the worker pool, classify, write results and report',
      (c) =>
        c
          .positional('files', { type: 'string', array: true, demandOption: true })
          .option('out', { type: 'string', default: 'reports', describe: 'folder that receives the output folder <name>/ (a shard: <name>.shard-i-of-n/)' })
          .option('workers', { type: 'number', describe: 'worker threads (default: available cores)' })
          .option('report', { type: 'boolean', default: true, describe: 'write the HTML/PNG report (--no-report: results only)' })
          .option('fail-on', { choices: ['divergent', 'slow', 'none'] as const, describe: 'exit 1 when a run is of this class (slow: slow or divergent)' })
          .option('shard', { type: 'string', describe: 'run only shard i/n of the plan (also /n or auto: index from CI_NODE_INDEX or JOB_COMPLETION_INDEX)' })
          .option('force', { type: 'boolean', default: false, describe: 'recompute even when results of the same plan are there' }),
      async (a) => {
        positiveInt('workers', a.workers);
        const { runCommand } = await import('./commands/run.js');
        const flags: Parameters<typeof runCommand>[1] = { ...a, out: a.out, report: a.report, quiet: a.quiet, json: a.json };
        if (a.workers !== undefined) flags.workers = a.workers;
        if (a['fail-on'] !== undefined) flags['fail-on'] = a['fail-on'];
        if (a.shard !== undefined) flags.shard = a.shard;
        setCode(await runCommand(a.files, flags, io, lazyReportWriter(a)));
      },
    )
    .command(
      'plan <file>',
      'dry run: runs, tracks and total steps; nothing executed',
      (c) => c.positional('file', { type: 'string', demandOption: true }),
      async (a) => {
        const { planCommand } = await import('./commands/plan.js');
        setCode(planCommand(a.file, a, io));
      },
    )
    .command(
      'validate <files..>',
      'check sweep files; exit 0 or 2',
      (c) => c.positional('files', { type: 'string', array: true, demandOption: true }),
      async (a) => {
        const { validateCommand } = await import('./commands/validate.js');
        setCode(validateCommand(a.files, a, io));
      },
    )
    .command(
      'render <dir>',
      'rebuild the report from DIR/results.json',
      (c) => c.positional('dir', { type: 'string', demandOption: true }),
      async (a) => {
        const { renderCommand } = await import('./commands/render.js');
        setCode(await renderCommand(a.dir, { quiet: a.quiet, json: a.json, ...limitFlags(a) }, io));
      },
    )
    .command(
      'merge <dirs..>',
      'join shard outputs into one sweep (same bytes as an unsharded run)',
      (c) =>
        c
          .positional('dirs', { type: 'string', array: true, demandOption: true })
          .option('out', { type: 'string', default: 'reports', describe: 'folder that receives the merged output folder <name>/' })
          .option('report', { type: 'boolean', default: true, describe: 'write the report (--no-report: results only)' }),
      async (a) => {
        const { mergeCommand } = await import('./commands/merge.js');
        setCode(await mergeCommand(a.dirs, { out: a.out, quiet: a.quiet, report: a.report, ...limitFlags(a) }, io, lazyReportWriter(a)));
      },
    )
    .command(
      'compare <base> <new>',
      'what changed class, how the best lr moved; exit 1 on regression with --fail-on regression',
      (c) =>
        c
          .positional('base', { type: 'string', demandOption: true, describe: 'results folder or results.json' })
          .positional('new', { type: 'string', demandOption: true, describe: 'results folder or results.json' })
          .option('fail-on', { choices: ['regression', 'none'] as const, describe: 'exit 1 when a run got worse' })
          .option('common', { type: 'boolean', default: false, describe: 'compare only the runs both grids share' })
          .option('out', { type: 'string', describe: 'also write <new-name>.compare/ (compare.md, compare.html) into this folder' }),
      async (a) => {
        const { compareCommand } = await import('./commands/compare.js');
        const flags: Parameters<typeof compareCommand>[2] = { common: a.common, json: a.json, quiet: a.quiet, ...limitFlags(a) };
        if (a['fail-on'] !== undefined) flags['fail-on'] = a['fail-on'];
        if (a.out !== undefined) flags.out = a.out;
        setCode(await compareCommand(a.base, a.new, flags, io));
      },
    )
    .command(
      'schema',
      'print the JSON Schema of sweep files',
      (c) => c,
      async () => {
        const { schemaCommand } = await import('./commands/info.js');
        setCode(schemaCommand(io));
      },
    )
    .command(
      'objectives',
      'list the builtin objectives with their formulas and minima',
      (c) => c,
      async (a) => {
        const { objectivesCommand } = await import('./commands/info.js');
        setCode(objectivesCommand(io, a.json));
      },
    )
    .demandCommand(1, 'give a command: run, plan, validate, render, schema, objectives (see --help)')
    .recommendCommands()
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new UserError(`${msg}\nsee gdsweep --help`);
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
      io.err(`gdsweep: ${err.message}\n`);
      return err.exitCode;
    }
    io.err(`gdsweep: internal error (please report it):\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 70;
  }
}
