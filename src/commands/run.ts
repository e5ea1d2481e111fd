import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { executePlan, type ExecutePlanOptions } from '../execute.js';
import type { Plan } from '../plan/plan.js';
import { runParams } from '../plan/plan.js';
import { parseShard, shardLabel, shardTracks, type Shard } from '../plan/shard.js';
import { WorkerPool, defaultWorkers } from '../pool/pool.js';
import { Journal, JOURNAL_FORMAT } from '../results/journal.js';
import { writeSweepFolder, type ReportWriter } from '../results/output.js';
import { readResults } from '../results/read.js';
import { countClasses, reasonName, type RunTable } from '../results/table.js';
import { VERSION } from '../version.js';
import { formatCount, grammarLimits, loadAndPlan, resultsLimits, type Io, type LimitFlags } from './common.js';

export interface RunFlags extends Partial<LimitFlags> {
  out: string;
  workers?: number;
  report: boolean;
  quiet: boolean;
  json: boolean;
  force?: boolean;
  shard?: string;
  'fail-on'?: 'divergent' | 'slow' | 'none';
}

function cellText(table: RunTable, id: number): string {
  const x = table.x[id] as number;
  const xs = Number.isFinite(x) ? (Math.abs(x) >= 1e5 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(2) : x.toFixed(4)) : String(x);
  switch (reasonName(table.reason[id] as number)) {
    case 'within-tolerance':
      return `converged @${table.convergedAt[id] as number}`;
    case 'still-descending':
      return `slow x=${xs}`;
    case 'oscillating':
      return `slow (oscillating) x=${xs}`;
    case 'blew-up':
      return `divergent @${table.divergedAt[id] as number} x=${xs}`;
    case 'loss-increased':
      return `divergent (loss up) x=${xs}`;
  }
}

/** A small text table: one row per (start, schedule, optimizer, lr), one column per epoch budget. */
export function textTable(plan: Plan, table: RunTable, maxRuns = 64): string {
  if (plan.runCount > maxRuns) return '';
  const [S, K, O, L, P] = plan.dims;
  const c = plan.config;
  const head: string[] = [];
  if (S > 1) head.push('start');
  if (K > 1) head.push('schedule');
  if (O > 1) head.push('optimizer');
  head.push('lr', ...c.epochs.map((e) => `${e} epochs`));
  const rows: string[][] = [head];
  for (let s = 0; s < S; s++)
    for (let k = 0; k < K; k++)
      for (let o = 0; o < O; o++)
        for (let l = 0; l < L; l++) {
          const base = (((s * K + k) * O + o) * L + l) * P;
          const p0 = runParams(plan, base);
          const row: string[] = [];
          if (S > 1) row.push(String(p0.start));
          if (K > 1) row.push(p0.schedule);
          if (O > 1) row.push(p0.optimizer);
          row.push(String(p0.lr));
          for (let p = 0; p < P; p++) row.push(table.done[base + p] ? cellText(table, base + p) : '(other shard)');
          rows.push(row);
        }
  const widths = head.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => '  ' + r.map((v, i) => v.padEnd(widths[i] as number)).join('  ').trimEnd()).join('\n') + '\n';
}

/** Output folder of a sweep (a shard gets its own, so shards never collide). */
export function outputFolder(out: string, name: string, shard: Shard | null): string {
  return join(out, shard ? `${name}.shard-${shard.index}-of-${shard.count}` : name);
}

function journalPath(out: string, name: string, shard: Shard | null): string {
  return join(out, `.${shard ? `${name}.shard-${shard.index}-of-${shard.count}` : name}.journal`);
}

/** Results of the same plan by the same version already there? */
function upToDate(target: string, plan: Plan, shard: Shard | null, wantReport: boolean, flags: Partial<LimitFlags>): boolean {
  if (!existsSync(join(target, 'results.json'))) return false;
  if (wantReport && !shard && !existsSync(join(target, 'index.html'))) return false;
  try {
    const doc = readResults(target, resultsLimits(flags));
    const s = doc.plan.shard;
    return doc.plan.hash === plan.hash && doc.plan.version === VERSION && (shard ? s?.index === shard.index && s.count === shard.count : s === undefined);
  } catch {
    return false;
  }
}

function stepsPerSecond(steps: number, seconds: number): string {
  const r = steps / Math.max(seconds, 1e-9);
  return r >= 1e6 ? `${(r / 1e6).toFixed(1)} M steps/s` : `${Math.round(r)} steps/s`;
}

