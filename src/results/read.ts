/** Read results.json back (for render, merge and compare), checked whole, with clear errors. */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { ResultsDocument } from './format.js';
import { DEFAULT_RESULTS_LIMITS, validateResults, type ResultsLimits } from './validate.js';

export type { ResultsLimits } from './validate.js';

export function resultsPath(pathOrDir: string): string {
  try {
    if (statSync(pathOrDir).isDirectory()) return join(pathOrDir, 'results.json');
  } catch {
    throw new UserError(`${pathOrDir}: no such file or folder`);
  }
  return pathOrDir;
}

function parseFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // A file too large for one string (ERR_STRING_TOO_LONG) is a bad input too.
    throw new UserError(`${file}: cannot read (${e.code ?? e.message})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UserError(`${file}: not valid JSON (${(err as Error).message}); was it cut short?`);
  }
}

/**
 * A results file given on the command line (or found in an output folder),
 * validated against the schema, the sweep's grid and the limits
 * (src/results/validate.ts): a bad file is a UserError naming it.
 */
export function readResults(pathOrDir: string, limits: ResultsLimits = DEFAULT_RESULTS_LIMITS): ResultsDocument {
  const file = resultsPath(pathOrDir);
  return validateResults(parseFile(file), file, limits);
}

/**
 * The results file this process has just written (the report is made from
 * it): ours, whole and fsynced, so it is only parsed.
 */
export function readWrittenResults(file: string): ResultsDocument {
  return parseFile(file) as ResultsDocument;
}
