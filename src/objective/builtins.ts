/** The function library: the lesson's objectives, each with its domain. */
export interface BuiltinObjective {
  name: string;
  expr: string;
  domain: [number, number];
  description: string;
  /** Local minima inside the domain, for `gdsweep objectives` and the report. */
  minima: number[];
}

export const BUILTINS: readonly BuiltinObjective[] = [
  {
    name: 'seed-quadratic',
    expr: '3*x^2 - 3*x + 4',
    domain: [-2, 2],
    description: 'the lesson quadratic: one minimum, f\'\' = 6, stable for lr < 1/3',
    minima: [0.5],
  },
  {
    name: 'sin-gauss',
    expr: 'sin(x) * exp(-0.05*x^2)',
    domain: [-5, 5],
    description: 'a damped sine: local minima on either side, one global',
    minima: [-1.4253920810209262],
  },
  {
    name: 'cos-bowl',
    expr: 'cos(2*pi*x) + x^2',
    domain: [-2, 2],
    description: 'a bowl of ripples: many local minima, f\'(0) = 0 exactly at a local maximum',
    minima: [-0.4762, 0.4762],
  },
];

export function findBuiltin(name: string): BuiltinObjective | undefined {
  return BUILTINS.find((b) => b.name === name);
}
