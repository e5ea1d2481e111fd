import { describe, expect, it } from 'vitest';
import { count, ordinal, plural, sig6 } from '../../src/format/numbers.js';
import { prettyExpression } from '../../src/objective/pretty.js';
import { deriveExpression } from '../../src/objective/objective.js';
import { parseExpression } from '../../src/objective/grammar.js';
import { parse } from '../../src/objective/mathjs.js';

describe('numbers a person reads', () => {
  it('sig6: at most 6 significant digits; typed values come out as typed', () => {
    expect(sig6(0.002040816424489796)).toBe('0.00204082');
    expect(sig6(0.001)).toBe('0.001');
    expect(sig6(1e-10)).toBe('1e-10');
    expect(sig6(1.0e-4)).toBe('0.0001');
    expect(sig6(2.0408163e-5)).toBe('2.04082e-5');
    expect(sig6(123456.789)).toBe('123457');
    expect(sig6(1.1832913578315177e70)).toBe('1.18329e+70');
    expect(sig6(-0.5)).toBe('-0.5');
    expect(sig6(5e-324)).toBe('4.94066e-324');
    expect([sig6(NaN), sig6(Infinity), sig6(-Infinity), sig6(0)]).toEqual(['NaN', 'inf', '-inf', '0']);
  });

  it('plural and ordinal', () => {
    expect([plural(1, 'run'), plural(0, 'run'), plural(2, 'run'), plural(1000, 'run')]).toEqual(['1 run', '0 runs', '2 runs', '1,000 runs']);
    expect(plural(1, 'point was', 'points were')).toBe('1 point was');
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 1002].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '101st', '111th', '1,002nd']);
    expect(count(1234567)).toBe('1,234,567');
  });
});

describe('formulas as a person writes them', () => {
  const cases: [string, string][] = [
    ['3*x^2 - 3*x + 4', '3x^2 - 3x + 4'],
    ['6 * x - 3', '6x - 3'],
    ['sin(x) * exp(-0.05*x^2)', 'sin(x) exp(-0.05x^2)'],
    ['cos(2*pi*x) + x^2', 'cos(2pi x) + x^2'],
    ['2*(x+1)', '2(x + 1)'],
    ['(x+1)^2', '(x + 1)^2'],
    ['-(x+1)', '-(x + 1)'],
    ['(-x)^2', '(-x)^2'],
    ['x*2', 'x * 2'],
    ['x*x', 'x * x'],
    ['x + -3', 'x - 3'],
    ['x - (x - 1)', 'x - (x - 1)'],
    ['(x^2)^3', '(x^2)^3'],
    ['x/(2*x)', 'x / (2x)'],
  ];
  it.each(cases)('%s -> %s', (src, want) => expect(prettyExpression(src)).toBe(want));

  it('keeps the value: the pretty form parses back to the same function', () => {
    const exprs = ['3*x^2 - 3*x + 4', 'sin(x) * exp(-0.05*x^2)', 'cos(2*pi*x) + x^2', 'x^3 - 2*x / (x^2 + 1)', 'tanh(x) * -1 / 20'];
    for (const e of [...exprs, ...exprs.map((s) => deriveExpression(parseExpression(s)))]) {
      // mathjs reads juxtaposition as multiplication, so the pretty form parses back.
      const f = (x: number) => Number(parse(e).evaluate({ x }));
      const back = prettyExpression(e);
      const g = (x: number) => Number(parse(back).evaluate({ x }));
      for (const x of [-1.7, -0.3, 0.4, 1.9]) expect(g(x), `${e} vs ${back}`).toBeCloseTo(f(x), 12);
    }
  });

  it('derived derivatives read as written: f\'(x) of the builtins', () => {
    expect(prettyExpression(deriveExpression(parseExpression('3*x^2 - 3*x + 4')))).toBe('6x - 3');
    expect(prettyExpression(deriveExpression(parseExpression('cos(2*pi*x) + x^2')))).toBe('2x - 2pi sin(2pi x)');
  });
});
