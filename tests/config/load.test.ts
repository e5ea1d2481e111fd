/**
 * loadSweep on sweep files written to a temporary folder: every axis form of
 * SPEC section 2, the defaults, builtin objectives, the symbolic derivative,
 * seeded random starts and trajectory selectors.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOAD_LIMITS, loadSweep } from '../../src/config/load.js';
import { optimizerLabel, type Optimizer, type SweepConfig } from '../../src/config/types.js';
import { SweepConfigError } from '../../src/errors.js';
import { BUILTINS } from '../../src/objective/builtins.js';
import { compileObjective } from '../../src/objective/objective.js';
import { arange, geomspace, linspace } from '../../src/numeric/numpy.js';
import { buildPlan, runParams } from '../../src/plan/plan.js';

const dir = mkdtempSync(join(tmpdir(), 'gdsweep-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function write(text: string): string {
  const file = join(dir, `sweep-${++counter}.yaml`);
  writeFileSync(file, text);
  return file;
}

const OBJECTIVE = 'objective:\n  expr: 3*x^2 - 3*x + 4\n  domain: [-2, 2]\n';

/** A sweep with the given axes (YAML flow text); the rest minimal. */
function sweep(parts: { starts?: string; learning_rate?: string; epochs?: string; extra?: string; objective?: string } = {}): SweepConfig {
  const text =
    'name: t\n' +
    (parts.objective ?? OBJECTIVE) +
    `starts: ${parts.starts ?? '[2]'}\n` +
    `learning_rate: ${parts.learning_rate ?? '[0.1]'}\n` +
    `epochs: ${parts.epochs ?? '[100]'}\n` +
    (parts.extra ?? '');
  return loadSweep(write(text));
}

function loadError(text: string): SweepConfigError {
  const file = write(text);
  try {
    loadSweep(file);
  } catch (err) {
    if (err instanceof SweepConfigError) return err;
    throw err;
  }
  throw new Error('expected loadSweep to throw a SweepConfigError');
}

