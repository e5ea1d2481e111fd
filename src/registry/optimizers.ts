/**
 * The optimizers: everything the loader, the kernel generator, the labels
 * and the JSON Schema know about an optimizer is its entry here. A new
 * optimizer is one entry (and its test); leaving out a field does not
 * compile.
 *
 * Each step, with g = f'(x_t) and s_t the schedule's step size, updates the
 * lane's state (0 at the start) and x.
 */
import * as z from 'zod';
import { formatLabel, jsNumber, paramsOf, parseLabel, type ParamDef, type ParamDefs, type ParamValues } from './params.js';

/** Names the kernel generator gives one lane's variables, as JS expressions. */
export interface LaneVars<L extends string> {
  x: string;
  /** f'(x_t). */
  g: string;
  /** The schedule's step size. */
  s: string;
  /** The variable holding one of the lane's state slots. */
  state(name: L): string;
}

export interface OptimizerDef<P extends ParamDefs = ParamDefs, L extends string = string, G extends string = string> {
  /** One line for the README and `gdsweep schema`. */
  doc: string;
  /** The update as the README writes it. */
  formula: string;
  params: P;
  /** State each lane carries besides x, 0 at the start. */
  laneState: readonly L[];
  /** State all lanes of a group share (they step together), with its value at the start: Adam's powers of beta. */
  groupState: Readonly<Record<G, number>>;
  /** The update changes with t (other than through x and the state): the kernel never skips such a group's steps. */
  dependsOnT: boolean;
  /** Statements run once per step, before the lanes' updates (they may update the group state, and declare locals). */
  preamble(p: ParamValues<P>): string[];
  /** One lane's update of its state and x, as JS statements. */
  update(p: ParamValues<P>, v: LaneVars<L>): string;
  /** The same step as plain arithmetic, operation for operation, on one lane (tests check the kernel against it bit for bit). */
  plain(p: ParamValues<P>, lane: Record<L | 'x', number>, group: Record<G, number>, g: number, s: number): void;
}

/** An entry, with its parameter and state names inferred. */
function optimizer<P extends ParamDefs, const L extends string = never, const G extends string = never>(def: OptimizerDef<P, L, G>): OptimizerDef<P, L, G> {
  return def;
}

const beta = (fallback: number, doc: string): ParamDef => ({
  schema: z.number({ error: 'must be a number' }).min(0, { error: 'must be in [0, 1)' }).lt(1, { error: 'must be in [0, 1)' }),
  default: fallback,
  doc,
});

