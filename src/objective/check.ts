/**
 * A derivative checked against the function it belongs to: f'(x) from the
 * compiled derivative against a central difference of the compiled f at
 * sample points. Symbolic simplification can be wrong where a rule assumes
 * more than holds for real x (sqrt(x^2) = x, (x^2)^1.5 = x^3), and a
 * derivative typed by hand can be wrong; either would make every run of a
 * sweep descend along the wrong slope without a word.
 *
 * A point is used only where the difference is trustworthy: f finite at the
 * five stencil points, and no kink (the one-sided slopes of a smooth f part
 * in proportion to the step; at a kink they part by a fixed jump).
 */

/** Points checked across the sampled range. */
export const CHECK_SAMPLES = 64;
/** Relative tolerance between f' and the difference. */
const RTOL = 1e-4;
const EPS = Number.EPSILON;
/** A fraction that keeps samples off round numbers such as 0, where kinks and poles like to sit. */
const OFFSET = 0.3819660112501051;

export interface Disagreement {
  x: number;
  /** What the derivative gives (may be NaN or infinite). */
  derivative: number;
  /** What the central difference of f gives. */
  difference: number;
}

/** Step for x: relative to |x| away from 0, so that x + h differs from x. */
function step(x: number): number {
  return 2 ** -17 * Math.max(1, Math.abs(x));
}

/**
 * The derivative at x against f there: null when they agree or when the
 * point cannot judge (f not finite, a kink, a step that cannot be taken).
 */
export function checkPoint(f: (x: number) => number, df: (x: number) => number, x: number): Disagreement | null {
  if (!Number.isFinite(x)) return null;
  const h = step(x);
  if (!Number.isFinite(x + 2 * h) || !Number.isFinite(x - 2 * h) || x + h === x) return null;
  const f0 = f(x);
  const fp = f(x + h);
  const fm = f(x - h);
  const fp2 = f(x + 2 * h);
  const fm2 = f(x - 2 * h);
  if (![f0, fp, fm, fp2, fm2].every(Number.isFinite)) return null;
  // Rounding in f shows up in a difference quotient divided by h.
  const noise = (8 * EPS * Math.max(Math.abs(f0), Math.abs(fp), Math.abs(fm), Math.abs(fp2), Math.abs(fm2))) / h;
  const cd1 = (fp - fm) / (2 * h);
  const cd2 = (fp2 - fm2) / (4 * h);
  if (!Number.isFinite(cd1) || !Number.isFinite(cd2)) return null;
  // One-sided slopes part by about h f'' (smooth) or by a fixed jump (a kink).
  const d1 = (fp - 2 * f0 + fm) / h;
  const d2 = (fp2 - 2 * f0 + fm2) / (2 * h);
  if (!Number.isFinite(d1) || !Number.isFinite(d2)) return null;
  if (Math.abs(2 * d1 - d2) > 0.1 * (Math.abs(d1) + Math.abs(d2)) + 8 * noise) return null;
  const d = df(x);
  if (!Number.isFinite(d)) return { x, derivative: d, difference: cd1 };
  // cd1 is off by about h^2 f'''/6; cd1 - cd2 (three times that) bounds it.
  const tol = RTOL * Math.max(Math.abs(d), Math.abs(cd1)) + 8 * noise + 2 * Math.abs(cd1 - cd2);
  return Math.abs(d - cd1) <= tol ? null : { x, derivative: d, difference: cd1 };
}

/** Sample points over [lo, hi], kept off its round numbers, and the extra points given. */
export function samplePoints(range: [number, number], extra: readonly number[] = []): number[] {
  const [lo, hi] = range;
  const out: number[] = [];
  if (Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi) {
    for (let i = 0; i < CHECK_SAMPLES; i++) {
      // lo/N + ... keeps lo + (hi - lo) from overflowing on the widest ranges.
      const t = (i + OFFSET) / CHECK_SAMPLES;
      out.push(lo + t * hi - t * lo);
    }
  }
  for (const x of extra) if (Number.isFinite(x)) out.push(x);
  return out;
}

/** The range a sweep's objective is checked on: its domain, else the starts widened by 1. */
export function checkRange(domain: [number, number] | null, starts: readonly number[]): [number, number] {
  if (domain) return domain;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of starts) {
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  return Number.isFinite(lo) && Number.isFinite(hi) ? [lo - 1, hi + 1] : [-1, 1];
}

/** The first point where f' and f disagree, or null. */
export function checkDerivative(f: (x: number) => number, df: (x: number) => number, points: readonly number[]): Disagreement | null {
  for (const x of points) {
    const d = checkPoint(f, df, x);
    if (d) return d;
  }
  return null;
}

/** "at x = -0.7 f' gives -0.4, a central difference of f -2.4". */
export function describeDisagreement(d: Disagreement): string {
  const n = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v));
  return `at x = ${n(d.x)} it gives ${n(d.derivative)}, but a central difference of f gives ${n(d.difference)}`;
}
