/**
 * The sweep file's schema: strict objects everywhere, so a misspelt key is
 * an error, never a silent default. The JSON Schema that editors use
 * (`gdsweep schema`, sweeps/sweep.schema.json) is generated from it.
 */
// A namespace import: the bundle (scripts/build.mjs) then keeps only the parts of zod used
// here, 0.2 MB of its 0.7 MB (`import { z }` brings every locale along), which validate compiles.
import * as z from 'zod';
import { SCHEDULES } from './types.js';

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

const scheduleName = z.enum(SCHEDULES, { error: `must be one of ${SCHEDULES.join(', ')}` });

const beta = z.number({ error: 'must be a number' }).min(0, { error: 'must be in [0, 1)' }).lt(1, { error: 'must be in [0, 1)' });
const optimizerName = z.enum(['gd', 'momentum', 'nesterov', 'adam'], { error: 'must be one of gd, momentum, nesterov, adam' });
const optimizer = z.union(
  [
    optimizerName,
    z.strictObject({ momentum: z.strictObject({ beta: beta.optional() }) }),
    z.strictObject({ nesterov: z.strictObject({ beta: beta.optional() }) }),
    z.strictObject({
      adam: z.strictObject({
        beta1: beta.optional(),
        beta2: beta.optional(),
        eps: z.number({ error: 'must be a number' }).positive({ error: 'must be a positive number' }).optional(),
      }),
    }),
  ],
  { error: 'expected an optimizer: gd, momentum, nesterov, adam, or {name: {parameters}}' },
);

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
  schedule: scheduleName.optional(),
  optimizer: z.string({ error: 'must be an optimizer label such as gd or momentum' }).optional(),
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
    .union([scheduleName, z.array(scheduleName).min(1, { error: 'must not be empty' })], {
      error: `expected a schedule (${SCHEDULES.join(', ')}) or a list of them`,
    })
    .optional(),
  optimizer: z
    .union([optimizer, z.array(optimizer).min(1, { error: 'must not be empty' })], {
      error: 'expected an optimizer (gd, momentum, nesterov, adam, or {name: {parameters}}) or a list of them',
    })
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