describe('axis forms (SPEC section 2)', () => {
  it('a list keeps its values in order, duplicates and all', () => {
    const c = sweep({ starts: '[2, -1.5, 0]', learning_rate: '[1, 0.1, 0.01, 0.001]', epochs: '[100, 1000, 0]' });
    expect(c.starts).toEqual([2, -1.5, 0]);
    expect(c.learningRates).toEqual([1, 0.1, 0.01, 0.001]);
    expect(c.epochs).toEqual([100, 1000, 0]);
  });

  it('a block list is the same as a flow list', () => {
    const c = sweep({ learning_rate: '\n  - 0.5\n  - 0.25' });
    expect(c.learningRates).toEqual([0.5, 0.25]);
  });

  it('a single number is an axis of one value', () => {
    const c = sweep({ starts: '-1.5', learning_rate: '0.01', epochs: '250' });
    expect(c.starts).toEqual([-1.5]);
    expect(c.learningRates).toEqual([0.01]);
    expect(c.epochs).toEqual([250]);
  });

  it('linspace on every axis is numpy.linspace (both ends included)', () => {
    const c = sweep({
      starts: '{linspace: {from: -5, to: 5, num: 50}}',
      learning_rate: '{linspace: {from: 0.001, to: 0.1, num: 4}}',
      epochs: '{linspace: {from: 100, to: 1000, num: 10}}',
    });
    expect(c.starts).toEqual(linspace(-5, 5, 50));
    expect(c.starts).toHaveLength(50);
    expect(c.starts[0]).toBe(-5);
    expect(c.starts[49]).toBe(5);
    expect(c.learningRates).toEqual([0.001, 0.034, 0.067, 0.1]);
    expect(c.epochs).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });

  it('linspace with num 1 gives from; reversed ranges run downwards', () => {
    expect(sweep({ starts: '{linspace: {from: 1.5, to: 9, num: 1}}' }).starts).toEqual([1.5]);
    expect(sweep({ starts: '{linspace: {from: 2, to: -2, num: 5}}' }).starts).toEqual([2, 1, 0, -1, -2]);
  });

  it('geomspace is numpy.geomspace, for learning rates the usual log grid', () => {
    const c = sweep({ learning_rate: '{geomspace: {from: 1.0e-4, to: 1, num: 5}}', starts: '{geomspace: {from: -1, to: -1000, num: 4}}' });
    expect(c.learningRates).toEqual([1e-4, 1e-3, 1e-2, 1e-1, 1]);
    expect(c.starts).toEqual([-1, -10, -100, -1000]);
    const d = sweep({ learning_rate: '{geomspace: {from: 0.001, to: 1, num: 1000}}' });
    expect(d.learningRates).toEqual(geomspace(0.001, 1, 1000));
  });

  it('range is numpy.arange: `to` excluded, negative steps allowed', () => {
    expect(sweep({ starts: '{range: {from: 0, to: 1, step: 0.1}}' }).starts).toEqual(arange(0, 1, 0.1));
    expect(sweep({ starts: '{range: {from: 0, to: 1, step: 0.1}}' }).starts).toHaveLength(10);
    expect(sweep({ starts: '{range: {from: 2, to: -2, step: -1}}' }).starts).toEqual([2, 1, 0, -1]);
    expect(sweep({ epochs: '{range: {from: 100, to: 500, step: 100}}' }).epochs).toEqual([100, 200, 300, 400]);
  });

  it('epochs from a generator are rounded half to even (numpy.round)', () => {
    // 0.5, 1.5, 2.5, 3.5 -> 0, 2, 2, 4
    expect(sweep({ epochs: '{range: {from: 0.5, to: 4, step: 1}}' }).epochs).toEqual([0, 2, 2, 4]);
    // np.round(np.linspace(10, 500, 40)), from NumPy itself
    const c = sweep({ epochs: '{linspace: {from: 10, to: 500, num: 40}}' });
    expect(c.epochs.slice(0, 10)).toEqual([10, 23, 35, 48, 60, 73, 85, 98, 111, 123]);
    expect(c.epochs.every((e) => Number.isInteger(e))).toBe(true);
    // -0.4 rounds to -0 in NumPy; an epoch count of 0, written as 0
    const z = sweep({ epochs: '{linspace: {from: -0.4, to: 10, num: 3}}' });
    expect(Object.is(z.epochs[0], 0)).toBe(true);
  });

  it('epochs in a list are not rounded: 2.5 is an error, not 2', () => {
    expect(loadError(`name: t\n${OBJECTIVE}starts: [2]\nlearning_rate: [0.1]\nepochs: [100, 2.5]\n`).detail).toBe(
      'epochs[1]: must be a whole number of epochs, 0 or more, got 2.5',
    );
  });

  it('random starts: count points of the domain grid, seeded', () => {
    const c = sweep({ starts: '{random: {count: 20, seed: 7}}' });
    expect(c.starts).toHaveLength(20);
    const grid = linspace(-2, 2, 2001);
    for (const s of c.starts) expect(grid).toContain(s);
    expect(new Set(c.starts).size).toBe(20); // distinct points
  });

  it('random starts are reproducible: same seed, same starts; another seed, others', () => {
    const a = sweep({ starts: '{random: {count: 10, seed: 42}}' }).starts;
    const b = sweep({ starts: '{random: {count: 10, seed: 42}}' }).starts;
    const c = sweep({ starts: '{random: {count: 10, seed: 43}}' }).starts;
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // A prefix property: drawing more keeps the first draws.
    const more = sweep({ starts: '{random: {count: 15, seed: 42}}' }).starts;
    expect(more.slice(0, 10)).toEqual(a);
  });

  it('random starts are the same on every machine and every version: pinned values', () => {
    // mulberry32(seed) + partial Fisher-Yates over linspace(-2, 2, 2001). If this
    // changes, every published sweep with random starts changes: don't.
    expect(sweep({ starts: '{random: {count: 5, seed: 42}}' }).starts).toEqual([0.4039999999999999, -0.20599999999999996, 1.412, 0.6819999999999999, -1.294]);
  });

  it('random starts use the domain of the objective, or of the builtin', () => {
    const own = sweep({ objective: 'objective:\n  expr: x^2\n  domain: [10, 20]\n', starts: '{random: {count: 50, seed: 1}}' });
    const grid = linspace(10, 20, 2001);
    expect(own.starts.every((s) => s >= 10 && s <= 20 && grid.includes(s))).toBe(true);
    const builtin = sweep({ objective: 'objective:\n  builtin: sin-gauss\n', starts: '{random: {count: 50, seed: 1}}' });
    const sinGrid = linspace(-5, 5, 2001);
    expect(builtin.starts.every((s) => sinGrid.includes(s))).toBe(true);
  });

  it('random count 2001 draws the whole grid, each point once', () => {
    const c = sweep({ starts: '{random: {count: 2001, seed: 3}}' });
    expect([...c.starts].sort((p, q) => p - q)).toEqual(linspace(-2, 2, 2001));
  });

  it('random is for starts only', () => {
    const e = loadError(`name: t\n${OBJECTIVE}starts: [2]\nlearning_rate: {random: {count: 3, seed: 1}}\nepochs: [100]\n`);
    expect(e.line).toBe(6);
    expect(e.detail).toMatch(/^learning_rate: expected a number, a list of learning rates, or one of \{linspace\|geomspace\|range: \{\.\.\.\}\}, got a mapping with key random/);
  });
});

