/**
 * The sweep file's schema: strict objects everywhere, so a misspelt key is
 * an error, never a silent default. The JSON Schema that editors use
 * (`gdsweep schema`, sweeps/sweep.schema.json) is generated from it.
 */
// A namespace import: the bundle (scripts/build.mjs) then keeps only the parts of zod used
// here, 0.2 MB of its 0.7 MB (`import { z }` brings every locale along), which validate compiles.
import * as z from 'zod';
import { OPTIMIZERS, OPTIMIZER_NAMES } from '../registry/optimizers.js';
import type { ParamDefs, RegistryEntry } from '../registry/params.js';
import { SCHEDULES, SCHEDULE_NAMES } from '../registry/schedules.js';

const finite = z.number({ error: 'must be a finite number' });
const count = z.int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' });

const linspace = z.strictObject({
  linspace: z.strictObject({ from: finite, to: finite, num: count }),
});
const geomspace = z.strictObject({
  geomspace: z.strictObject({ from: finite, to: finite, num: count }),
});
const range = z.strictObject({
  range: z.strictObject({ from: finite, to: finite, step: finite }),
});
const random = z.strictObject({
  random: z.strictObject({ count, seed: z.int({ error: 'must be a whole number' }) }),
});

function numberAxis(what: string) {
  return z.union(
    [
      finite,
      z.array(finite, { error: `must be a list of ${what}` }).min(1, { error: 'must not be empty' }),
      linspace,
      geomspace,
      range,
    ],
    { error: `expected a number, a list of ${what}, or one of {linspace|geomspace|range: {...}}` },
  );
}

/**
 * A registry entry's parameters as a sweep file gives them: `{beta: 0.5}`;
 * a list sweeps a parameter, one axis value per element (`{beta: [0.5, 0.9]}`).
 */
function paramsSchema(defs: ParamDefs) {
  const shape: Record<string, z.ZodType<number | number[] | undefined, number | number[] | undefined>> = {};
  for (const [k, d] of Object.entries(defs)) {
    shape[k] = z
      .union([d.schema, z.array(d.schema).min(1, { error: 'must not be empty' })], {
        // A number of the wrong kind (2.5 for a whole number) gets the parameter's own message.
        error: (issue) => (typeof issue.input === 'number' ? d.schema.safeParse(issue.input).error?.issues[0]?.message : undefined) ?? 'must be a number or a list of numbers',
      })
      .describe(`${d.doc}; default ${d.default}. A list gives one value of the axis per element.`)
      .optional();
  }
  return z.strictObject(shape);
}

/**
 * One value of a registry axis (schedule, optimizer): a name, or, for an
 * entry with parameters, `{name: {parameters}}`; all from the registry.
 */
function entrySchema(what: string, names: readonly string[], registry: Readonly<Record<string, RegistryEntry & { formula: string }>>) {
  const entry = (n: string) => registry[n] as RegistryEntry & { formula: string };
  // For editors: each name with what it does.
  const doc = names.map((n) => `\n- ${n}: ${entry(n).formula} (${entry(n).doc})`).join('');
  // One message whether or not any entry has parameters yet, so that a new entry changes no message but the list of names.
  const list = `${names.join(', ')}, or {name: {parameters}}`;
  const error = `expected ${what}: ${list}`;
  const name = z.enum(names as [string, ...string[]], { error });
  const withParams = names.filter((n) => Object.keys(entry(n).params).length > 0);
  const mappings = withParams.map((n) => z.strictObject({ [n]: paramsSchema(entry(n).params) }));
  return { entry: mappings.length ? z.union([name, ...mappings], { error }) : name, list, doc };
}

const schedule = entrySchema('a schedule', SCHEDULE_NAMES, SCHEDULES);
const optimizer = entrySchema('an optimizer', OPTIMIZER_NAMES, OPTIMIZERS);

const objective = z.union(
  [
    z.strictObject({
      expr: z.string({ error: 'must be an expression in x (a string)' }).min(1, { error: 'must not be empty' }),
      derivative: z.string({ error: 'must be an expression in x (a string)' }).min(1, { error: 'must not be empty' }).optional(),
      domain: z.tuple([finite, finite], { error: 'must be [from, to]' }).optional(),
    }),
    z.strictObject({
      builtin: z.string({ error: 'must be the name of a builtin objective (see gdsweep objectives)' }),
      domain: z.tuple([finite, finite], { error: 'must be [from, to]' }).optional(),
    }),
  ],
  { error: 'expected {expr: ..., derivative?: ..., domain?: [a, b]} or {builtin: name, domain?: [a, b]}' },
);

const trajectory = z.strictObject({
  learning_rate: finite.optional(),
  epochs: finite.optional(),
  start: finite.optional(),
  schedule: z
    .string({ error: 'must be a schedule label such as constant or linear-decay' })
    .describe('A schedule as results files name it: constant, or name(parameter=value,...) for parameters other than the defaults.')
    .optional(),
  optimizer: z
    .string({ error: 'must be an optimizer label such as gd or momentum' })
    .describe('An optimizer as results files name it: gd, or name(parameter=value,...) for parameters other than the defaults, such as momentum(beta=0.5).')
    .optional(),
});

export const sweepSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z
    .string({ error: 'must be a string' })
    .max(64, { error: 'must be at most 64 characters' })
    .regex(/^[a-z0-9][a-z0-9_-]*$/, { error: 'must match [a-z0-9][a-z0-9_-]* (it names the output folder)' }),
  title: z.string({ error: 'must be a string' }).max(200, { error: 'must be at most 200 characters' }).optional(),
  objective,
  starts: z.union([numberAxis('starts'), random], { error: 'expected a number, a list of starts, or one of {linspace|geomspace|range|random: {...}}' }),
  learning_rate: numberAxis('learning rates'),
  epochs: numberAxis('epoch counts'),
  schedule: z
    .union([schedule.entry, z.array(schedule.entry).min(1, { error: 'must not be empty' })], {
      error: `expected a schedule (${schedule.list}) or a list of them`,
    })
    .describe(`The step size s_t of step t = 0 .. E-1 (a name, {name: {parameters}}, or a list of them):${schedule.doc}`)
    .optional(),
  optimizer: z
    .union([optimizer.entry, z.array(optimizer.entry).min(1, { error: 'must not be empty' })], {
      error: `expected an optimizer (${optimizer.list}) or a list of them`,
    })
    .describe(`The update, with g = f'(x_t) (a name, {name: {parameters}}, or a list of them):${optimizer.doc}`)
    .optional(),
  classify: z
    .strictObject({
      tolerance: z.number({ error: 'must be a positive number' }).positive({ error: 'must be a positive number' }).optional(),
      bound: z.number({ error: 'must be a positive number' }).positive({ error: 'must be a positive number' }).optional(),
    })
    .optional(),
  report: z
    .strictObject({
      trajectories: z.array(trajectory, { error: 'must be a list of run selectors' }).optional(),
    })
    .optional(),
});

export type SweepFile = z.infer<typeof sweepSchema>;
export type AxisInput = z.infer<ReturnType<typeof numberAxis>>;

/** The JSON Schema (draft-07) for editors. */
export function sweepJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(sweepSchema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    title: 'gdsweep sweep file',
    description: 'A gradient-descent hyperparameter sweep on a one-dimensional function.',
  };
}
