import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InterruptedError, throwIfInterrupted, UserError } from '../errors.js';
import { executePlan, type ExecutePlanOptions } from '../execute.js';
import type { Plan } from '../plan/plan.js';
import { AXES, AXIS_DEFS, axisValues, type AxisKey } from '../plan/axes.js';
import { parseShard, shardLabel, shardTracks, type Shard } from '../plan/shard.js';
import { WorkerPool, defaultWorkers } from '../pool/pool.js';
import { refuseLink } from '../results/files.js';
import { Journal, JOURNAL_FORMAT } from '../results/journal.js';
import { acquireLock } from '../results/lock.js';
import { writeSweepFolder, type ReportWriter } from '../results/output.js';
import { readResults } from '../results/read.js';
import { countClasses, reasonName, type RunTable } from '../results/table.js';
import { VERSION } from '../version.js';
import { count, fmt, plural, sig6 } from '../format/numbers.js';
import { grammarLimits, loadAndPlan, resultsLimits, type Io, type LimitFlags } from './common.js';

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
  // Four decimals read best beside 0.5; exponents where decimals say nothing.
  const xs = Number.isFinite(x) && Math.abs(x) < 1e5 && (Math.abs(x) >= 1e-3 || x === 0) ? sig6(Number(x.toFixed(4))) : fmt(x, 3);
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