describe('defaults', () => {
  it('tolerance 1e-3, bound 1e6, schedule constant, optimizer gd, title = name, no trajectories', () => {
    const c = sweep();
    expect(c.tolerance).toBe(1e-3);
    expect(c.bound).toBe(1e6);
    expect(c.schedules).toEqual(['constant']);
    expect(c.optimizers).toEqual([{ kind: 'gd' }]);
    expect(c.title).toBe('t');
    expect(c.name).toBe('t');
    expect(c.trajectories).toEqual([]);
  });

  it('each default can be overridden', () => {
    const c = sweep({
      extra:
        'title: My sweep\nschedule: [constant, grad-scaled, linear-decay]\noptimizer: [gd, momentum, {nesterov: {beta: 0.5}}, {adam: {beta1: 0.8}}]\n' +
        'classify:\n  tolerance: 1.0e-6\n  bound: 1.0e+100\n',
    });
    expect(c.title).toBe('My sweep');
    expect(c.tolerance).toBe(1e-6);
    expect(c.bound).toBe(1e100);
    expect(c.schedules).toEqual(['constant', 'grad-scaled', 'linear-decay']);
    expect(c.optimizers).toEqual([
      { kind: 'gd' },
      { kind: 'momentum', beta: 0.9 },
      { kind: 'nesterov', beta: 0.5 },
      { kind: 'adam', beta1: 0.8, beta2: 0.999, eps: 1e-8 },
    ]);
  });

  it('a single schedule or optimizer name is an axis of one', () => {
    const c = sweep({ extra: 'schedule: linear-decay\noptimizer: adam\n' });
    expect(c.schedules).toEqual(['linear-decay']);
    expect(c.optimizers).toEqual([{ kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8 }]);
  });

  it('the domain is null when neither the sweep nor a builtin gives one', () => {
    expect(sweep({ objective: 'objective:\n  expr: x^2\n' }).objective.domain).toBeNull();
  });
});

describe('objectives', () => {
  it.each(BUILTINS.map((b) => [b.name, b] as const))('builtin %s brings its formula, domain and a derivative', (name, b) => {
    const c = sweep({ objective: `objective:\n  builtin: ${name}\n` });
    expect(c.objective.builtin).toBe(name);
    expect(c.objective.expr).toBe(b.expr);
    expect(c.objective.domain).toEqual(b.domain);
    // The derivative is right: compare with a central difference.
    const o = compileObjective(c.objective);
    for (const x of [-1.3, -0.2, 0.4, 1.7]) {
      const h = 1e-6;
      expect(o.df(x)).toBeCloseTo((o.f(x + h) - o.f(x - h)) / (2 * h), 5);
    }
  });

  it('a builtin domain can be overridden', () => {
    expect(sweep({ objective: 'objective:\n  builtin: seed-quadratic\n  domain: [-1, 3]\n' }).objective.domain).toEqual([-1, 3]);
  });

  it('the derivative, when absent, is derived symbolically', () => {
    const c = sweep({ objective: 'objective:\n  expr: 3*x^2 - 3*x + 4\n' });
    expect(c.objective.builtin).toBeNull();
    expect(c.objective.derivative).not.toBe('');
    const o = compileObjective(c.objective);
    for (const x of [-2, -0.5, 0, 0.5, 1, 2]) expect(o.df(x)).toBeCloseTo(6 * x - 3, 12);
    expect(o.curvature).toBe(6);
  });

  it('a derived derivative of the lesson functions is right', () => {
    const c = sweep({ objective: 'objective:\n  expr: sin(x) * exp(-0.05 * x^2)\n' });
    const o = compileObjective(c.objective);
    for (const x of [-3, -1, 0, 1, 2.5]) {
      const want = Math.cos(x) * Math.exp(-0.05 * x * x) - 0.1 * x * Math.sin(x) * Math.exp(-0.05 * x * x);
      expect(o.df(x)).toBeCloseTo(want, 12);
    }
  });

  it('a given derivative is kept as written', () => {
    const c = sweep({ objective: 'objective:\n  expr: 3*x^2 - 3*x + 4\n  derivative: 6*x - 3\n' });
    expect(c.objective.derivative).toBe('6*x - 3');
    expect(c.objective.expr).toBe('3*x^2 - 3*x + 4');
  });

  it('an expression in a block scalar is accepted', () => {
    const c = sweep({ objective: 'objective:\n  expr: >-\n    cos(2*pi*x)\n    + x^2\n' });
    expect(c.objective.expr).toBe('cos(2*pi*x) + x^2');
  });
});

