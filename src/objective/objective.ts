/**
 * An objective ready to run: f and f' as JS source (for generated kernels)
 * and as functions (for traces and the report), with the curvature where it
 * is constant (quadratics), which the report uses for theory curves.
 */
import { derivative, parse, simplify, type MathNode } from './mathjs.js';
import { toFunction, toJs } from './compile.js';
import { parseExpression, type GrammarLimits, DEFAULT_GRAMMAR_LIMITS } from './grammar.js';

export interface ObjectiveSource {
  /** f(x) as written (or the builtin's formula). */
  expr: string;
  /** f'(x): as given, or derived symbolically. */
  derivative: string;
}

export interface CompiledObjective extends ObjectiveSource {
  fSource: string;
  dfSource: string;
  f: (x: number) => number;
  df: (x: number) => number;
  /** f'' where it is a constant, else null. */
  curvature: number | null;
}

export class DerivativeError extends Error {}

/** Largest tree, and longest chain of + - or * operands, that simplify() is given. */
const SIMPLIFY_MAX_NODES = 50;
const SIMPLIFY_MAX_CHAIN = 8;

/**
 * mathjs's simplify() is exponential in the operands of a sum or product
 * (x+x+...+x with 25 terms takes half a minute), so only small trees are
 * simplified; larger ones keep the raw derivative, which is just as exact.
 */
export function simplifiable(node: MathNode): boolean {
  let nodes = 0;
  let ok = true;
  const chain = (n: MathNode, ops: readonly string[]): number => {
    const op = n as MathNode & { op?: string; args?: MathNode[] };
    if (n.type === 'OperatorNode' && op.args?.length === 2 && ops.includes(op.op ?? '')) {
      return op.args.reduce((a, c) => a + chain(c, ops), 0);
    }
    return 1;
  };
  node.traverse((n: MathNode) => {
    nodes++;
    const op = n as MathNode & { op?: string };
    if (n.type === 'OperatorNode' && (op.op === '+' || op.op === '-') && chain(n, ['+', '-']) > SIMPLIFY_MAX_CHAIN) ok = false;
    if (n.type === 'OperatorNode' && op.op === '*' && chain(n, ['*']) > SIMPLIFY_MAX_CHAIN) ok = false;
  });
  return ok && nodes <= SIMPLIFY_MAX_NODES;
}

function tidy(node: MathNode): MathNode {
  return simplifiable(node) ? simplify(node) : node;
}

/** f' symbolically, as a string in the grammar. */
export function deriveExpression(node: MathNode): string {
  let d: MathNode;
  try {
    d = derivative(node, 'x', { simplify: false });
    d = tidy(d);
  } catch (err) {
    throw new DerivativeError(`cannot differentiate: ${(err as Error).message}; give objective.derivative`);
  }
  return d.toString();
}

function constantCurvature(dfNode: MathNode): number | null {
  try {
    const raw = derivative(dfNode, 'x', { simplify: false });
    if (!simplifiable(raw)) return null;
    const d2 = simplify(raw);
    if (d2.type !== 'ConstantNode') return null;
    const v = Number((d2 as MathNode & { value: unknown }).value);
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

export function compileObjective(src: ObjectiveSource, limits: GrammarLimits = DEFAULT_GRAMMAR_LIMITS): CompiledObjective {
  const fNode = parseExpression(src.expr, limits);
  // Derived derivatives may contain sec/sech etc., so they are parsed by mathjs directly.
  const dfNode = parseExpressionOrDerived(src.derivative, limits);
  const fSource = toJs(fNode);
  const dfSource = toJs(dfNode);
  return {
    ...src,
    fSource,
    dfSource,
    f: toFunction(fSource),
    df: toFunction(dfSource),
    curvature: constantCurvature(dfNode),
  };
}

function parseExpressionOrDerived(s: string, limits: GrammarLimits): MathNode {
  try {
    return parseExpression(s, limits);
  } catch {
    // A derived f' may use sec, sech, ... which the user grammar refuses;
    // toJs() compiles only a fixed set of node kinds, so this stays closed.
    return parse(s);
  }
}