/** A small text table: one row per trajectory (every axis but epochs), one column per epoch budget. */
export function textTable(plan: Plan, table: RunTable, maxRuns = 64): string {
  if (plan.runCount > maxRuns) return '';
  const { grid } = plan;
  const values = axisValues(plan.config);
  // lr is the lesson's row label, so it is shown even when it does not vary.
  const shown = AXES.filter((k) => k !== 'epochs' && (k === 'lr' || grid.lengths[k] > 1));
  const text = (k: AxisKey, i: number): string => {
    const v = values[k][i] as number | string;
    return typeof v === 'number' ? sig6(v) : v;
  };
  const head = [...shown.map((k) => AXIS_DEFS[k].column), ...values.epochs.map((e) => plural(e, 'epoch'))];
  const rows: string[][] = [head];
  const P = grid.lengths.epochs;
  for (let base = 0; base < plan.runCount; base += P) {
    const at = grid.decode(base);
    const row = shown.map((k) => text(k, at[k]));
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

/**
 * The timing line. A rate is only shown for sweeps with enough steps for it
 * to mean something: over a tiny sweep it would divide a few thousand steps by
 * the pool's start-up and read like a performance bug. (A count, not a time,
 * decides, so the line a sweep prints does not depend on the machine's load.)
 */
const MIN_RATE_STEPS = 1e8;

export function timingLine(name: string, t: { steps: number; computeSeconds: number; totalSeconds: number; workers: number }): string {
  const rate = t.steps >= MIN_RATE_STEPS && t.computeSeconds > 0 ? `, ${sig6(Number((t.steps / t.computeSeconds / 1e6).toPrecision(3)))} M steps/s` : '';
  return (
    `${name}: ${plural(t.steps, 'step')} in ${t.computeSeconds.toFixed(2)} s on ${plural(t.workers, 'worker')}${rate}; ` +
    `${t.totalSeconds.toFixed(2)} s in all with the output\n`
  );
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
    // A second signal while stopping means "now": the journal is already on disk, and
    // the exit hooks remove this process's temporary folders and locks.
    if (abort.signal.aborted) {
      io.err(`gdsweep: ${new InterruptedError(sig).message}\n`);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    }
    abort.abort(sig);
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  // Installed until every file is written: a signal at any point ends with 130/143 and
  // either the previous outputs or complete new ones.
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const pool = new WorkerPool(flags.workers ?? defaultWorkers());
  let failed = false;
  const summaries: unknown[] = [];
  const say = (s: string) => {
    if (!flags.quiet && !flags.json) io.out(s);
  };
  const wantIndex = flags.report && !shard;
  try {
    // Links where gdsweep would write are refused before any work is done.
    if (wantIndex) refuseLink(join(flags.out, 'index.html'));
    for (const { config, plan } of entries) {
      throwIfInterrupted(abort.signal);
      const target = outputFolder(flags.out, config.name, shard);
      const journalFile = journalPath(flags.out, config.name, shard);
      refuseLink(target);
      refuseLink(journalFile);
      // One run per output folder: the lock covers the folder, its temporary names and the journal.
      const lock = acquireLock(target);
      try {
        const journal = new Journal(journalFile, {
          format: JOURNAL_FORMAT,
          hash: plan.hash,
          version: VERSION,
          shard: shard ? shardLabel(shard) : null,
        });
        const wantReport = flags.report && !shard;
        if (!flags.force && upToDate(target, plan, shard, wantReport, flags)) {
          const doc = readResults(target, resultsLimits(flags));
          // The results are reused; the report is rebuilt from them so it is always this version's.
          if (wantReport) {
            const { renderCommand } = await import('./render.js');
            await renderCommand(target, { ...flags, quiet: true, json: false }, io, abort.signal);
          }
          // This plan's journal, left by a run stopped after its folder was in place (e.g. --force), has served.
          journal.removeIfServed();
          say(`${config.name}: results of this plan (${plan.hash}) are already in ${target}; reused them (--force recomputes)\n`);
          summaries.push({ name: config.name, out: target, runs: doc.runs.length, counts: doc.counts, reused: true });
          if (flags['fail-on'] === 'divergent' && doc.counts.divergent > 0) failed = true;
          if (flags['fail-on'] === 'slow' && doc.counts.divergent + doc.counts.slow > 0) failed = true;
          continue;
        }
        const started = process.hrtime.bigint();
        const opts: ExecutePlanOptions = { pool, quiet: flags.quiet || flags.json, signal: abort.signal, journal, grammar: grammarLimits(flags) };
        if (shard) opts.tracks = shardTracks(plan.tracks, shard);
        const { table, objective, resumedTracks, journalDamaged, journalDiscarded } = await executePlan(plan, opts);
        const computed = process.hrtime.bigint();
        if (journalDiscarded) io.err(`gdsweep: ${config.name}: journal: ${journalFile} was left by another plan, version or format (or its header is damaged); discarded, starting afresh\n`);
        if (journalDamaged > 0) io.err(`gdsweep: ${config.name}: journal: ${journalDamaged} damaged record(s) dropped, recomputing their tracks (${journalFile})\n`);
        if (resumedTracks > 0) say(`${config.name}: resumed: ${resumedTracks} of ${(opts.tracks ?? plan.tracks).length} tracks were already done\n`);
        const write: Parameters<typeof writeSweepFolder>[3] = { curvature: objective.curvature, report: wantReport ? report : null, signal: abort.signal };
        if (shard) write.shard = shard;
        await writeSweepFolder(target, plan, table, write);
        journal.remove();
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const computeSeconds = Number(computed - started) / 1e9;
        const counts = countClasses(table);
        if (flags['fail-on'] === 'divergent' && counts.divergent > 0) failed = true;
        if (flags['fail-on'] === 'slow' && counts.divergent + counts.slow > 0) failed = true;
        const runs = counts.converged + counts.slow + counts.divergent;
        summaries.push({ name: config.name, out: target, runs, tracks: plan.tracks.length, steps: plan.totalSteps, counts, ...(shard ? { shard: shardLabel(shard) } : {}) });
        say(
          `${config.name}: ${plural(runs, 'run')}${shard ? ` (shard ${shardLabel(shard)} of ${count(plan.runCount)})` : ''} ` +
            `(${count(counts.converged)} converged, ${count(counts.slow)} slow, ${count(counts.divergent)} divergent) -> ${target}\n`,
        );
        say(textTable(plan, table));
        const steps = (opts.tracks ?? plan.tracks).reduce((a, t) => a + t.cost, 0);
        if (!flags.quiet && !flags.json) io.err(timingLine(config.name, { steps, computeSeconds, totalSeconds: seconds, workers: pool.workers }));
      } finally {
        lock.release();
      }
    }
    if (wantIndex) {
      throwIfInterrupted(abort.signal);
      const { writeBatchIndex } = await import('../results/batch-index.js');
      const index = writeBatchIndex(flags.out, resultsLimits(flags));
      if (entries.length > 1) say(`index: ${index}\n`);
    }
    // A signal that came while the last files were written: they are complete, but the run was asked to stop.
    throwIfInterrupted(abort.signal);
  } finally {
    await pool.destroy();
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
  if (flags.json) io.out(JSON.stringify({ sweeps: summaries }, null, 2) + '\n');
  return failed ? 1 : 0;
}