export async function runCommand(files: string[], flags: RunFlags, io: Io, report: ReportWriter | null): Promise<number> {
  const shard = flags.shard !== undefined ? parseShard(flags.shard) : null;
  const entries = loadAndPlan(files, flags);
  const names = new Map<string, string>();
  for (const { config } of entries) {
    const prev = names.get(config.name);
    if (prev) throw new UserError(`${config.file}: name '${config.name}' is also used by ${prev}; each sweep needs its own output folder`);
    names.set(config.name, config.file);
  }
  const abort = new AbortController();
  const onSignal = (sig: 'SIGINT' | 'SIGTERM') => () => {
    // A second signal while stopping means "now": the journal is already on disk.
    if (abort.signal.aborted) process.exit(sig === 'SIGINT' ? 130 : 143);
    abort.abort(sig);
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const pool = new WorkerPool(flags.workers ?? defaultWorkers());
  let failed = false;
  const summaries: unknown[] = [];
  const say = (s: string) => {
    if (!flags.quiet && !flags.json) io.out(s);
  };
  try {
    for (const { config, plan } of entries) {
      const target = outputFolder(flags.out, config.name, shard);
      const wantReport = flags.report && !shard;
      if (!flags.force && upToDate(target, plan, shard, wantReport, flags)) {
        const doc = readResults(target, resultsLimits(flags));
        // The results are reused; the report is rebuilt from them so it is always this version's.
        if (wantReport) {
          const { renderCommand } = await import('./render.js');
          await renderCommand(target, { ...flags, quiet: true, json: false }, io);
        }
        say(`${config.name}: results of this plan (${plan.hash}) are already in ${target}; reused them (--force recomputes)\n`);
        summaries.push({ name: config.name, out: target, runs: doc.runs.length, counts: doc.counts, reused: true });
        if (flags['fail-on'] === 'divergent' && doc.counts.divergent > 0) failed = true;
        if (flags['fail-on'] === 'slow' && doc.counts.divergent + doc.counts.slow > 0) failed = true;
        continue;
      }
      const started = process.hrtime.bigint();
      const journal = new Journal(journalPath(flags.out, config.name, shard), {
        format: JOURNAL_FORMAT,
        hash: plan.hash,
        version: VERSION,
        shard: shard ? shardLabel(shard) : null,
      });
      const opts: ExecutePlanOptions = { pool, quiet: flags.quiet || flags.json, signal: abort.signal, journal, grammar: grammarLimits(flags) };
      if (shard) opts.tracks = shardTracks(plan.tracks, shard);
      const { table, objective, resumedTracks } = await executePlan(plan, opts);
      if (resumedTracks > 0) say(`${config.name}: resumed: ${resumedTracks} of ${(opts.tracks ?? plan.tracks).length} tracks were already done\n`);
      const write: Parameters<typeof writeSweepFolder>[3] = { curvature: objective.curvature, report: wantReport ? report : null };
      if (shard) write.shard = shard;
      await writeSweepFolder(target, plan, table, write);
      journal.remove();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const counts = countClasses(table);
      if (flags['fail-on'] === 'divergent' && counts.divergent > 0) failed = true;
      if (flags['fail-on'] === 'slow' && counts.divergent + counts.slow > 0) failed = true;
      const runs = counts.converged + counts.slow + counts.divergent;
      summaries.push({ name: config.name, out: target, runs, tracks: plan.tracks.length, steps: plan.totalSteps, counts, ...(shard ? { shard: shardLabel(shard) } : {}) });
      say(
        `${config.name}: ${formatCount(runs)} runs${shard ? ` (shard ${shardLabel(shard)} of ${formatCount(plan.runCount)})` : ''} ` +
          `(${counts.converged} converged, ${counts.slow} slow, ${counts.divergent} divergent) -> ${target}\n`,
      );
      say(textTable(plan, table));
      const steps = (opts.tracks ?? plan.tracks).reduce((a, t) => a + t.cost, 0);
      if (!flags.quiet && !flags.json) io.err(`${config.name}: ${seconds.toFixed(2)} s, ${stepsPerSecond(steps, seconds)} (${pool.workers} workers)\n`);
    }
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    await pool.destroy();
  }
  if (flags.report && !shard) {
    const { writeBatchIndex } = await import('../results/batch-index.js');
    const index = writeBatchIndex(flags.out, resultsLimits(flags));
    if (entries.length > 1) say(`index: ${index}\n`);
  }
  if (flags.json) io.out(JSON.stringify({ sweeps: summaries }, null, 2) + '\n');
  return failed ? 1 : 0;
}
