import { OPTIMIZER_NAMES } from '../../src/registry/optimizers.js';
import { SCHEDULE_NAMES } from '../../src/registry/schedules.js';

/** An expected message with {schedules} and {optimizers} standing for the registries' names, as the schema lists them. */
export function withRegistryNames(message: string): string {
  return message.replaceAll('{schedules}', SCHEDULE_NAMES.join(', ')).replaceAll('{optimizers}', OPTIMIZER_NAMES.join(', '));
}