describe('parameters as axes', () => {
  it('a list of a parameter gives one optimizer value per element, the default by its bare name', () => {
    const c = sweep({ extra: 'optimizer: {momentum: {beta: [0.5, 0.9, 0.99]}}\n' });
    expect(c.optimizers).toEqual([
      { kind: 'momentum', beta: 0.5 },
      { kind: 'momentum', beta: 0.9 },
      { kind: 'momentum', beta: 0.99 },
    ]);
    expect(c.optimizers.map(optimizerLabel)).toEqual(['momentum(beta=0.5)', 'momentum', 'momentum(beta=0.99)']);
  });

  it('lists of several parameters give their product, the first parameter outermost; other entries keep their place', () => {
    const c = sweep({ extra: 'optimizer: [gd, {adam: {beta2: [0.99, 0.999], beta1: [0.8, 0.9], eps: 1.0e-6}}, {nesterov: {beta: [0.5]}}]\n' });
    expect(c.optimizers.map(optimizerLabel)).toEqual([
      'gd',
      'adam(beta1=0.8,beta2=0.99,eps=0.000001)',
      'adam(beta1=0.8,eps=0.000001)',
      'adam(beta2=0.99,eps=0.000001)',
      'adam(eps=0.000001)',
      'nesterov(beta=0.5)',
    ]);
  });

  it('lr x beta: the run count is the product of the axes, and each optimizer value has its own lr x epochs map', () => {
    const c = sweep({ learning_rate: '[0.1, 0.01, 0.001]', epochs: '[10, 100]', starts: '[2, -1]', extra: 'optimizer: {momentum: {beta: [0.5, 0.9, 0.99]}}\n' });
    const plan = buildPlan(c);
    expect(plan.runCount).toBe(2 * 3 * 3 * 2);
    expect(plan.grid.lengths).toEqual({ start: 2, schedule: 1, optimizer: 3, lr: 3, epochs: 2 });
    // Runs of one optimizer value, one start: the full lr x epochs grid.
    for (let o = 0; o < 3; o++) {
      const runs = Array.from({ length: plan.runCount }, (_, id) => runParams(plan, id)).filter((p) => p.optimizer === optimizerLabel(c.optimizers[o] as Optimizer) && p.start === 2);
      expect(runs.map((p) => [p.lr, p.epochs])).toEqual([[0.1, 10], [0.1, 100], [0.01, 10], [0.01, 100], [0.001, 10], [0.001, 100]]);
    }
  });

  it('the runs limit counts expanded parameter lists before anything is expanded', () => {
    const file = write(`name: t\n${OBJECTIVE}starts: [2]\nlearning_rate: {geomspace: {from: 1.0e-4, to: 1, num: 1000}}\nepochs: [10]\noptimizer: {adam: {beta1: [0.1, 0.2, 0.3], beta2: [0.1, 0.2, 0.3, 0.4]}}\n`);
    expect(() => loadSweep(file, { ...DEFAULT_LOAD_LIMITS, maxAxisValues: 11_999 })).toThrow(/the plan has 12000 runs, more than the limit of 11999/);
    expect(loadSweep(file, { ...DEFAULT_LOAD_LIMITS, maxAxisValues: 12_000 }).optimizers).toHaveLength(12);
  });

  it.each([
    ['optimizer: {momentum: {beta: [0.5, 0.9, 0.5]}}', 'optimizer.momentum.beta[2]: \'momentum(beta=0.5)\' is listed twice'],
    ['optimizer: [momentum, {momentum: {beta: [0.5, 0.9]}}]', 'optimizer[1].momentum.beta[1]: \'momentum\' is listed twice'],
    ['optimizer: [{momentum: {beta: 0.9}}, momentum]', 'optimizer[1]: \'momentum\' is listed twice'],
    ['optimizer: {adam: {beta1: [0.8, 0.9], beta2: [0.9, 0.9]}}', 'optimizer.adam.beta2[1]: \'adam(beta1=0.8,beta2=0.9)\' is listed twice'],
    ['optimizer: {momentum: {beta: []}}', 'optimizer.momentum.beta: must not be empty, got an empty list'],
    ['optimizer: {momentum: {beta: [0.5, 1.5]}}', 'optimizer.momentum.beta[1]: must be in [0, 1), got the number 1.5'],
    ['optimizer: {momentum: {beta: [0.5, fast]}}', 'optimizer.momentum.beta[1]: must be a number, got the string "fast"'],
  ])('%s is an error at the value', (line, message) => {
    expect(loadError(`name: t\n${OBJECTIVE}starts: [2]\nlearning_rate: [0.1]\nepochs: [100]\n${line}\n`).detail).toBe(message);
  });
});

