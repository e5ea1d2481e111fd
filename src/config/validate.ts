/**
 * The schema step: the data read from YAML checked against the strict
 * schema (schema.ts), refused with the first issue's located message
 * (messages.ts). What comes out is typed; nothing is normalised yet.
 */
import { describe, defaultMessage, schemaError } from './messages.js';
import { sweepSchema, type SweepFile } from './schema.js';
import type { YamlSource } from './yaml-position.js';

export function validateSweepFile(source: YamlSource, data: unknown): SweepFile {
  if (data === null || data === undefined) {
    throw source.error([], 'the file is empty: expected a mapping with name, objective, starts, learning_rate and epochs');
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw source.error([], `expected a mapping with name, objective, starts, learning_rate and epochs, got ${describe(data)}`);
  }
  const objective = (data as Record<string, unknown>).objective;
  if (objective && typeof objective === 'object' && !Array.isArray(objective) && 'builtin' in objective) {
    // The two kinds of objective, mixed: say so rather than "expected one or the other".
    for (const key of ['expr', 'derivative']) {
      if (key in objective) {
        throw source.error(['objective', key], `objective.${key}: not allowed with objective.builtin (a builtin brings its own expression and derivative)`, { key: true });
      }
    }
  }
  const parsed = sweepSchema.safeParse(data, { reportInput: true, error: defaultMessage });
  if (!parsed.success) throw schemaError(source, data, parsed.error.issues);
  return parsed.data;
}
