/**
 * Join shard outputs into the output of one unsharded run: same plan, same
 * writer, so the bytes are the same. Refuses shards of different plans or
 * versions, duplicates, and missing shards, naming each.
 */
import { count, plural } from '../format/numbers.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { shardTracks } from '../plan/shard.js';
import { compileObjective } from '../objective/objective.js';
import type { ResultsDocument } from '../results/format.js';
import { writeSweepFolder, type ReportWriter } from '../results/output.js';
import { readResults } from '../results/read.js';
import { planFromResults, readRunsInto } from '../results/rebuild.js';
import { createTable, countClasses } from '../results/table.js';
import { grammarLimits, planLimits, resultsLimits, type Io, type LimitFlags } from './common.js';

/** Result folders under the given paths: the path itself, or up to two levels below. */
export function findResultFolders(paths: string[]): string[] {
  const found: string[] = [];
  const visit = (dir: string, depth: number) => {
    if (existsSync(join(dir, 'results.json'))) {
      found.push(dir);
      return;
    }
    if (depth === 0) return;
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) visit(p, depth - 1);
    }
  };
  for (const p of paths) {
    if (!existsSync(p) || !statSync(p).isDirectory()) throw new UserError(`${p}: no such folder`);
    const before = found.length;
    visit(p, 2);
    if (found.length === before) throw new UserError(`${p}: no results.json in it or in its subfolders`);
  }
  return found;
}

interface ShardInput {
  dir: string;
  doc: ResultsDocument;
}

export interface MergeFlags extends Partial<LimitFlags> {
  out: string;
  quiet: boolean;
  report: boolean;
  json?: boolean;
}

export async function mergeCommand(paths: string[], flags: MergeFlags, io: Io, report: ReportWriter | null): Promise<number> {
  const limits = resultsLimits(flags);
  const inputs: ShardInput[] = findResultFolders(paths).map((dir) => ({ dir, doc: readResults(dir, limits) }));
  const bySweep = new Map<string, ShardInput[]>();
  for (const i of inputs) {
    if (!i.doc.plan.shard) throw new UserError(`${i.dir}: not a shard output (its results have no plan.shard); merge joins the outputs of run --shard i/n`);
    const list = bySweep.get(i.doc.sweep.name) ?? [];
    list.push(i);
    bySweep.set(i.doc.sweep.name, list);
  }
  // Check everything before writing anything.
  const jobs = [...bySweep.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, list]) => {
    const first = list[0] as ShardInput;
    for (const other of list.slice(1)) {
      if (other.doc.plan.version !== first.doc.plan.version) {
        throw new UserError(`${other.dir}: made by gdsweep ${other.doc.plan.version}, but ${first.dir} by ${first.doc.plan.version}; shards must come from one version`);
      }
      if (other.doc.plan.hash !== first.doc.plan.hash) {
        throw new UserError(`${other.dir}: shard of another plan (${other.doc.plan.hash}) than ${first.dir} (${first.doc.plan.hash}); was the sweep file changed between shards?`);
      }
    }
    const count = (first.doc.plan.shard as { count: number }).count;
    const seen = new Map<number, string>();
    for (const s of list) {
      const sh = s.doc.plan.shard as { index: number; count: number };
      if (sh.count !== count) throw new UserError(`${s.dir}: shard ${sh.index}/${sh.count}, but ${first.dir} is one of ${count}`);
      const prev = seen.get(sh.index);
      if (prev) throw new UserError(`${name}: shard ${sh.index}/${count} given twice: ${prev} and ${s.dir}`);
      seen.set(sh.index, s.dir);
    }
    const missing = Array.from({ length: count }, (_, k) => k + 1).filter((k) => !seen.has(k));
    if (missing.length) throw new UserError(`${name}: missing shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${count}`).join(', ')} (have ${[...seen.keys()].sort((a, b) => a - b).map((k) => `${k}/${count}`).join(', ')})`);
    const plan = planFromResults(first.doc, first.dir, planLimits(flags));
    const table = createTable(plan.runCount);
    for (const s of list) {
      const sh = s.doc.plan.shard as { index: number; count: number };
      const expected = new Set<number>();
      for (const t of shardTracks(plan.tracks, sh)) for (let r = 0; r < t.epochIdx.length; r++) expected.add(t.firstRun + r);
      const ids = readRunsInto(s.dir, table, s.doc);
      if (ids.length !== expected.size || ids.some((id) => !expected.has(id))) {
        throw new UserError(`${s.dir}: its runs are not those of shard ${sh.index}/${sh.count} of plan ${plan.hash}`);
      }
    }
    return { name, plan, table };
  });
  const merged: { name: string; out: string; runs: number; counts: ReturnType<typeof countClasses> }[] = [];
  for (const { name, plan, table } of jobs) {
    const target = join(flags.out, name);
    const curvature = compileObjective(plan.config.objective, grammarLimits(flags)).curvature;
    await writeSweepFolder(target, plan, table, { curvature, report: flags.report ? report : null });
    const c = countClasses(table);
    merged.push({ name, out: target, runs: plan.runCount, counts: c });
    if (!flags.quiet && !flags.json) io.out(`${name}: merged ${plural(plan.runCount, 'run')} (${count(c.converged)} converged, ${count(c.slow)} slow, ${count(c.divergent)} divergent) -> ${target}\n`);
  }
  if (flags.json) io.out(JSON.stringify({ sweeps: merged }, null, 2) + '\n');
  return 0;
}
