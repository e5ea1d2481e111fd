/**
 * A derivative checked against the function it belongs to: f'(x) from the
 * compiled derivative against a central difference of the compiled f at
 * sample points. Symbolic simplification can be wrong where a rule assumes
 * more than holds for real x (sqrt(x^2) = x, (x^2)^1.5 = x^3), and a
 * derivative typed by hand can be wrong; either would make every run of a
 * sweep descend along the wrong slope without a word.
 *
 * A point is used only where the difference is trustworthy: f finite at
 * every stencil point, no kink (the one-sided slopes of a smooth f part in
 * proportion to the step; at a kink they part by a fixed jump), and f
 * resolved by the step (differences at h, 2h, 4h and at an incommensurate
 * step agree). There f' must be a number within a relative tolerance of the
 * difference, plus the difference's own error and a billionth of f's typical
 * slope.
 */

/** Points checked across the sampled range. */
export const CHECK_SAMPLES = 64;
/** Relative tolerance between f' and the difference. */
const RTOL = 1e-4;
const EPS = Number.EPSILON;
/** A fraction that keeps samples off round numbers such as 0, where kinks and poles like to sit. */
const OFFSET = 0.3819660112501051;
/** The golden ratio's fractional part: a second step length no ratio of small whole numbers to the first. */
const GOLDEN = 0.6180339887498949;

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

/** What a point says about f' there: the derivative, and the central difference with how far it can be trusted. */
interface Probe {
  x: number;
  derivative: number;
  difference: number;
  /** Bound on the difference's own error: truncation (from the h and 2h differences) and rounding in f. */
  error: number;
}

/**
 * f and f' at x, or null where the point cannot judge: f not finite on the
 * stencil, a kink (one-sided slopes that part by a fixed jump rather than in
 * proportion to the step), or a function the step does not resolve (the
 * differences at h, 2h and 4h do not converge).
 */
function probe(f: (x: number) => number, df: (x: number) => number, x: number): Probe | null {
  if (!Number.isFinite(x)) return null;
  const h = step(x);
  if (!Number.isFinite(x + 4 * h) || !Number.isFinite(x - 4 * h) || x + h === x) return null;
  const f0 = f(x);
  const fp = f(x + h);
  const fm = f(x - h);
  const fp2 = f(x + 2 * h);
  const fm2 = f(x - 2 * h);
  const fp4 = f(x + 4 * h);
  const fm4 = f(x - 4 * h);
  const values = [f0, fp, fm, fp2, fm2, fp4, fm4];
  if (!values.every(Number.isFinite)) return null;
  // Rounding in f shows up in a difference quotient divided by h.
  const noise = (8 * EPS * Math.max(...values.map(Math.abs))) / h;
  const cd1 = (fp - fm) / (2 * h);
  const cd2 = (fp2 - fm2) / (4 * h);
  const cd4 = (fp4 - fm4) / (8 * h);
  if (![cd1, cd2, cd4].every(Number.isFinite)) return null;
  // One-sided slopes part by about h f'' (smooth) or by a fixed jump (a kink).
  const d1 = (fp - 2 * f0 + fm) / h;
  const d2 = (fp2 - 2 * f0 + fm2) / (2 * h);
  if (!Number.isFinite(d1) || !Number.isFinite(d2)) return null;
  if (Math.abs(2 * d1 - d2) > 0.1 * (Math.abs(d1) + Math.abs(d2)) + 8 * noise) return null;
  // A resolved f: the differences at h, 2h and 4h agree to a per cent, and
  // halving the step shrinks their error about fourfold (an f that turns
  // within a few steps, such as sin(exp(13/x)) near 0.27, gives differences
  // that agree by chance only).
  const e1 = Math.abs(cd1 - cd2);
  const e2 = Math.abs(cd2 - cd4);
  if (e2 > 8 * noise && (e1 > 0.5 * e2 || e2 > 0.01 * Math.max(Math.abs(cd1), Math.abs(cd2), Math.abs(cd4)))) return null;
  // A step that is (nearly) a period of f sees a slow f where it turns fast
  // (tan of an argument that moves by about pi per step): a step of another
  // length, not a ratio of small whole numbers to h, must give the same difference.
  const g = h * GOLDEN;
  const fpg = f(x + g);
  const fmg = f(x - g);
  const cdg = (fpg - fmg) / (2 * g);
  if (!Number.isFinite(cdg)) return null;
  if (Math.abs(cdg - cd1) > 2 * e1 + (8 * noise * h) / g + 1e-3 * Math.max(Math.abs(cd1), Math.abs(cdg))) return null;
  return { x, derivative: df(x), difference: cd1, error: 2 * e1 + 8 * noise };
}

/**
 * The derivative at x against f there: null when they agree or when the
 * point cannot judge. `slope`: the typical |f'| of the function, below a
 * billionth of which a difference is rounding (f flat in float64 where f'
 * is 1e-24 is no disagreement).
 */
export function checkPoint(f: (x: number) => number, df: (x: number) => number, x: number, slope = 0): Disagreement | null {
  const p = probe(f, df, x);
  if (!p) return null;
  const d = p.derivative;
  // Where f is smooth, f' must be a number (abs(u)/u at u = 0 is not, even where f has underflowed to 0).
  if (!Number.isFinite(d)) return { x, derivative: d, difference: p.difference };
  const tol = RTOL * Math.max(Math.abs(d), Math.abs(p.difference)) + p.error + 1e-9 * slope;
  return Math.abs(d - p.difference) <= tol ? null : { x, derivative: d, difference: p.difference };
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
  // The typical slope: the median |difference| over the points that can judge.
  const slopes = points
    .map((x) => probe(f, df, x))
    .filter((p): p is Probe => p !== null)
    .map((p) => Math.abs(p.difference))
    .sort((a, b) => a - b);
  const slope = slopes.length ? (slopes[slopes.length >> 1] as number) : 0;
  for (const x of points) {
    const d = checkPoint(f, df, x, slope);
    if (d) return d;
  }
  return null;
}

/** "at x = -0.7 f' gives -0.4, a central difference of f -2.4". */
export function describeDisagreement(d: Disagreement): string {
  const n = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v));
  return `at x = ${n(d.x)} it gives ${n(d.derivative)}, but a central difference of f gives ${n(d.difference)}`;
}
