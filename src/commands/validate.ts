import { loadSweep } from '../config/load.js';
import { buildPlan } from '../plan/plan.js';
import { loadLimits, planLimits, type Io, type LimitFlags } from './common.js';
import { SweepConfigError, UserError } from '../errors.js';
import { plural } from '../format/numbers.js';

/** Check every file; report each bad one; exit 2 if any is bad. */
export function validateCommand(files: string[], flags: Partial<LimitFlags> & { quiet?: boolean; json?: boolean }, io: Io): number {
  let bad = 0;
  const report: Record<string, unknown>[] = [];
  for (const file of files) {
    try {
      const config = loadSweep(file, loadLimits(flags));
      const plan = buildPlan(config, planLimits(flags));
      report.push({ file, ok: true, runs: plan.runCount, tracks: plan.tracks.length, steps: plan.totalSteps });
      if (!flags.quiet && !flags.json) io.out(`${file}: ok (${plural(plan.runCount, 'run')}, ${plural(plan.tracks.length, 'track')}, ${plural(plan.totalSteps, 'step')})\n`);
    } catch (err) {
      if (err instanceof SweepConfigError || err instanceof UserError) {
        const where = err instanceof SweepConfigError ? { line: err.line, column: err.column, message: err.detail } : { line: null, column: null, message: err.message.startsWith(`${file}: `) ? err.message.slice(file.length + 2) : err.message };
        report.push({ file, ok: false, error: { file, ...where } });
        io.err(`${err.message}\n`);
        bad++;
      } else throw err;
    }
  }
  if (flags.json) io.out(JSON.stringify({ ok: bad === 0, files: report }, null, 2) + '\n');
  return bad > 0 ? 2 : 0;
}
