#!/usr/bin/env node
/**
 * The executable. It loads the command line (yargs and the command table)
 * only when there is a command to parse: `gdsweep --version` alone, which
 * scripts and CI call to stamp their logs, answers as fast as node starts.
 */
import { ExitCode } from './errors.js';

const argv = process.argv.slice(2);

if (argv.length === 1 && argv[0] === '--version') {
  // What yargs' .version() prints for it, without loading yargs.
  const { VERSION } = await import('./version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  const { main } = await import('./cli.js');
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    // main() catches everything; this is the last guard should it throw itself.
    (err: unknown) => {
      process.stderr.write(`gdsweep: internal error (please report it):\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = ExitCode.Internal;
    },
  );
}
