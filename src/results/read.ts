/** Read results.json back (for render, merge and compare), with clear errors. */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { RESULTS_FORMAT, type ResultsDocument } from './format.js';

export function resultsPath(pathOrDir: string): string {
  try {
    if (statSync(pathOrDir).isDirectory()) return join(pathOrDir, 'results.json');
  } catch {
    throw new UserError(`${pathOrDir}: no such file or folder`);
  }
  return pathOrDir;
}

export function readResults(pathOrDir: string): ResultsDocument {
  const file = resultsPath(pathOrDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file}: not valid JSON (${(err as Error).message}); was it cut short?`);
  }
  const d = doc as Partial<ResultsDocument> | null;
  if (!d || typeof d !== 'object' || d.format !== RESULTS_FORMAT) {
    throw new UserError(`${file}: not a gdsweep results file (expected "format": "${RESULTS_FORMAT}")`);
  }
  if (!Array.isArray(d.runs) || !d.sweep || !d.plan) {
    throw new UserError(`${file}: results file is missing its runs, sweep or plan section`);
  }
  const seen = new Set<number>();
  for (const [i, r] of (d.runs as unknown[]).entries()) {
    const id = r && typeof r === 'object' ? (r as { id?: unknown }).id : undefined;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw new UserError(`${file}: runs[${i}]: id must be a whole number, 0 or more`);
    if (seen.has(id)) throw new UserError(`${file}: runs[${i}]: run id ${id} is given twice`);
    seen.add(id);
  }
  return d as ResultsDocument;
}
