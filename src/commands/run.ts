import { join } from 'node:path';
import { UserError } from '../errors.js';
import { executePlan } from '../execute.js';
import type { Plan } from '../plan/plan.js';
import { runParams } from '../plan/plan.js';
import { writeSweepFolder, type ReportWriter } from '../results/output.js';
import { className, countClasses, reasonName, type RunTable } from '../results/table.js';
import { formatCount, loadAndPlan, type Io, type LimitFlags } from './common.js';

export interface RunFlags extends Partial<LimitFlags> {
  out: string;
  workers?: number;
  report: boolean;
  quiet: boolean;
  json: boolean;
  'fail-on'?: 'divergent' | 'slow' | 'none';
}

/** A small text table of lr x epochs, one block per start/schedule/optimizer. */
export function textTable(plan: Plan, table: RunTable, maxRuns = 64): string {
  if (plan.runCount > maxRuns) return '';
  const [S, K, O, L, P] = plan.dims;
  const c = plan.config;
  const lines: string[] = [];
  for (let s = 0; s < S; s++)
    for (let k = 0; k < K; k++)
      for (let o = 0; o < O; o++) {
        const first = runParams(plan, (((s * K + k) * O + o) * L) * P);
        lines.push(`  start ${first.start}, ${first.schedule}, ${first.optimizer}`);
        const head = ['lr'.padEnd(10), ...c.epochs.map((e) => `${e} epochs`.padEnd(28))].join(' ');
        lines.push(`    ${head}`);
        for (let l = 0; l < L; l++) {
          const cells: string[] = [String(c.learningRates[l]).padEnd(10)];
          for (let p = 0; p < P; p++) {
            const id = (((s * K + k) * O + o) * L + l) * P + p;
            const x = table.x[id] as number;
            const xs = Number.isFinite(x) ? (Math.abs(x) >= 1e5 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(2) : x.toFixed(4)) : String(x);
            cells.push(`${className(table.klass[id] as number)}/${reasonName(table.reason[id] as number)} x=${xs}`.padEnd(28));
          }
          lines.push(`    ${cells.join(' ')}`.trimEnd());
        }
      }
  return lines.join('\n') + '\n';
}

export async function runCommand(files: string[], flags: RunFlags, io: Io, report: ReportWriter | null): Promise<number> {
  const entries = loadAndPlan(files, flags);
  const names = new Map<string, string>();
  for (const { config } of entries) {
    const prev = names.get(config.name);
    if (prev) throw new UserError(`${config.file}: name '${config.name}' is also used by ${prev}; each sweep needs its own output folder`);
    names.set(config.name, config.file);
  }
  const abort = new AbortController();
  const onSignal = (sig: 'SIGINT' | 'SIGTERM') => () => abort.abort(sig);
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  let failed = false;
  const summaries: unknown[] = [];
  try {
    for (const { config, plan } of entries) {
      const started = process.hrtime.bigint();
      const opts: Parameters<typeof executePlan>[1] = { quiet: flags.quiet || flags.json, signal: abort.signal };
      if (flags.workers !== undefined) opts.workers = flags.workers;
      const { table, objective } = await executePlan(plan, opts);
      const target = join(flags.out, config.name);
      await writeSweepFolder(target, plan, table, { curvature: objective.curvature, report: flags.report ? report : null });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const counts = countClasses(table);
      if (flags['fail-on'] === 'divergent' && counts.divergent > 0) failed = true;
      if (flags['fail-on'] === 'slow' && counts.divergent + counts.slow > 0) failed = true;
      summaries.push({ name: config.name, out: target, runs: plan.runCount, tracks: plan.tracks.length, steps: plan.totalSteps, counts });
      if (!flags.quiet && !flags.json) {
        io.out(
          `${config.name}: ${formatCount(plan.runCount)} runs (${counts.converged} converged, ${counts.slow} slow, ${counts.divergent} divergent), ` +
            `${formatCount(plan.totalSteps)} steps -> ${target}\n`,
        );
        io.out(textTable(plan, table));
        io.err(`${config.name}: ${seconds.toFixed(2)} s, ${((plan.totalSteps / Math.max(seconds, 1e-9)) / 1e6).toFixed(1)} M steps/s\n`);
      }
    }
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
  if (flags.json) io.out(JSON.stringify({ sweeps: summaries }, null, 2) + '\n');
  return failed ? 1 : 0;
}
