/**
 * Compile a whitelisted mathjs tree to JavaScript source over `x`, so the hot
 * loop can inline it: no interpreter call per step. The derivative trees that
 * mathjs produces may use a few functions outside the user grammar (sec,
 * sech, ...); they are compiled here but never accepted from a sweep file.
 */
import type { MathNode } from 'mathjs';

const JS_FUNCTIONS: Record<string, (a: string) => string> = {
  sin: (a) => `Math.sin(${a})`,
  cos: (a) => `Math.cos(${a})`,
  tan: (a) => `Math.tan(${a})`,
  exp: (a) => `Math.exp(${a})`,
  log: (a) => `Math.log(${a})`,
  sqrt: (a) => `Math.sqrt(${a})`,
  abs: (a) => `Math.abs(${a})`,
  tanh: (a) => `Math.tanh(${a})`,
  sinh: (a) => `Math.sinh(${a})`,
  cosh: (a) => `Math.cosh(${a})`,
  sign: (a) => `Math.sign(${a})`,
  sec: (a) => `(1 / Math.cos(${a}))`,
  csc: (a) => `(1 / Math.sin(${a}))`,
  cot: (a) => `(1 / Math.tan(${a}))`,
  sech: (a) => `(1 / Math.cosh(${a}))`,
  csch: (a) => `(1 / Math.sinh(${a}))`,
  coth: (a) => `(1 / Math.tanh(${a}))`,
};

const CONSTANT_VALUES: Record<string, number> = { pi: Math.PI, e: Math.E };

function literal(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '(-Infinity)';
  return Object.is(v, -0) ? '(-0)' : `(${String(v)})`;
}

/** JS source for the tree, with `x` as the only free variable. */
export function toJs(node: MathNode, variable = 'x'): string {
  switch (node.type) {
    case 'ConstantNode':
      return literal(Number((node as MathNode & { value: unknown }).value));
    case 'SymbolNode': {
      const name = (node as MathNode & { name: string }).name;
      if (name === 'x') return variable;
      const c = CONSTANT_VALUES[name];
      if (c === undefined) throw new Error(`cannot compile symbol ${name}`);
      return literal(c);
    }
    case 'ParenthesisNode':
      return toJs((node as MathNode & { content: MathNode }).content, variable);
    case 'OperatorNode': {
      const op = node as MathNode & { op: string; args: MathNode[] };
      const args = op.args.map((a) => toJs(a, variable));
      if (args.length === 1) return `(${op.op}${args[0]})`;
      const [a, b] = args as [string, string];
      if (op.op === '^') {
        const exponent = op.args[1] as MathNode & { value?: unknown };
        // Small integer powers as products: exact as NumPy's x**2 and inlinable.
        if (exponent.type === 'ConstantNode' && typeof exponent.value === 'number') {
          const n = exponent.value;
          if (n === 1) return a;
          if (n === 2) return `(${a} * ${a})`;
          if (n === 3) return `(${a} * ${a} * ${a})`;
        }
        return `Math.pow(${a}, ${b})`;
      }
      return `(${a} ${op.op} ${b})`;
    }
    case 'FunctionNode': {
      const fn = node as MathNode & { fn: { name: string }; args: MathNode[] };
      const emit = JS_FUNCTIONS[fn.fn.name];
      if (!emit || fn.args.length !== 1) throw new Error(`cannot compile function ${fn.fn.name}`);
      return emit(toJs(fn.args[0] as MathNode, variable));
    }
    default:
      throw new Error(`cannot compile ${node.type}`);
  }
}

/** A plain JS function of x from compiled source: the one place f and f' become functions (objective, descent and the kernels' scalar f and f'). */
export function toFunction(source: string): (x: number) => number {
  // The source is generated from a whitelisted tree, never from raw input.
  return new Function('x', `"use strict"; return ${source};`) as (x: number) => number;
}