describe('trajectory selectors', () => {
  it('are kept as written when every value is on its axis', () => {
    const c = sweep({
      learning_rate: '[1, 0.1]',
      epochs: '[100, 1000]',
      starts: '[2, -1.5]',
      extra: 'optimizer: [gd, {momentum: {beta: 0.5}}]\nreport:\n  trajectories:\n    - {learning_rate: 1, epochs: 100, start: 2}\n    - {learning_rate: 0.1}\n    - {optimizer: momentum(beta=0.5), schedule: constant}\n',
    });
    expect(c.trajectories).toEqual([{ learning_rate: 1, epochs: 100, start: 2 }, { learning_rate: 0.1 }, { optimizer: 'momentum(beta=0.5)', schedule: 'constant' }]);
  });

  it('match generated axes by value (epochs after rounding)', () => {
    const c = sweep({ epochs: '{linspace: {from: 10, to: 500, num: 40}}', extra: 'report:\n  trajectories:\n    - {epochs: 23}\n' });
    expect(c.trajectories).toEqual([{ epochs: 23 }]);
  });

  it.each([
    ['learning_rate: 0.5', 'report.trajectories[0].learning_rate: 0.5 is not a value of learning_rate (1, 0.1)'],
    ['epochs: 50', 'report.trajectories[0].epochs: 50 is not a value of epochs (100)'],
    ['start: 3', 'report.trajectories[0].start: 3 is not a value of starts (2)'],
    ['schedule: grad-scaled', 'report.trajectories[0].schedule: grad-scaled is not a value of schedule (constant)'],
    ['optimizer: adam', 'report.trajectories[0].optimizer: adam is not a value of optimizer (gd)'],
  ])('a selector off its axis (%s) is an error at the value', (sel, message) => {
    const e = loadError(`name: t\n${OBJECTIVE}starts: [2]\nlearning_rate: [1, 0.1]\nepochs: [100]\nreport:\n  trajectories:\n    - {${sel}}\n`);
    expect(e.detail).toBe(message);
    expect(e.line).toBe(10);
    expect(e.column).toBe(8 + sel.indexOf(':') + 2);
  });
});

describe('errors are located', () => {
  it('at the bad element of a list, with the SPEC message', () => {
    const e = loadError(`name: t\n${OBJECTIVE}starts: [2]\nlearning_rate: [1, 0.1, 0, 0.001]\nepochs: [100]\n`);
    expect(e).toMatchObject({ line: 6, column: 25, detail: 'learning_rate[2]: must be a positive number' });
    expect(e.message).toBe(`${e.file}:6:25: learning_rate[2]: must be a positive number`);
  });

  it('at the offending character of an expression, quoted or not', () => {
    const plain = loadError('name: t\nobjective:\n  expr: 3*x^2 + y\nstarts: [2]\nlearning_rate: [0.1]\nepochs: [100]\n');
    expect(plain).toMatchObject({ line: 3, column: 17 });
    const quoted = loadError('name: t\nobjective:\n  expr: "3*x^2 + y"\nstarts: [2]\nlearning_rate: [0.1]\nepochs: [100]\n');
    expect(quoted).toMatchObject({ line: 3, column: 18 });
    const block = loadError('name: t\nobjective:\n  expr: |\n    3*x^2\n      + y\nstarts: [2]\nlearning_rate: [0.1]\nepochs: [100]\n');
    expect(block).toMatchObject({ line: 5, column: 9 });
  });

  it('SweepConfigError carries file, line, column and detail', () => {
    const e = loadError('name: t\n');
    expect(e).toBeInstanceOf(SweepConfigError);
    expect(e.exitCode).toBe(2);
    expect(e.detail).toBe('objective: required key is missing');
  });
});
