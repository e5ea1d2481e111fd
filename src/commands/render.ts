/**
 * `gdsweep render DIR`: rebuild the report from DIR/results.json alone.
 *
 * The folder is rebuilt in a temporary sibling and swapped in (as `run`
 * does), so a failed render leaves the old report. Everything in DIR except
 * the report's own outputs (index.html, summary.md, *.png) is carried over
 * unchanged; the report is then written by the same writer `run` uses from
 * the same results.json, so the bytes match what `run` wrote.
 */
import { cp, link, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { commitFolder } from '../results/atomic.js';
import { readResults } from '../results/read.js';
import { REPORT_FILES, writeReport } from '../report/writer.js';
import { grammarLimits, resultsLimits, type Io, type LimitFlags } from './common.js';

export interface RenderFlags extends Partial<LimitFlags> {
  quiet: boolean;
  json: boolean;
}

function isReportOutput(name: string): boolean {
  return name === REPORT_FILES.page || name === REPORT_FILES.summary || name.toLowerCase().endsWith('.png');
}

/** The sweep folder: DIR itself, or the folder of a results.json given by path. */
async function sweepFolder(arg: string): Promise<string> {
  let s;
  try {
    s = await stat(arg);
  } catch {
    throw new UserError(`${arg}: no such file or folder`);
  }
  if (s.isDirectory()) return arg;
  if (basename(arg) === 'results.json') return dirname(arg);
  throw new UserError(`${arg}: expected a sweep output folder (one holding results.json)`);
}

/**
 * Bring a file into the new folder: a hard link where possible (results.json
 * of a million runs is hundreds of MB, and nothing rewrites files in place:
 * every writer creates new ones), a copy otherwise.
 */
async function carryOver(from: string, to: string, isFile: boolean): Promise<void> {
  if (isFile) {
    try {
      await link(from, to);
      return;
    } catch {
      // another file system, or links not allowed: copy instead
    }
  }
  await cp(from, to, { recursive: true, preserveTimestamps: true });
}

export async function renderCommand(dirArg: string, flags: RenderFlags, io: Io, signal?: AbortSignal): Promise<number> {
  const dir = await sweepFolder(dirArg);
  // Read and check before touching anything: a bad results.json changes nothing.
  const resultsFile = join(dir, 'results.json');
  try {
    await stat(resultsFile);
  } catch {
    throw new UserError(`${dir}: no results.json here; render rebuilds the report of a folder written by gdsweep run`);
  }
  const doc = readResults(resultsFile, resultsLimits(flags));
  let written: string[] = [];
  let warnings: string[] = [];
  await commitFolder(resolve(dir), async (tmp) => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (isReportOutput(entry.name)) continue;
      await carryOver(join(dir, entry.name), join(tmp, entry.name), entry.isFile());
    }
    const out = await writeReport(tmp, doc, signal, grammarLimits(flags));
    written = out.files;
    warnings = out.warnings;
  }, signal ? { signal } : {});
  if (flags.json) {
    io.out(JSON.stringify({ dir, name: doc.sweep.name, runs: doc.runs.length, files: written, warnings }, null, 2) + '\n');
  } else if (!flags.quiet) {
    io.out(`${doc.sweep.name}: report -> ${join(dir, REPORT_FILES.page)} (${written.length - 2} charts, ${REPORT_FILES.summary})\n`);
    for (const w of warnings) io.err(`gdsweep: warning: ${w}\n`);
  }
  return 0;
}
