import type { SweepConfig } from '../../src/config/types.js';

export function config(over: Partial<SweepConfig> = {}): SweepConfig {
  return {
    file: 'test.yaml',
    name: 'test',
    title: 'test',
    objective: { builtin: null, expr: '3*x^2 - 3*x + 4', derivative: '6*x - 3', domain: [-2, 2] },
    starts: [2],
    learningRates: [1, 0.1, 0.01, 0.001],
    epochs: [100, 1000],
    schedules: ['constant'],
    optimizers: [{ kind: 'gd' }],
    tolerance: 1e-3,
    bound: 1e6,
    trajectories: [],
    ...over,
  };
}
