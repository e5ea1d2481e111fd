import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildPlan, runParams, type Track } from '../../src/plan/plan.js';
import { MAX_SHARDS, parseShard, shardTracks } from '../../src/plan/shard.js';
import { SEED, withSeed } from '../helpers/property.js';
import { config } from '../helpers/config.js';

describe('planner', () => {
  it('is the product of the axes, with epochs innermost and stable ids', () => {
    const plan = buildPlan(config({ starts: [2, -1], learningRates: [0.1, 0.01, 0.001], epochs: [10, 100] }));
    expect(plan.runCount).toBe(2 * 3 * 2);
    const seen = new Set<string>();
    for (let id = 0; id < plan.runCount; id++) {
      const p = runParams(plan, id);
      expect(p.id).toBe(id);
      seen.add(`${p.start}/${p.lr}/${p.epochs}`);
    }
    expect(seen.size).toBe(12);
    expect(runParams(plan, 0)).toMatchObject({ start: 2, lr: 0.1, epochs: 10 });
    expect(runParams(plan, 1)).toMatchObject({ start: 2, lr: 0.1, epochs: 100 });
    expect(runParams(plan, 11)).toMatchObject({ start: -1, lr: 0.001, epochs: 100 });
    expect(buildPlan(config({ starts: [2, -1], learningRates: [0.1, 0.01, 0.001], epochs: [10, 100] })).hash).toBe(plan.hash);
  });

  it('shares one trajectory across epoch values: max(epochs) steps per (start, lr), not the sum', () => {
    const plan = buildPlan(config({ learningRates: [0.1, 0.01, 0.001, 0.0001], epochs: [100, 1000, 10, 500] }));
    expect(plan.tracks.length).toBe(4);
    expect(plan.totalSteps).toBe(4 * 1000);
    expect(plan.tracks[1]).toMatchObject({ firstRun: 4, epochIdx: [0, 1, 2, 3], cost: 1000, lr: 0.01 });
  });

  it('linear-decay depends on E, so it gets one track per epoch value', () => {
    const plan = buildPlan(config({ schedules: ['constant', 'linear-decay'], learningRates: [0.1], epochs: [10, 20] }));
    expect(plan.tracks.map((t) => [t.schedule, t.epochIdx, t.cost])).toEqual([
      [0, [0, 1], 20],
      [1, [0], 10],
      [1, [1], 20],
    ]);
    expect(plan.totalSteps).toBe(20 + 10 + 20);
  });

  it('refuses a plan above --max-steps or --max-runs, saying how large it is', () => {
    expect(() => buildPlan(config({ epochs: [1e10] }), { maxSteps: 1e10, maxRuns: 1e7 })).toThrow(
      'test.yaml: the plan needs 4.00e10 steps, more than the limit of 1.00e10 (raise it with --max-steps)',
    );
    expect(buildPlan(config({ epochs: [1e9] }), { maxSteps: 1e10, maxRuns: 1e7 }).totalSteps).toBe(4e9);
    expect(() => buildPlan(config({ epochs: [1e9] }), { maxSteps: 1e9, maxRuns: 1e7 })).toThrow(/4\.00e9 steps, more than the limit of 1\.00e9 \(raise it with --max-steps\)/);
    const many = Array.from({ length: 5000 }, (_, i) => i + 1);
    expect(() => buildPlan(config({ learningRates: many.map((i) => i / 1e4), epochs: many }), { maxSteps: 1e20, maxRuns: 1e7 })).toThrow(
      /2\.50e7 runs, more than the limit of 1\.00e7 \(raise it with --max-runs\)/,
    );
  });

  it('changes its hash when anything that determines results changes', () => {
    const a = buildPlan(config()).hash;
    expect(buildPlan(config({ tolerance: 1e-4 })).hash).not.toBe(a);
    expect(buildPlan(config({ learningRates: [1, 0.1, 0.01] })).hash).not.toBe(a);
    expect(buildPlan(config({ file: 'elsewhere/test.yaml' })).hash).toBe(a);
  });

  it('deals tracks to shards as a scan for the least-loaded shard does (ties to the lowest index)', async () => {
    // The split before it used a heap: one scan over every shard per track.
    const reference = (tracks: Track[], index: number, count: number): number[] => {
      const order = [...tracks].sort((a, b) => b.cost - a.cost || a.index - b.index);
      const load = new Array<number>(count).fill(0);
      const mine: number[] = [];
      for (const t of order) {
        let best = 0;
        for (let k = 1; k < count; k++) if ((load[k] as number) < (load[best] as number)) best = k;
        load[best] = (load[best] as number) + Math.max(1, t.cost);
        if (best === index - 1) mine.push(t.index);
      }
      return mine.sort((a, b) => a - b);
    };
    await withSeed(() =>
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 0, maxLength: 60 }), fc.integer({ min: 1, max: 12 }), (costs, count) => {
          const tracks = costs.map((cost, index) => ({ index, start: 0, lr: 0.1, schedule: 0, optimizer: 0, firstRun: index, epochIdx: [0], cost }));
          for (let i = 1; i <= count; i++) expect(shardTracks(tracks, { index: i, count }).map((t) => t.index)).toEqual(reference(tracks, i, count));
        }),
        { seed: SEED, numRuns: 300 },
      ),
    );
  });

  it('refuses more than MAX_SHARDS shards', () => {
    expect(parseShard(`1/${MAX_SHARDS}`)).toEqual({ index: 1, count: MAX_SHARDS });
    expect(() => parseShard(`1/${MAX_SHARDS + 1}`)).toThrow(`--shard: at most ${MAX_SHARDS} shards, got 1/${MAX_SHARDS + 1}`);
    expect(() => shardTracks([], { index: 1, count: 1e9 })).toThrow(/shard count 1000000000/);
  });
});
