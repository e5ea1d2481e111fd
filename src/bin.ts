#!/usr/bin/env node
import { main } from './cli.js';
import { ExitCode } from './errors.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  // main() catches everything; this is the last guard should it throw itself.
  (err: unknown) => {
    process.stderr.write(`gdsweep: internal error (please report it):\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = ExitCode.Internal;
  },
);
