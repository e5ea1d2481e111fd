/**
 * The schedule and optimizer registries, entry by entry: what each entry
 * declares (labels, dependence on t and E, a step that never grows) holds
 * for its arithmetic, its generated code computes what its plain
 * arithmetic does, and every entry reaches the sweep file's schema. A new
 * entry is checked here without a line of this file changing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweep } from '../../src/config/load.js';
import { sweepJsonSchema } from '../../src/config/schema.js';
import { buildPlan } from '../../src/plan/plan.js';
import { mulberry32 } from '../../src/numeric/random.js';
import { OPTIMIZER_NAMES, OPTIMIZERS, optimizerLabel, parseOptimizerLabel, resolveOptimizer, type OptimizerSpec } from '../../src/registry/optimizers.js';
import type { ParamDefs } from '../../src/registry/params.js';
import { parseScheduleLabel, resolveSchedule, SCHEDULE_NAMES, SCHEDULES, scheduleLabel, type ScheduleSpec } from '../../src/registry/schedules.js';
import { tempDir } from '../helpers/cli.js';

/** A valid value other than the default, for each parameter. */
function otherValue(defs: ParamDefs, k: string): number {
  const d = defs[k];
  if (!d) throw new Error(k);
  for (const v of [d.default / 2, d.default * 2, d.default + 1, 0.5, 3]) {
    if (v !== d.default && d.schema.safeParse(v).success) return v;
  }
  throw new Error(`no other value for ${k}`);
}

/** Every schedule with its defaults, and with each parameter changed in turn. */
function scheduleVariants(): ScheduleSpec[] {
  return SCHEDULE_NAMES.flatMap((name) => {
    const base = parseScheduleLabel(name) as ScheduleSpec;
    const defs = SCHEDULES[name].params as ParamDefs;
    return [base, ...Object.keys(defs).map((k) => ({ ...base, [k]: otherValue(defs, k) }) as ScheduleSpec)];
  });
}

function optimizerVariants(): OptimizerSpec[] {
  return OPTIMIZER_NAMES.flatMap((name) => {
    const base = parseOptimizerLabel(name) as OptimizerSpec;
    const defs = OPTIMIZERS[name].params as ParamDefs;
    return [base, ...Object.keys(defs).map((k) => ({ ...base, [k]: otherValue(defs, k) }) as OptimizerSpec)];
  });
}

describe('labels', () => {
  it('a bare name stands for the defaults; other values are named and parse back', () => {
    for (const s of scheduleVariants()) {
      const label = scheduleLabel(s);
      expect(parseScheduleLabel(label), label).toEqual(s);
      const changed = Object.keys(s).filter((k) => k !== 'kind');
      const defaults = parseScheduleLabel(s.kind) as Record<string, unknown>;
      const differs = changed.filter((k) => (s as Record<string, unknown>)[k] !== defaults[k]);
      expect(label).toBe(differs.length ? `${s.kind}(${differs.map((k) => `${k}=${(s as Record<string, unknown>)[k]}`).join(',')})` : s.kind);
    }
    for (const o of optimizerVariants()) expect(parseOptimizerLabel(optimizerLabel(o)), optimizerLabel(o)).toEqual(o);
    expect(optimizerLabel({ kind: 'adam', beta1: 0.8, beta2: 0.999, eps: 1e-6 })).toBe('adam(beta1=0.8,eps=0.000001)');
    expect(parseOptimizerLabel('momentum(beta=0.9)')).toEqual({ kind: 'momentum', beta: 0.9 });
  });

  it('refuses labels that name nothing', () => {
    for (const bad of ['', 'Constant', 'cosine', 'constant(', 'constant()x', 'constant(x=1)', 'toString', '__proto__']) expect(parseScheduleLabel(bad), bad).toBeNull();
    for (const bad of ['adamw', 'momentum(beta=2)', 'momentum(beta=)', 'momentum(beta= 0.5)', 'momentum(beta=0.5,beta=0.5)', 'momentum(gamma=0.5)', 'gd(beta=0.5)', 'adam(eps=-1)', 'momentum(beta=NaN)', 'momentum(beta)']) {
      expect(parseOptimizerLabel(bad), bad).toBeNull();
    }
  });
});

