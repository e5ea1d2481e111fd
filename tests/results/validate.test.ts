/** The results validator: what it refuses and how it words it; its fast row check agrees with the schema. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { isRunRecord, runSchema, validateResults } from '../../src/results/validate.js';
import { SEED, withSeed } from '../helpers/property.js';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TEXT = readFileSync(join(import.meta.dirname, '../report/fixtures/seed-results.json'), 'utf8');
const fresh = (): Doc => JSON.parse(TEXT) as Doc;

function refusal(edit: (d: Doc) => void, limits?: Parameters<typeof validateResults>[2]): string {
  const d = fresh();
  edit(d);
  try {
    validateResults(d, 'r.json', limits);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  return 'accepted';
}

describe('validateResults', () => {
  it('accepts the results run writes', () => {
    expect(refusal(() => undefined)).toBe('accepted');
  });

  const cases: [string, (d: Doc) => void, string][] = [
    ['a run that is null', (d) => (d.runs = [null]), 'r.json: runs[0]: must be a mapping, got null'],
    ['a missing top-level key', (d) => delete d.sweep, 'r.json: sweep: required key is missing'],
    ['an unknown top-level key', (d) => (d.extra = 1), 'r.json: (top level): unknown key "extra"'],
    ['an unknown class', (d) => (d.runs[4].class = 'stuck'), 'r.json: runs[4].class: must be one of "converged", "slow", "divergent", got the string "stuck"'],
    ['a string for a number', (d) => (d.runs[0].lr = '1'), 'r.json: runs[0].lr: must be a finite number, got the string "1"'],
    ['a reason of another class', (d) => (d.runs[4].reason = 'blew-up'), "r.json: runs[4].reason: 'blew-up' is not a reason of class 'slow'"],
    ['a duplicated row', (d) => (d.runs[1] = { ...d.runs[0] }), 'r.json: runs[1]: run id 0 is given twice'],
    ['a missing row', (d) => d.runs.pop(), 'r.json: runs: 1 of the grid\'s 8 runs are missing (first: run id 7)'],
    ['ids swapped between rows', (d) => ([d.runs[0].id, d.runs[1].id] = [1, 0]), 'r.json: runs[0].epochs: is 100, but run id 1 has epochs 1000 in the grid'],
    ['an id outside the grid', (d) => (d.runs[7].id = 8), 'r.json: runs[7].id: run id 8 is not in the grid of 8 runs'],
    ['counts that are not the runs\'', (d) => (d.counts.slow = 4), 'r.json: counts.slow: is 4, but 3 runs are slow'],
    ['convergedAt on a slow run', (d) => (d.runs[4].convergedAt = 50), 'r.json: runs[4].convergedAt: must be set exactly when the run converged, got 50 for a slow run'],
    ['a converged run outside the tolerance', (d) => (d.runs[2].grad = 0.5), 'r.json: runs[2].grad: 0.5 is not within the tolerance 0.001, but the run converged'],
    ['an edited sweep section', (d) => (d.sweep.classify.tolerance = 0.01), 'r.json: plan.hash: d4c148ec3b60689d is not the hash of the sweep section'],
    ['a path as the name', (d) => (d.sweep.name = '../x'), 'r.json: sweep.name: must match /^[a-z0-9][a-z0-9_-]*$/, got the string "../x"'],
    ['an unknown optimizer', (d) => (d.sweep.axes.optimizer = ['sgd']), "r.json: sweep.axes.optimizer[0]: 'sgd' is not an optimizer label"],
    ['a shard of a billion', (d) => (d.plan.shard = { index: 1, count: 1e9 }), 'r.json: plan.shard.count: must be at most 65536, got the number 1000000000'],
    ['a grid beyond --max-runs, before its size is allocated', (d) => (d.sweep.axes.learning_rate = Array.from({ length: 6e6 }, (_, i) => i + 1)), 'r.json: the plan has 1.20e7 runs, more than the limit of 1.00e7 (raise it with --max-runs)'],
  ];
  for (const [what, edit, msg] of cases) {
    it(`refuses ${what}`, () => {
      expect(refusal(edit)).toContain(msg);
    });
  }

  it('checks the objective and the grid under the limits it is given', () => {
    expect(refusal(() => undefined, { grammar: { maxLength: 5, maxDepth: 64 }, plan: { maxRuns: 1e7, maxSteps: 1e10 } })).toMatch(
      /^r\.json: sweep\.objective\.expr: expression is 15 characters long, more than 5 \(raise it with --max-expr-length\)$/,
    );
    expect(refusal(() => undefined, { grammar: { maxLength: 2000, maxDepth: 64 }, plan: { maxRuns: 4, maxSteps: 1e10 } })).toBe(
      'r.json: the plan has 8 runs, more than the limit of 4 (raise it with --max-runs)',
    );
  });

  it('the fast row check and the row schema give the same verdict', async () => {
    const valid = fresh().runs[4] as Doc;
    const keys = Object.keys(valid);
    const value = fc.oneof(
      fc.constant(null),
      fc.constant(undefined),
      fc.boolean(),
      fc.string({ maxLength: 4 }),
      fc.constantFrom('constant', 'gd', 'slow', 'still-descending', 'converged', 'within-tolerance', 'linear-decay'),
      fc.double(),
      fc.integer(),
      fc.constantFrom(0, -0, -1, 1.5, 5e-324, 2 ** 31 - 1, 2 ** 31, Number.MAX_SAFE_INTEGER, 2 ** 53, Infinity, NaN),
      fc.constant([]),
      fc.constant({}),
    );
    await withSeed(() =>
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.constantFrom(...keys, 'extra', '__proto__'), value, fc.boolean()), { maxLength: 3 }), (edits) => {
          const row: Doc = { ...valid };
          for (const [k, v, del] of edits) {
            if (del) delete row[k];
            else Object.defineProperty(row, k, { value: v, enumerable: true, writable: true, configurable: true });
          }
          expect(isRunRecord(row), JSON.stringify(edits)).toBe(runSchema.safeParse(row).success);
        }),
        { seed: SEED, numRuns: 2000 },
      ),
    );
    expect(isRunRecord(null)).toBe(false);
    expect(isRunRecord([])).toBe(false);
    expect(isRunRecord(valid)).toBe(true);
  });
});
