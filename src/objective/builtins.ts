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
    description: 'a damped sine: a global minimum at -1.43 and a local one at 4.31',
    minima: [-1.428870011214077, 4.305801413119223],
  },
  {
    name: 'cos-bowl',
    expr: 'cos(2*pi*x) + x^2',
    domain: [-2, 2],
    description: 'a bowl of ripples: many local minima, f\'(0) = 0 exactly at a local maximum',
    minima: [-1.4250674148261984, -0.47580245102422114, 0.47580245102422114, 1.4250674148261984],
  },
];

export function findBuiltin(name: string): BuiltinObjective | undefined {
  return BUILTINS.find((b) => b.name === name);
}
