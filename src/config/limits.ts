/**
 * What the loader's limits are (their defaults are in load.ts), and the
 * refusals of a plan over --max-runs or --max-steps. The loader gives the
 * first before it expands the axes, the planner both after: one wording.
 */
import { UserError } from '../errors.js';
import type { GrammarLimits } from '../objective/grammar.js';
import type { ReadLimits } from './yaml-source.js';

export interface LoadLimits extends ReadLimits, GrammarLimits {
  /** Largest number of values one axis may expand to, and of runs in the grid (both --max-runs). */
  maxAxisValues: number;
}

/** A count as these messages write it: 4000, 2.50e7. */
function limitCount(n: number): string {
  return n >= 1e6 ? n.toExponential(2).replace('e+', 'e') : String(n);
}

export function tooManyRunsText(runs: number, maxRuns: number): string {
  return `the plan has ${limitCount(runs)} runs, more than the limit of ${limitCount(maxRuns)} (raise it with --max-runs)`;
}

export function tooManyRuns(file: string, runs: number, maxRuns: number): UserError {
  return new UserError(`${file}: ${tooManyRunsText(runs, maxRuns)}`);
}

export function tooManySteps(file: string, steps: number, maxSteps: number): UserError {
  return new UserError(`${file}: the plan needs ${limitCount(steps)} steps, more than the limit of ${limitCount(maxSteps)} (raise it with --max-steps)`);
}
