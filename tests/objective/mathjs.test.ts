/**
 * src/objective/mathjs.ts builds its own mathjs instance from the factories
 * of parse, derivative and simplify (and the functions simplify may call by
 * name). It must answer exactly as mathjs's full bundle does, for every tree
 * that the grammar or compile.ts lets through: same trees, same derivatives,
 * same simplified forms, same parse errors.
 */
import { createRequire } from 'node:module';
import type * as MathJs from 'mathjs';
import { describe, expect, it } from 'vitest';
import * as light from '../../src/objective/mathjs.js';
import { BUILTINS } from '../../src/objective/builtins.js';
import { simplifiable } from '../../src/objective/objective.js';

const full = createRequire(import.meta.url)('mathjs/lib/browser/math.js') as typeof MathJs;

type Lib = Pick<typeof MathJs, 'parse' | 'derivative' | 'simplify'>;

/** What gdsweep asks of mathjs for an expression: f, f' (raw and simplified), f'' simplified, as text. */
function pipeline(m: Lib, src: string): string[] {
  const out: string[] = [];
  let node: MathJs.MathNode;
  try {
    node = m.parse(src);
  } catch (err) {
    const e = err as Error & { char?: number };
    return [`parse error: ${e.message} @${e.char}`];
  }
  out.push(node.toString(), node.type);
  for (let order = 0; order < 2; order++) {
    try {
      const d = m.derivative(node, 'x', { simplify: false });
      out.push(d.toString());
      node = simplifiable(d) ? m.simplify(d) : d;
      out.push(node.toString(), node.type, String((node as MathJs.MathNode & { value?: unknown }).value));
    } catch (err) {
      out.push(`error: ${(err as Error).message}`);
      break;
    }
  }
  return out;
}

/** Small random expressions of the grammar, from a fixed seed. */
function grammarExpressions(n: number): string[] {
  let s = 12345;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const leaf = () => pick(['x', 'x', 'x', 'pi', 'e', '0', '1', '2', '3', '0.5', '0.05', '1e-3', '2.5e2', '10']);
  const expr = (depth: number): string => {
    if (depth === 0 || rand() < 0.25) return leaf();
    switch (pick(['bin', 'bin', 'bin', 'fn', 'neg', 'paren'])) {
      case 'bin':
        return `${expr(depth - 1)} ${pick(['+', '-', '*', '/', '^'])} ${expr(depth - 1)}`;
      case 'fn':
        return `${pick(['sin', 'cos', 'tan', 'exp', 'log', 'sqrt', 'abs', 'tanh'])}(${expr(depth - 1)})`;
      case 'neg':
        return `-${expr(depth - 1)}`;
      default:
        return `(${expr(depth - 1)})`;
    }
  };
  return Array.from({ length: n }, () => expr(4));
}

describe('the mathjs instance of src/objective/mathjs.ts', () => {
  it('answers as the full bundle for the builtins and the sweeps in the repository', () => {
    const exprs = [
      ...BUILTINS.map((b) => b.expr),
      '3*x^2 - 3*x + 4',
      '6*x - 3',
      'sin(x)*exp(-0.05*x^2)',
      'cos(3*x) + 0.1*x^2',
      'x^4 - 3*x^2 + x',
      'sqrt(abs(x)) + tanh(x) - e^(-x^2) * cos(2*pi*x) / (1 + x^4)',
      'log(x^2 + 1)',
      'tan(x/4)',
      'exp(-x) * x^2',
      '2x + 3 pi x',
    ];
    for (const e of exprs) expect(pipeline(light, e), e).toEqual(pipeline(full, e));
  });

  it('answers as the full bundle for random expressions of the grammar', () => {
    for (const e of grammarExpressions(150)) expect(pipeline(light, e), e).toEqual(pipeline(full, e));
  });

  it('folds the same constants: every operator parse() makes, every function compile.ts compiles', () => {
    const exprs = [
      // Operators outside the grammar that a given f' may hold in a constant factor.
      'x * (7 % 3)', 'x * (5!)', 'x * (1 == 1)', 'x * (1 != 2)', 'x * (1 < 2)', 'x * (2 > 1)', 'x * (1 <= 1)', 'x * (1 >= 2)',
      'x * (6 & 3)', 'x * (6 | 3)', 'x * (6 ^| 3)', 'x * (1 << 3)', 'x * (-8 >> 1)', 'x * (-8 >>> 28)', 'x * (~2)', 'x * (not 0)',
      'x * (1 and 0)', 'x * (1 or 0)', 'x * (1 xor 1)', 'x * (2 .* 3)', 'x * (6 ./ 4)', 'x * (2 .^ 3)', "x * (2')", 'x * (null ?? 3)', 'x * 50%',
      'x * (5 mod 3)', 'x * +2', 'x^2 * -(3)',
      // Functions derivative() writes and compile.ts compiles.
      'x * sec(2)', 'x * csc(2)', 'x * cot(2)', 'x * sech(2)', 'x * csch(2)', 'x * coth(2)', 'x * sinh(2)', 'x * cosh(2)', 'x * sign(-2)',
      'sec(x)', 'csc(x)', 'cot(x)', 'sech(x)', 'csch(x)', 'coth(x)', 'sinh(x)', 'cosh(x)', 'sign(x)',
      'x * sin(pi)', 'x * exp(1)', 'x * log(e)', 'x * sqrt(2)', 'x * abs(-3)', 'x * tanh(0.5)', 'x * tan(1)', 'x * cos(0)',
      'x * 1/3', 'x * 2^-1', 'x * 0.1 + x * 0.2', 'x^0.5', 'x^(1/3)', '(-8)^(1/3) * x',
    ];
    for (const e of exprs) expect(pipeline(light, e), e).toEqual(pipeline(full, e));
  });

  it('reports the same parse errors', () => {
    for (const e of ['', 'x +', '(x', 'x)', '2 ** x', 'sin(', 'x ? 1', '1e', '#', 'x[1', '"a', 'f(x) = ', '3 x y z +']) {
      expect(pipeline(light, e), e).toEqual(pipeline(full, e));
    }
  });
});
