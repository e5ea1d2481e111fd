import { describe, expect, it } from 'vitest';
import { compileObjective, deriveExpression } from '../../src/objective/objective.js';
import { ExpressionError, parseExpression } from '../../src/objective/grammar.js';
import { BUILTINS } from '../../src/objective/builtins.js';

describe('objectives', () => {
  it('derives and compiles the seed quadratic exactly', () => {
    const o = compileObjective({ expr: '3*x^2 - 3*x + 4', derivative: deriveExpression(parseExpression('3*x^2 - 3*x + 4')) });
    expect(o.derivative).toBe('6 * x - 3');
    expect(o.curvature).toBe(6);
    expect(o.f(0.5)).toBe(3.25);
    expect(o.df(2)).toBe(9);
    expect(o.dfSource).not.toMatch(/math|evaluate/i);
  });

  it('derives the companion functions correctly (checked against central differences)', () => {
    for (const b of BUILTINS) {
      const o = compileObjective({ expr: b.expr, derivative: deriveExpression(parseExpression(b.expr)) });
      for (const x of [-1.7, -0.3, 0.2, 1.1]) {
        const h = 1e-6;
        const numeric = (o.f(x + h) - o.f(x - h)) / (2 * h);
        expect(Math.abs(o.df(x) - numeric)).toBeLessThan(1e-6);
      }
      expect(o.curvature === null).toBe(b.name !== 'seed-quadratic');
      // Each listed minimum is a stationary point.
      for (const m of b.minima) expect(Math.abs(o.df(m))).toBeLessThan(1e-12);
    }
  });

  it('accepts the grammar: functions, constants, unary minus, powers', () => {
    const o = compileObjective({ expr: 'sqrt(abs(x)) + tanh(x) - e^(-x^2) * cos(2*pi*x) / (1 + x^4)', derivative: '1' });
    expect(Number.isFinite(o.f(0.3))).toBe(true);
  });

  const refused: [string, number, RegExp][] = [
    ['process.exit()', 0, /unknown name 'process'/],
    ['x.constructor', 1, /unexpected '\.'/],
    ['y + 1', 0, /unknown name 'y'/],
    ['evaluate("1")', 0, /unknown name 'evaluate'/],
    ['[1,2]', 0, /unexpected '\['/],
    ['x = 1', 2, /unexpected '='/],
    ['sin(x, 2)', 5, /unexpected ','/],
    ['this', 0, /unknown name 'this'/],
    ['x ? 1 : 2', 2, /unexpected '\?'/],
    ['3 * (x + 1', 10, /missing '\)'/],
    ['sin x', 0, /must be called with one argument/],
    ['x(2)', 0, /'x' is not a function/],
    ['2 +', 3, /cannot parse/],
  ];
  for (const [src, offset, msg] of refused) {
    it(`refuses ${JSON.stringify(src)} at offset ${offset}`, () => {
      let caught: unknown;
      try {
        parseExpression(src);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ExpressionError);
      expect((caught as ExpressionError).message).toMatch(msg);
      expect((caught as ExpressionError).offset).toBe(offset);
    });
  }

  it('refuses deep nesting and long expressions before parsing them', () => {
    expect(() => parseExpression('('.repeat(10000) + 'x' + ')'.repeat(10000), { maxLength: 1e6, maxDepth: 64 })).toThrow(/nested deeper than 64/);
    expect(() => parseExpression('x+'.repeat(2000) + 'x')).toThrow(/more than 2000/);
  });
});