describe('schedules: declarations hold for the arithmetic', () => {
  const r = mulberry32(7);
  const samples = Array.from({ length: 200 }, () => {
    const E = 1 + Math.floor(r() * 500);
    return { lr: 10 ** (-4 + 4 * r()), g: (r() - 0.5) * 20, t: Math.floor(r() * E), E };
  });

  it.each(scheduleVariants().map((s) => [scheduleLabel(s), s] as const))('%s: generated code = plain arithmetic, bit for bit', (_, s) => {
    const sched = resolveSchedule(s);
    const code = new Function('t', 'E', 'lr0', 'g0', `"use strict"; ${sched.preamble({ t: 't', E: 'E' }).join('\n')}\nreturn ${sched.stepSize({ lr: 'lr0', g: 'g0' })};`) as (
      t: number,
      E: number,
      lr: number,
      g: number,
    ) => number;
    for (const v of samples) expect(Object.is(code(v.t, v.E, v.lr, v.g), sched.plain(v)), JSON.stringify(v)).toBe(true);
  });

  it.each(scheduleVariants().map((s) => [scheduleLabel(s), s] as const))('%s: depends on t and E only where it says so; never grows where it says so', (_, s) => {
    const sched = resolveSchedule(s);
    for (const v of samples) {
      const base = sched.plain(v);
      if (!sched.dependsOnEpochs) expect(sched.plain({ ...v, E: v.E + 1 + v.t })).toBe(base);
      if (!sched.dependsOnT) expect(sched.plain({ ...v, t: (v.t + 1) % v.E })).toBe(base);
      if (sched.neverGrows && v.t + 1 < v.E) expect(Math.abs(sched.plain({ ...v, t: v.t + 1 }))).toBeLessThanOrEqual(Math.abs(base));
    }
    // A schedule that depends on E also depends on t (E only says where the schedule ends).
    if (sched.dependsOnEpochs) expect(sched.dependsOnT).toBe(true);
  });
});

describe('optimizers: generated code = plain arithmetic', () => {
  it.each(optimizerVariants().map((o) => [optimizerLabel(o), o] as const))('%s, over 50 steps', (_, o) => {
    const op = resolveOptimizer(o);
    const names = op.laneState;
    const groupNames = op.groupState.map(([n]) => n);
    // One lane: state in, state out.
    const body = [
      '"use strict";',
      `let x0 = st[0]; ${names.map((n, i) => `let ${n}0 = st[${i + 1}];`).join(' ')}`,
      groupNames.length ? `let ${groupNames.map((n, i) => `${n} = gs[${i}]`).join(', ')};` : '',
      ...op.preamble(),
      op.update({ x: 'x0', g: 'g0', s: 's0', state: (n) => `${n}0` }),
      `st[0] = x0; ${names.map((n, i) => `st[${i + 1}] = ${n}0;`).join(' ')}`,
      groupNames.map((n, i) => `gs[${i}] = ${n};`).join(' '),
    ].join('\n');
    const step = new Function('st', 'gs', 'g0', 's0', body) as (st: Float64Array, gs: Float64Array, g: number, s: number) => void;
    const st = new Float64Array(1 + names.length);
    st[0] = 1.5;
    const gs = Float64Array.from(op.groupState.map(([, v]) => v));
    const lane: Record<string, number> = { x: 1.5, ...Object.fromEntries(names.map((n) => [n, 0])) };
    const group: Record<string, number> = Object.fromEntries(op.groupState);
    const r = mulberry32(11);
    for (let t = 0; t < 50; t++) {
      const g = (r() - 0.5) * 10;
      const s = 10 ** (-3 + 2 * r());
      step(st, gs, g, s);
      op.plain(lane, group, g, s);
      expect(Object.is(st[0], lane.x), `t ${t}: x`).toBe(true);
      names.forEach((n, i) => expect(Object.is(st[i + 1], lane[n]), `t ${t}: ${n}`).toBe(true));
    }
  });
});

describe('every entry reaches the sweep file', () => {
  it('the JSON Schema names every schedule and optimizer', () => {
    const text = JSON.stringify(sweepJsonSchema());
    for (const name of [...SCHEDULE_NAMES, ...OPTIMIZER_NAMES]) expect(text).toContain(JSON.stringify(name));
  });

  it('a sweep of every schedule and optimizer loads and plans, one track per epoch value only where the schedule depends on E', () => {
    const dir = tempDir();
    const file = join(dir, 'all.yaml');
    writeFileSync(
      file,
      `name: all\nobjective:\n  builtin: seed-quadratic\nstarts: [2]\nlearning_rate: [0.1, 0.01]\nepochs: [10, 20]\n` +
        `schedule: [${SCHEDULE_NAMES.join(', ')}]\noptimizer: [${OPTIMIZER_NAMES.join(', ')}]\n`,
    );
    const config = loadSweep(file);
    expect(config.schedules).toEqual(SCHEDULE_NAMES);
    expect(config.optimizers.map(optimizerLabel)).toEqual(OPTIMIZER_NAMES);
    const plan = buildPlan(config);
    SCHEDULE_NAMES.forEach((name, k) => {
      const tracks = plan.tracks.filter((t) => t.schedule === k);
      const perEpoch = SCHEDULES[name].dependsOnEpochs;
      expect(tracks.length, name).toBe(OPTIMIZER_NAMES.length * 2 * (perEpoch ? 2 : 1));
    });
  });
});