export const OPTIMIZERS = {
  gd: optimizer({
    doc: 'plain gradient descent',
    formula: 'x <- x - s_t g',
    params: {},
    laneState: [],
    groupState: {},
    dependsOnT: false,
    preamble: () => [],
    update: (_, v) => `${v.x} = ${v.x} - ${v.s} * ${v.g};`,
    plain: (_, lane, _group, g, s) => {
      lane.x = lane.x - s * g;
    },
  }),
  momentum: optimizer({
    doc: 'heavy-ball momentum',
    formula: 'v <- beta v + g;  x <- x - s_t v',
    params: { beta: beta(0.9, 'momentum coefficient, in [0, 1)') },
    laneState: ['v'],
    groupState: {},
    dependsOnT: false,
    preamble: () => [],
    update: (p, v) => `${v.state('v')} = ${jsNumber(p.beta)} * ${v.state('v')} + ${v.g}; ${v.x} = ${v.x} - ${v.s} * ${v.state('v')};`,
    plain: (p, lane, _group, g, s) => {
      lane.v = p.beta * lane.v + g;
      lane.x = lane.x - s * lane.v;
    },
  }),
  nesterov: optimizer({
    doc: 'Nesterov momentum, in the form PyTorch uses',
    formula: 'v <- beta v + g;  x <- x - s_t (g + beta v)',
    params: { beta: beta(0.9, 'momentum coefficient, in [0, 1)') },
    laneState: ['v'],
    groupState: {},
    dependsOnT: false,
    preamble: () => [],
    update: (p, v) =>
      `${v.state('v')} = ${jsNumber(p.beta)} * ${v.state('v')} + ${v.g}; ${v.x} = ${v.x} - ${v.s} * (${v.g} + ${jsNumber(p.beta)} * ${v.state('v')});`,
    plain: (p, lane, _group, g, s) => {
      lane.v = p.beta * lane.v + g;
      lane.x = lane.x - s * (g + p.beta * lane.v);
    },
  }),
  adam: optimizer({
    doc: 'Adam with bias correction',
    formula: 'm <- beta1 m + (1 - beta1) g;  u <- beta2 u + (1 - beta2) g^2;  x <- x - s_t (m / (1 - beta1^(t+1))) / (sqrt(u / (1 - beta2^(t+1))) + eps)',
    params: {
      beta1: beta(0.9, 'decay of the mean of g, in [0, 1)'),
      beta2: beta(0.999, 'decay of the mean of g^2, in [0, 1)'),
      eps: {
        schema: z.number({ error: 'must be a number' }).positive({ error: 'must be a positive number' }),
        default: 1e-8,
        doc: 'added to the root of the mean of g^2, > 0',
      },
    },
    laneState: ['m', 'u'],
    // beta1^t and beta2^t, by one multiplication a step.
    groupState: { p1: 1, p2: 1 },
    dependsOnT: true,
    preamble: (p) => [`p1 = p1 * ${jsNumber(p.beta1)}; p2 = p2 * ${jsNumber(p.beta2)};`, 'const bc1 = 1 - p1, bc2 = 1 - p2;'],
    update: (p, v) =>
      `${v.state('m')} = ${jsNumber(p.beta1)} * ${v.state('m')} + ${jsNumber(1 - p.beta1)} * ${v.g}; ` +
      `${v.state('u')} = ${jsNumber(p.beta2)} * ${v.state('u')} + ${jsNumber(1 - p.beta2)} * (${v.g} * ${v.g}); ` +
      `${v.x} = ${v.x} - ${v.s} * ((${v.state('m')} / bc1) / (Math.sqrt(${v.state('u')} / bc2) + ${jsNumber(p.eps)}));`,
    plain: (p, lane, group, g, s) => {
      group.p1 = group.p1 * p.beta1;
      group.p2 = group.p2 * p.beta2;
      const bc1 = 1 - group.p1;
      const bc2 = 1 - group.p2;
      lane.m = p.beta1 * lane.m + (1 - p.beta1) * g;
      lane.u = p.beta2 * lane.u + (1 - p.beta2) * (g * g);
      lane.x = lane.x - s * ((lane.m / bc1) / (Math.sqrt(lane.u / bc2) + p.eps));
    },
  }),
} satisfies Record<string, OptimizerDef>;

export type OptimizerName = keyof typeof OPTIMIZERS;
export const OPTIMIZER_NAMES = Object.keys(OPTIMIZERS) as OptimizerName[];

/** The optimizer of runs whose sweep has no `optimizer` axis: the plain step x <- x - lr f'(x) (with the default schedule). */
export const DEFAULT_OPTIMIZER: OptimizerName = 'gd';

/** An optimizer with its parameters: `{kind: 'momentum', beta: 0.9}`. */
export type OptimizerSpec = { [N in OptimizerName]: { readonly kind: N } & ParamValues<(typeof OPTIMIZERS)[N]['params']> }[OptimizerName];

export function optimizerDef(name: OptimizerName): OptimizerDef {
  return OPTIMIZERS[name];
}

/** A short label for an optimizer: its name, plus any non-default parameter (`momentum(beta=0.5)`). */
export function optimizerLabel(o: OptimizerSpec): string {
  const def = optimizerDef(o.kind);
  return formatLabel(o.kind, def.params, paramsOf(def.params, o));
}

/** Parse a label back (results files carry labels), or null. */
export function parseOptimizerLabel(label: string): OptimizerSpec | null {
  const p = parseLabel(OPTIMIZERS, label);
  return p ? ({ ...p.values, kind: p.name } as OptimizerSpec) : null;
}

/** An optimizer's entry bound to its parameters: what the kernel generator uses. */
export interface ResolvedOptimizer {
  name: OptimizerName;
  laneState: readonly string[];
  /** The group state's names and start values, in slot order. */
  groupState: readonly (readonly [string, number])[];
  dependsOnT: boolean;
  preamble(): string[];
  update(v: LaneVars<string>): string;
  plain(lane: Record<string, number>, group: Record<string, number>, g: number, s: number): void;
}

export function resolveOptimizer(o: OptimizerSpec): ResolvedOptimizer {
  const def = optimizerDef(o.kind);
  const p = paramsOf(def.params, o);
  return {
    name: o.kind,
    laneState: def.laneState,
    groupState: Object.entries(def.groupState),
    dependsOnT: def.dependsOnT,
    preamble: () => def.preamble(p),
    update: (v) => def.update(p, v),
    plain: (lane, group, g, s) => def.plain(p, lane, group, g, s),
  };
}
