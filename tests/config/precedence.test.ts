/**
 * Of several problems in one file, the loader reports the same first one,
 * whichever module finds each: the schema, the objective, the rules before
 * any axis is expanded, the starts, the derivative, the learning rates, the
 * epochs, the schedules, the optimizers, the trajectory selectors
 * (src/config/load.ts runs them in that order).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweep } from '../../src/config/load.js';
import { tempDir } from '../helpers/cli.js';

// What comes first, the file, and its message ({file} standing for the file's path).
const CASES: [string, string, string][] = [
  [
    'an expression error before a bad axis',
    "name: x\nobjective: {expr: 'x^^2'}\nstarts: [1]\nlearning_rate: [-1]\nepochs: [2.5]\n",
    '{file}:2:22: objective.expr: cannot parse expression: expected a number, x, pi, e, a function call or ( here',
  ],
  [
    'an unknown builtin before a bad domain',
    'name: x\nobjective: {builtin: seed-quadratc, domain: [2, 1]}\nstarts: [1]\nlearning_rate: [0.1]\nepochs: [10]\n',
    "{file}:2:22: objective.builtin: unknown objective 'seed-quadratc' (did you mean seed-quadratic?)",
  ],
  [
    'a bad domain before the runs limit',
    "name: x\nobjective: {expr: 'x^2', domain: [2, 1]}\nstarts: {linspace: {from: 0, to: 1, num: 5000}}\nlearning_rate: {linspace: {from: 0.1, to: 1, num: 5000}}\nepochs: [10]\n",
    '{file}:2:34: objective.domain: must be [from, to] with from < to, got [2, 1]',
  ],
  [
    'the runs limit before random starts without a domain',
    "name: x\nobjective: {expr: 'x^2'}\nstarts: {random: {count: 5000, seed: 1}}\nlearning_rate: {linspace: {from: 0.1, to: 1, num: 5000}}\nepochs: [10]\n",
    '{file}: the plan has 2.50e7 runs, more than the limit of 1.00e7 (raise it with --max-runs)',
  ],
  [
    'the starts before the derivative',
    "name: x\nobjective: {expr: 'x^2', derivative: '3*x'}\nstarts: {range: {from: 0, to: 1, step: 0}}\nlearning_rate: [0.1]\nepochs: [10]\n",
    '{file}:3:40: starts.range.step: must not be 0',
  ],
  [
    'the derivative before the learning rates',
    "name: x\nobjective: {expr: 'x^2', derivative: '3*x'}\nstarts: [1, 2]\nlearning_rate: {linspace: {from: -1, to: 1, num: 3}}\nepochs: [10]\n",
    '{file}:2:38: objective.derivative: does not match objective.expr: at x = 0.0179047 it gives 0.053714, but a central difference of f gives 0.0358093',
  ],
  [
    'the learning rates before the epochs',
    "name: x\nobjective: {expr: 'x^2'}\nstarts: [1]\nlearning_rate: [0.1, -0.2]\nepochs: {range: {from: 5, to: 1, step: 1}}\n",
    '{file}:4:22: learning_rate[1]: must be a positive number',
  ],
  [
    'the epochs before the optimizers',
    "name: x\nobjective: {expr: 'x^2'}\nstarts: [1]\nlearning_rate: [0.1]\nepochs: [2.5]\noptimizer: [gd, {momentum: {beta: [0.5, 0.5]}}]\n",
    '{file}:5:10: epochs[0]: must be a whole number of epochs, 0 or more, got 2.5',
  ],
  [
    'the schedules before the optimizers',
    "name: x\nobjective: {expr: 'x^2'}\nstarts: [1]\nlearning_rate: [0.1]\nepochs: [10]\nschedule: [constant, constant]\noptimizer: [gd, gd]\n",
    "{file}:6:22: schedule[1]: 'constant' is listed twice",
  ],
  [
    'the optimizers before the trajectory selectors',
    "name: x\nobjective: {expr: 'x^2'}\nstarts: [1]\nlearning_rate: [0.1]\nepochs: [10]\noptimizer: [gd, gd]\nreport: {trajectories: [{learning_rate: 0.3}]}\n",
    "{file}:6:17: optimizer[1]: 'gd' is listed twice",
  ],
];

describe('the first of several problems', () => {
  const dir = tempDir();
  it.each(CASES)('%s', (what, text, message) => {
    const file = join(dir, `${what.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(file, text);
    let got: string | null = null;
    try {
      loadSweep(file);
    } catch (err) {
      got = (err as Error).message;
    }
    expect(got).toBe(message.replace('{file}', file));
  });
});
