/** What commands share: output streams, limits from flags, loading many files. */
import { loadSweep, DEFAULT_LOAD_LIMITS, type LoadLimits } from '../config/load.js';
import type { SweepConfig } from '../config/types.js';
import { buildPlan, DEFAULT_PLAN_LIMITS, type Plan, type PlanLimits } from '../plan/plan.js';
import { DEFAULT_GRAMMAR_LIMITS, type GrammarLimits } from '../objective/grammar.js';
import type { ResultsLimits } from '../results/validate.js';

export type { Io } from '../io.js';

export interface LimitFlags {
  'max-steps': number;
  'max-runs': number;
  'max-file-size': number;
  'max-expr-length': number;
  'max-expr-depth': number;
}

export function loadLimits(f: Partial<LimitFlags>): LoadLimits {
  return {
    ...DEFAULT_LOAD_LIMITS,
    maxFileBytes: f['max-file-size'] ?? DEFAULT_LOAD_LIMITS.maxFileBytes,
    maxLength: f['max-expr-length'] ?? DEFAULT_LOAD_LIMITS.maxLength,
    maxDepth: f['max-expr-depth'] ?? DEFAULT_LOAD_LIMITS.maxDepth,
    maxAxisValues: f['max-runs'] ?? DEFAULT_LOAD_LIMITS.maxAxisValues,
  };
}

/** The expression limits of the command line, for every place that parses an expression again (workers, merge, render). */
export function grammarLimits(f: Partial<LimitFlags>): GrammarLimits {
  return {
    maxLength: f['max-expr-length'] ?? DEFAULT_GRAMMAR_LIMITS.maxLength,
    maxDepth: f['max-expr-depth'] ?? DEFAULT_GRAMMAR_LIMITS.maxDepth,
  };
}

/** The limits under which results files are read back (render, merge, compare, a reused run). */
export function resultsLimits(f: Partial<LimitFlags>): ResultsLimits {
  return { grammar: grammarLimits(f), plan: planLimits(f) };
}

export function planLimits(f: Partial<LimitFlags>): PlanLimits {
  return {
    maxSteps: f['max-steps'] ?? DEFAULT_PLAN_LIMITS.maxSteps,
    maxRuns: f['max-runs'] ?? DEFAULT_PLAN_LIMITS.maxRuns,
  };
}

/** Load and plan every file before anything runs: one bad file stops all, with nothing written. */
export function loadAndPlan(files: string[], flags: Partial<LimitFlags>): { config: SweepConfig; plan: Plan }[] {
  const out: { config: SweepConfig; plan: Plan }[] = [];
  for (const file of files) {
    const config = loadSweep(file, loadLimits(flags));
    out.push({ config, plan: buildPlan(config, planLimits(flags)) });
  }
  return out;
}
