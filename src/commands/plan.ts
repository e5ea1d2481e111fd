import { optimizerLabel } from '../config/types.js';
import { count } from '../format/numbers.js';
import { prettyExpression } from '../objective/pretty.js';
import { loadAndPlan, type Io, type LimitFlags } from './common.js';

/** Dry run: what would be executed, nothing executed. */
export function planCommand(file: string, flags: Partial<LimitFlags> & { json?: boolean }, io: Io): number {
  const [entry] = loadAndPlan([file], flags);
  if (!entry) return 2;
  const { config, plan } = entry;
  const shared = plan.tracks.filter((t) => t.epochIdx.length > 1).length;
  if (flags.json) {
    io.out(
      JSON.stringify(
        {
          name: config.name,
          hash: plan.hash,
          runs: plan.runCount,
          tracks: plan.tracks.length,
          steps: plan.totalSteps,
          axes: {
            start: config.starts.length,
            schedule: config.schedules,
            optimizer: config.optimizers.map(optimizerLabel),
            learning_rate: config.learningRates.length,
            epochs: config.epochs,
          },
        },
        null,
        2,
      ) + '\n',
    );
    return 0;
  }
  const naive = plan.runCount > 0 ? config.epochs.reduce((a, b) => a + b, 0) * (plan.runCount / config.epochs.length) : 0;
  io.out(
    [
      `sweep     ${config.name} (${config.title})`,
      `objective f(x) = ${prettyExpression(config.objective.expr)}`,
      `          f'(x) = ${prettyExpression(config.objective.derivative)}`,
      `axes      start ${config.starts.length} x schedule ${config.schedules.length} x optimizer ${config.optimizers.length} x learning_rate ${config.learningRates.length} x epochs ${config.epochs.length}`,
      `runs      ${count(plan.runCount)}`,
      `tracks    ${count(plan.tracks.length)} (${count(shared)} shared across epoch values)`,
      `steps     ${count(plan.totalSteps)} (one trajectory per run would take ${count(naive)})`,
      `hash      ${plan.hash}`,
      '',
    ].join('\n'),
  );
  return 0;
}
