/**
 * reports/index.html: one row per sweep found in the output folder (every
 * `<name>/results.json`, shard outputs excluded), with its class counts and a
 * link to its report. Written atomically like every other output.
 */
import { existsSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { writeFileDurable, outputError } from './atomic.js';
import { isOwnFile, lstatOrNull, refuseLink } from './files.js';
import { readResults, type ResultsLimits } from './read.js';
import { VERSION } from '../version.js';

const TEMPLATE = new URL('../../templates/batch-index.hbs', import.meta.url);

interface Row {
  name: string;
  title: string;
  href: string;
  hasReport: boolean;
  runs: number;
  counts: { converged: number; slow: number; divergent: number };
  pct: { converged: string; slow: string; divergent: string };
  hash: string;
}

export function collectSweeps(out: string, limits?: ResultsLimits): Row[] {
  if (!existsSync(out)) return [];
  const rows: Row[] = [];
  for (const name of readdirSync(out).sort()) {
    if (name.startsWith('.') || name.includes('.shard-')) continue;
    const dir = join(out, name);
    if (!existsSync(join(dir, 'results.json'))) continue;
    let doc;
    try {
      doc = readResults(dir, limits);
    } catch {
      continue; // not ours, or unreadable: the index lists what it can
    }
    if (doc.plan.shard) continue;
    const c = doc.counts;
    const total = c.converged + c.slow + c.divergent;
    const pct = (n: number) => (total ? ((100 * n) / total).toFixed(2) : '0');
    rows.push({
      name: doc.sweep.name,
      title: doc.sweep.title,
      href: `${encodeURIComponent(name)}/index.html`,
      hasReport: existsSync(join(dir, 'index.html')),
      runs: total,
      counts: c,
      pct: { converged: pct(c.converged), slow: pct(c.slow), divergent: pct(c.divergent) },
      hash: doc.plan.hash,
    });
  }
  return rows;
}

export function writeBatchIndex(out: string, limits?: ResultsLimits): string {
  const template = Handlebars.compile(readFileSync(TEMPLATE, 'utf8'), { strict: true });
  const html = template({ sweeps: collectSweeps(out, limits), version: VERSION });
  const target = join(out, 'index.html');
  const tmp = join(out, `.index.html.tmp-${process.pid}`);
  refuseLink(target);
  // A leftover of a process that had our pid (it is gone: we have its pid now).
  const stale = lstatOrNull(tmp);
  if (stale && isOwnFile(stale)) unlinkSync(tmp);
  // Synchronous from creation to rename: an exit cannot come between and leave the temporary file.
  let written = false;
  try {
    writeFileDurable(tmp, html);
    written = true;
    renameSync(tmp, target);
  } catch (err) {
    if (written) unlinkSync(tmp);
    if (!(err as NodeJS.ErrnoException).code) throw err;
    throw outputError(target, err);
  }
  return target;
}
