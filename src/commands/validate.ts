import { loadSweep } from '../config/load.js';
import { buildPlan } from '../plan/plan.js';
import { loadLimits, planLimits, type Io, type LimitFlags } from './common.js';
import { SweepConfigError, UserError } from '../errors.js';
import { plural } from '../format/numbers.js';

/** Check every file; report each bad one; exit 2 if any is bad. */
export function validateCommand(files: string[], flags: Partial<LimitFlags> & { quiet?: boolean }, io: Io): number {
  let bad = 0;
  for (const file of files) {
    try {
      const config = loadSweep(file, loadLimits(flags));
      const plan = buildPlan(config, planLimits(flags));
      if (!flags.quiet) io.out(`${file}: ok (${plural(plan.runCount, 'run')}, ${plural(plan.tracks.length, 'track')}, ${plural(plan.totalSteps, 'step')})\n`);
    } catch (err) {
      if (err instanceof SweepConfigError || err instanceof UserError) {
        io.err(`${err.message}\n`);
        bad++;
      } else throw err;
    }
  }
  return bad > 0 ? 2 : 0;
}
