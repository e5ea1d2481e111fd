import { describe, expect, it } from 'vitest';
import { chooseDerivative, compileObjective, deriveExpression, DerivativeError, derivativeCandidates, expressionFunction, unsafeToSimplify } from '../../src/objective/objective.js';
import { checkDerivative, checkPoint, samplePoints } from '../../src/objective/check.js';
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

  describe('derivatives checked against f', () => {
    const df = (expr: string) => {
      const d = deriveExpression(parseExpression(expr));
      return { text: d, fn: expressionFunction(d) };
    };
    const xs = [-1.9, -1, -0.3, 0.2, 0.7, 1.6];

    it('does not simplify across even powers under roots: (x^2)^0.5 + x^2, (x^2)^1.5, sqrt(x^2), (x^2)^(1/3)', () => {
      const cases: [string, (x: number) => number][] = [
        ['(x^2)^0.5 + x^2', (x) => Math.sign(x) + 2 * x],
        ['(x^2)^1.5', (x) => 3 * x * Math.abs(x)],
        ['sqrt(x^2)', (x) => Math.sign(x)],
        ['(x^2)^(1/3)', (x) => ((2 / 3) * Math.sign(x)) / Math.cbrt(Math.abs(x))],
        ['abs(x)^3 - x', (x) => 3 * x * Math.abs(x) - 1],
      ];
      for (const [expr, truth] of cases) {
        const { text, fn } = df(expr);
        expect(text).not.toBe('2 * x + 1');
        for (const x of xs) expect(fn(x), `${expr} at ${x}: ${text}`).toBeCloseTo(truth(x), 10);
      }
    });

    it('still simplifies where simplify() can be trusted', () => {
      expect(df('3*x^2 - 3*x + 4').text).toBe('6 * x - 3');
      expect(df('cos(2*pi*x) + x^2').text).toBe('2 * x - 2 * pi * sin(2 * pi * x)');
      expect(unsafeToSimplify(parseExpression('x^2 + sin(x)^0.5'))).toBe(false);
      for (const e of ['abs(x)', 'sqrt(x^2)', '(x^2)^0.5', '(1 + x^4)^(1/4)', 'sqrt(3 + x^2)']) expect(unsafeToSimplify(parseExpression(e)), e).toBe(true);
    });

    it('keeps the simplified candidate first and the raw one as the fallback', () => {
      const c = derivativeCandidates(parseExpression('x^2'));
      expect(c).toEqual(['2 * x', '2 * 1 * x ^ (2 - 1)']);
      expect(derivativeCandidates(parseExpression('(x^2)^1.5'))).toEqual(['1.5 * (2 * 1 * x ^ (2 - 1)) * (x ^ 2) ^ (1.5 - 1)']);
    });

    it('falls back to the next candidate where one disagrees, and refuses when none agrees', () => {
      const f = expressionFunction('(x^2)^1.5');
      const pts = samplePoints([-2, 2]);
      expect(chooseDerivative(f, ['3 * x ^ 2', '3 * x * abs(x)'], pts)).toBe('3 * x * abs(x)');
      let caught: unknown;
      try {
        chooseDerivative(f, ['3 * x ^ 2', '3 * x'], pts);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(DerivativeError);
      expect((caught as Error).message).toBe("the symbolic derivative f'(x) = 3 * x does not match f: at x = -1.97613 it gives -5.92838, but a central difference of f gives -11.7152; give objective.derivative");
    });

    it('flags a wrong derivative and accepts right ones, skipping kinks and points where f is not finite', () => {
      const pts = samplePoints([-2, 2], [0]);
      const seed = expressionFunction('3*x^2 - 3*x + 4');
      expect(checkDerivative(seed, expressionFunction('6*x - 3'), pts)).toBeNull();
      expect(checkDerivative(seed, expressionFunction('6*x + 3'), pts)).toMatchObject({ x: -1.9761271242968683, derivative: expect.closeTo(-8.8568, 3), difference: expect.closeTo(-14.8568, 3) });
      // abs at its kink: f'(0) = NaN from abs(x)/x is not held against it.
      expect(checkPoint(Math.abs, (x) => Math.abs(x) / x, 0)).toBeNull();
      expect(checkPoint(Math.abs, (x) => Math.abs(x) / x, 1e-7)).toBeNull();
      expect(checkDerivative(Math.abs, (x) => Math.abs(x) / x, pts)).toBeNull();
      // sqrt is NaN below 0 and steep at 0+.
      expect(checkDerivative(Math.sqrt, (x) => 0.5 / Math.sqrt(x), pts)).toBeNull();
      // A derivative that is not finite where f is smooth is wrong.
      expect(checkPoint((x) => x * x, () => NaN, 0.5)).toMatchObject({ x: 0.5 });
      // Large, small and steep functions: tolerances scale with them.
      expect(checkDerivative((x) => 1e6 + x * x, (x) => 2 * x, pts)).toBeNull();
      expect(checkDerivative((x) => 1e-300 * x * x, (x) => 2e-300 * x, pts)).toBeNull();
      expect(checkDerivative((x) => Math.exp(30 * x), (x) => 30 * Math.exp(30 * x), pts)).toBeNull();
      expect(checkDerivative((x) => Math.sin(1e4 * x), (x) => 1e4 * Math.cos(1e4 * x), pts)).toBeNull();
      expect(checkDerivative((x) => Math.sin(1e3 * x), (x) => -1e3 * Math.cos(1e3 * x), pts)).not.toBeNull();
      // A tan whose argument moves by about pi per step looks slow to the step: such points are left out.
      expect(checkDerivative((x) => Math.tan(4e5 * x), (x) => 4e5 / Math.cos(4e5 * x) ** 2, pts)).toBeNull();
    });

    it('samples the widest finite ranges without overflow', () => {
      const pts = samplePoints([-Number.MAX_VALUE, Number.MAX_VALUE], [5e-324, Infinity]);
      expect(pts.every(Number.isFinite)).toBe(true);
      expect(pts.length).toBe(65);
    });
  });
});
