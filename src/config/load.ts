/**
 * Load a sweep file in four steps: read (YAML with positions,
 * yaml-source.ts), schema (strict zod, located messages: validate.ts,
 * messages.ts), normalise (the objective resolved, the axes expanded:
 * normalise-*.ts), and rules (what a schema cannot say: rules.ts), each list
 * of rules run as soon as what it reads is normalised. Returns a SweepConfig
 * or throws one SweepConfigError.
 */
import { SweepConfigError } from '../errors.js';
import { DEFAULT_GRAMMAR_LIMITS } from '../objective/grammar.js';
import { DEFAULT_OPTIMIZER, OPTIMIZERS } from '../registry/optimizers.js';
import { DEFAULT_SCHEDULE, SCHEDULES } from '../registry/schedules.js';
import type { LoadLimits } from './limits.js';
import { expandAxis, expandEpochs, expandStarts } from './normalise-axes.js';
import { expandEntries } from './normalise-entries.js';
import { resolveObjective, settleDerivative } from './normalise-objective.js';
import { EPOCH_RULES, EXPANDED_RULES, LEARNING_RATE_RULES, RESOLVED_RULES, runRules, STARTS_RULES, type Resolved } from './rules.js';
import type { Optimizer, Schedule, SweepConfig } from './types.js';
import { validateSweepFile } from './validate.js';
import { DEFAULT_READ_LIMITS, readYamlSource, type YamlSource } from './yaml-source.js';

export type { LoadLimits } from './limits.js';
export { MAX_TRAJECTORY_SELECTORS } from './rules.js';

export const DEFAULT_LOAD_LIMITS: LoadLimits = { ...DEFAULT_READ_LIMITS, ...DEFAULT_GRAMMAR_LIMITS, maxAxisValues: 10_000_000 };

/**
 * Parse and check a sweep from YAML text already read. Each part is
 * normalised, then the rules that read it run, part after part: of several
 * problems a file gets the first in this order.
 */
export function buildConfig(source: YamlSource, data: unknown, limits: LoadLimits = DEFAULT_LOAD_LIMITS): SweepConfig {
  const file = validateSweepFile(source, data);
  const resolved: Resolved = { file, limits, objective: resolveObjective(source, file.objective, limits) };
  runRules(RESOLVED_RULES, resolved, source);
  const withStarts = { ...resolved, starts: expandStarts(source, file.starts, resolved.objective.domain, limits) };
  runRules(STARTS_RULES, withStarts, source);
  const derivative = settleDerivative(source, resolved.objective, withStarts.starts, limits);
  const withRates = { ...withStarts, learningRates: expandAxis(source, ['learning_rate'], file.learning_rate, limits) };
  runRules(LEARNING_RATE_RULES, withRates, source);
  const withEpochs = { ...withRates, epochs: expandEpochs(source, file.epochs, limits) };
  runRules(EPOCH_RULES, withEpochs, source);

  // Schedules are carried as their labels, optimizers as specs (with the same labels in results files).
  const schedules = expandEntries(source, ['schedule'], file.schedule, DEFAULT_SCHEDULE, SCHEDULES).labels as Schedule[];
  const optimizerAxis = expandEntries(source, ['optimizer'], file.optimizer, DEFAULT_OPTIMIZER, OPTIMIZERS);
  const { builtin, expr, domain } = resolved.objective;
  const config: SweepConfig = {
    file: source.file,
    name: file.name,
    title: file.title ?? file.name,
    objective: { builtin, expr, derivative, domain },
    starts: withStarts.starts,
    learningRates: withRates.learningRates.values,
    epochs: withEpochs.epochs.rounded,
    schedules,
    optimizers: optimizerAxis.entries.map((e) => ({ ...e.values, kind: e.name }) as Optimizer),
    tolerance: file.classify?.tolerance ?? 1e-3,
    bound: file.classify?.bound ?? 1e6,
    trajectories: file.report?.trajectories ?? [],
  };
  runRules(EXPANDED_RULES, { ...withEpochs, config, optimizerLabels: optimizerAxis.labels }, source);
  return config;
}

export function loadSweep(path: string, limits: LoadLimits = DEFAULT_LOAD_LIMITS): SweepConfig {
  const { source, data } = readYamlSource(path, limits);
  return buildConfig(source, data, limits);
}

export { SweepConfigError };
