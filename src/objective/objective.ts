/**
 * An objective ready to run: f and f' as JS source (for generated kernels)
 * and as functions (for traces and the report), with the curvature where it
 * is constant (quadratics), which the report uses for theory curves.
 */
import { derivative, parse, simplify, type MathNode } from './mathjs.js';
import { toFunction, toJs } from './compile.js';
import { parseExpression, type GrammarLimits, DEFAULT_GRAMMAR_LIMITS } from './grammar.js';
import { checkDerivative, describeDisagreement, samplePoints, type Disagreement } from './check.js';

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

/** Numbers of the tree as mathjs holds them. */
function constantValue(n: MathNode): number | null {
  if (n.type === 'ParenthesisNode') return constantValue((n as MathNode & { content: MathNode }).content);
  if (n.type === 'ConstantNode') {
    const v = Number((n as MathNode & { value: unknown }).value);
    return Number.isFinite(v) ? v : null;
  }
  const op = n as MathNode & { op?: string; args?: MathNode[]; fn?: string };
  if (n.type === 'OperatorNode' && op.args?.length === 1 && op.op === '-') {
    const v = constantValue(op.args[0] as MathNode);
    return v === null ? null : -v;
  }
  if (n.type === 'OperatorNode' && op.args?.length === 2 && op.op === '/') {
    const a = constantValue(op.args[0] as MathNode);
    const b = constantValue(op.args[1] as MathNode);
    return a === null || b === null ? null : a / b;
  }
  return null;
}

function isEvenPower(n: MathNode): boolean {
  const op = n as MathNode & { op?: string; args?: MathNode[] };
  if (n.type !== 'OperatorNode' || op.op !== '^' || op.args?.length !== 2) return false;
  const p = constantValue(op.args[1] as MathNode);
  return p !== null && Number.isInteger(p) && p % 2 === 0;
}

function contains(node: MathNode, test: (n: MathNode) => boolean): boolean {
  let found = false;
  node.traverse((n: MathNode) => {
    if (!found && test(n)) found = true;
  });
  return found;
}

/**
 * Trees that simplify() gets wrong for some real x: it treats abs() and
 * even powers under a root as if their argument were positive, so that
 * sqrt(x^2) and (x^2)^0.5 become x, and (x^2)^1.5 becomes x^3. Their
 * derivatives are kept as differentiated.
 */
export function unsafeToSimplify(node: MathNode): boolean {
  return contains(node, (n) => {
    const op = n as MathNode & { op?: string; args?: MathNode[]; fn?: { name?: string } };
    if (n.type === 'FunctionNode') {
      const name = op.fn?.name;
      if (name === 'abs' || name === 'sign') return true;
      if (name === 'sqrt') return contains(op.args?.[0] as MathNode, isEvenPower);
      return false;
    }
    if (n.type === 'OperatorNode' && op.op === '^' && op.args?.length === 2) {
      const p = constantValue(op.args[1] as MathNode);
      // A power that is not a whole number, over a base holding an even power.
      if (p === null || !Number.isInteger(p)) return contains(op.args[0] as MathNode, isEvenPower);
    }
    return false;
  });
}

/**
 * f' symbolically, as strings in the grammar, best first: simplified (where
 * simplify() can be trusted with the tree), then as differentiated.
 * Callers pick the first one that agrees with f numerically
 * (chooseDerivative); the raw one is exact wherever it is defined.
 */
export function derivativeCandidates(node: MathNode): string[] {
  let raw: MathNode;
  try {
    raw = derivative(node, 'x', { simplify: false });
  } catch (err) {
    throw new DerivativeError(`cannot differentiate: ${(err as Error).message}; give objective.derivative`);
  }
  const out: string[] = [];
  if (simplifiable(raw) && !unsafeToSimplify(node) && !unsafeToSimplify(raw)) {
    try {
      out.push(simplify(raw).toString());
    } catch {
      // the raw derivative below is just as exact
    }
  }
  const r = raw.toString();
  if (!out.includes(r)) out.push(r);
  return out;
}

/** A function of x from an expression string (grammar, or a derivative mathjs wrote). */
export function expressionFunction(s: string, limits: GrammarLimits = DEFAULT_GRAMMAR_LIMITS): (x: number) => number {
  return toFunction(toJs(parseExpressionOrDerived(s, limits)));
}

/**
 * The first candidate derivative that agrees with f at the points, or a
 * DerivativeError saying where the last one disagreed.
 */
export function chooseDerivative(f: (x: number) => number, candidates: readonly string[], points: readonly number[], limits: GrammarLimits = DEFAULT_GRAMMAR_LIMITS): string {
  let last: { candidate: string; d: Disagreement } | null = null;
  for (const c of candidates) {
    const d = checkDerivative(f, expressionFunction(c, limits), points);
    if (!d) return c;
    last = { candidate: c, d };
  }
  if (!last) throw new DerivativeError('cannot differentiate; give objective.derivative');
  throw new DerivativeError(`the symbolic derivative f'(x) = ${last.candidate} does not match f: ${describeDisagreement(last.d)}; give objective.derivative`);
}

/** f' symbolically, checked against f at the points (by default over [-2, 2]). */
export function deriveExpression(node: MathNode, points: readonly number[] = samplePoints([-2, 2])): string {
  const candidates = derivativeCandidates(node);
  return chooseDerivative(toFunction(toJs(node)), candidates, points, { maxLength: Infinity, maxDepth: Infinity });
}

function constantCurvature(dfNode: MathNode): number | null {
  // simplify() would call 6 * abs(x) or (x^2)^0.5 / x constant.
  if (unsafeToSimplify(dfNode)) return null;
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
