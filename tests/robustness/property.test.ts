/**
 * Property tests: random sweep files always load, plan and run; the plan is
 * exactly the product of the axes; random text as YAML or as an expression
 * gets a SweepConfigError (one located message), never another exception;
 * and any sharding merges back into the whole.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadSweep } from '../../src/config/load.js';
import { SweepConfigError } from '../../src/errors.js';
import { buildPlan, runParams } from '../../src/plan/plan.js';
import { OPTIMIZER_NAMES } from '../../src/registry/optimizers.js';
import { SCHEDULE_NAMES } from '../../src/registry/schedules.js';
import { shardTracks } from '../../src/plan/shard.js';
import { SEED, withSeed } from '../helpers/property.js';
import { executeBatch } from '../../src/engine/descend.js';
import { batchSpec } from '../../src/pool/pool.js';
import { compileObjective } from '../../src/objective/objective.js';
import { absorb, createTable, type RunTable } from '../../src/results/table.js';
import { resultsCsvChunks, resultsJsonChunks, describeSweep, planStamp } from '../../src/results/format.js';

const dir = mkdtempSync(join(tmpdir(), 'gdsweep-prop-'));
let counter = 0;
function writeSweep(doc: unknown): string {
  const file = join(dir, `s${counter++}.yaml`);
  writeFileSync(file, typeof doc === 'string' ? doc : stringify(doc));
  return file;
}

const LOCATED = /^.+\.yaml:\d+:\d+: .+$/;

// Now and then a subnormal: the charts must draw those too.
const finite = fc.oneof(
  { arbitrary: fc.double({ min: -5, max: 5, noNaN: true, noDefaultInfinity: true }), weight: 9 },
  { arbitrary: fc.constantFrom(5e-324, -1.5e-323, 5e-323, 1e-310), weight: 1 },
);
const positive = fc.oneof(
  { arbitrary: fc.double({ min: 1e-6, max: 0.5, noNaN: true, noDefaultInfinity: true }), weight: 9 },
  { arbitrary: fc.constantFrom(5e-324, 1e-310, 1e-300), weight: 1 },
);
const axisOf = (values: fc.Arbitrary<number>) =>
  fc.oneof(
    fc.array(values, { minLength: 1, maxLength: 4 }),
    values,
  );
const sweepArb = fc.record({
  name: fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,10}$/),
  objective: fc.oneof(
    fc.constant({ builtin: 'seed-quadratic' }),
    fc.constant({ builtin: 'sin-gauss' }),
    fc.constant({ builtin: 'cos-bowl' }),
    fc.constant({ expr: 'x^2 + sin(3*x)' }),
  ),
  starts: fc.oneof(axisOf(finite), fc.record({ linspace: fc.record({ from: finite, to: finite, num: fc.integer({ min: 1, max: 5 }) }) })),
  learning_rate: fc.oneof(axisOf(positive), fc.record({ geomspace: fc.record({ from: positive, to: positive, num: fc.integer({ min: 1, max: 5 }) }) })),
  epochs: fc.oneof(axisOf(fc.integer({ min: 0, max: 300 })), fc.record({ range: fc.record({ from: fc.constant(0), to: fc.integer({ min: 1, max: 300 }), step: fc.integer({ min: 1, max: 100 }) }) })),
  schedule: fc.subarray([...SCHEDULE_NAMES], { minLength: 1 }),
  optimizer: fc.subarray([...OPTIMIZER_NAMES], { minLength: 1 }),
});

function runAll(file: string, shards?: number): { table: RunTable; json: string; csv: string } {
  const config = loadSweep(file);
  const plan = buildPlan(config);
  const objective = compileObjective(config.objective);
  const table = createTable(plan.runCount);
  const groups = shards ? Array.from({ length: shards }, (_, i) => shardTracks(plan.tracks, { index: i + 1, count: shards })) : [plan.tracks];
  for (const tracks of groups) if (tracks.length) absorb(table, executeBatch(batchSpec(plan, objective, tracks)));
  const sweep = describeSweep(plan, objective.curvature);
  return { table, json: [...resultsJsonChunks(plan, table, sweep, planStamp(plan))].join(''), csv: [...resultsCsvChunks(plan, table)].join('') };
}

describe('properties', () => {
  it('random valid sweeps load, plan (the product of the axes) and run every run', () => {
    return withSeed(() =>
      fc.assert(
        fc.property(sweepArb, (doc) => {
          const file = writeSweep(doc);
          const config = loadSweep(file);
          const plan = buildPlan(config);
          const product = config.starts.length * config.learningRates.length * config.epochs.length * config.schedules.length * config.optimizers.length;
          expect(plan.runCount).toBe(product);
          // Every combination of axis indices appears exactly once.
          const keys = new Set<string>();
          for (let id = 0; id < plan.runCount; id++) {
            const p = runParams(plan, id);
            keys.add(JSON.stringify([config.starts.indexOf(p.start), config.learningRates.indexOf(p.lr), config.epochs.indexOf(p.epochs), p.schedule, p.optimizer]));
          }
          const distinct = new Set(config.starts).size * new Set(config.learningRates).size * new Set(config.epochs).size * config.schedules.length * config.optimizers.length;
          expect(keys.size).toBe(distinct);
          const tracksRuns = plan.tracks.reduce((a, t) => a + t.epochIdx.length, 0);
          expect(tracksRuns).toBe(plan.runCount);
          const { table, json } = runAll(file);
          expect(table.done.every((d) => d === 1)).toBe(true);
          expect(() => JSON.parse(json)).not.toThrow();
        }),
        { seed: SEED, numRuns: 60 },
      ),
    );
  });

  it('random valid sweeps also render: every report file written, the page names every class present', async () => {
    const { writeReport } = await import('../../src/report/writer.js');
    await withSeed(() =>
      fc.assert(
        fc.asyncProperty(sweepArb, async (doc) => {
          const file = writeSweep(doc);
          const { json } = runAll(file);
          const results = JSON.parse(json);
          const out = mkdtempSync(join(tmpdir(), 'gdsweep-prop-report-'));
          const written = await writeReport(out, results);
          const { readFileSync, existsSync } = await import('node:fs');
          expect(existsSync(join(out, 'index.html'))).toBe(true);
          expect(existsSync(join(out, 'summary.md'))).toBe(true);
          for (const f of written.files) expect(existsSync(join(out, f)), f).toBe(true);
          const page = readFileSync(join(out, 'index.html'), 'utf8');
          for (const [cls, n] of Object.entries(results.counts as Record<string, number>)) if (n > 0) expect(page).toContain(cls);
        }),
        // Rendering costs about a second a sweep: a few random sweeps per run.
        { seed: SEED, numRuns: Number(process.env.GDSWEEP_PROPERTY_RUNS ?? 6) },
      ),
    );
  });

  it('any sharding merges back into the whole, byte for byte', () => {
    return withSeed(() =>
      fc.assert(
        fc.property(sweepArb, fc.integer({ min: 1, max: 5 }), (doc, n) => {
          const file = writeSweep(doc);
          const whole = runAll(file);
          const sharded = runAll(file, n);
          expect(sharded.json).toBe(whole.json);
          expect(sharded.csv).toBe(whole.csv);
        }),
        { seed: SEED, numRuns: 40 },
      ),
    );
  });

  it('random text as YAML gets a located SweepConfigError or loads, never anything else', () => {
    return withSeed(() =>
      fc.assert(
        fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
          const file = writeSweep(text);
          try {
            loadSweep(file);
          } catch (err) {
            expect(err).toBeInstanceOf(SweepConfigError);
            expect((err as Error).message).toMatch(LOCATED);
            expect((err as Error).message).not.toContain('\n');
          }
        }),
        { seed: SEED, numRuns: 300 },
      ),
    );
  });

  it('random strings as expressions are refused with a located message or compile', () => {
    const tokens = fc.constantFrom('x', '1', '2.5', 'e', 'pi', '+', '-', '*', '/', '^', '(', ')', 'sin', 'exp', 'log', ',', '.', '[', ']', '=', 'y', 'constructor', '__proto__', 'this', '"', "'", '`', ';', '!', ' ');
    return withSeed(() =>
      fc.assert(
        fc.property(fc.oneof(fc.array(tokens, { maxLength: 30 }).map((t) => t.join('')), fc.string({ maxLength: 60 })), (expr) => {
          const file = writeSweep({ name: 'p', objective: { expr }, starts: [1], learning_rate: [0.1], epochs: [3] });
          try {
            const config = loadSweep(file);
            const o = compileObjective(config.objective);
            // Whatever compiled is a plain function of x.
            expect(typeof o.df(0.5)).toBe('number');
          } catch (err) {
            expect(err).toBeInstanceOf(SweepConfigError);
            expect((err as Error).message).toMatch(LOCATED);
          }
        }),
        { seed: SEED, numRuns: 400 },
      ),
    );
  });
});
