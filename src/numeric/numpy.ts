/**
 * NumPy-compatible axis generators. Each follows NumPy's own arithmetic
 * (not just its definition) so that values match `np.linspace`, `np.arange`
 * and `np.round` to the last bit, and `np.geomspace` to the last bit wherever
 * the C library's `pow` is correctly rounded (see `pow10`).
 * tests/config/numpy.test.ts checks all of them against NumPy's own output.
 */

/** numpy.linspace(start, stop, num) with endpoint=True. */
export function linspace(start: number, stop: number, num: number): number[] {
  if (num <= 0) return [];
  if (num === 1) return [start];
  const div = num - 1;
  const delta = stop - start;
  const step = delta / div;
  const out = new Array<number>(num);
  for (let i = 0; i < num; i++) {
    // NumPy scales by delta/div unless the step underflows to zero (gh-5437).
    out[i] = step === 0 ? (i / div) * delta + start : i * step + start;
  }
  out[num - 1] = stop;
  return out;
}

// Double-double arithmetic for pow10: a value is an unevaluated sum hi + lo
// with |lo| <= ulp(hi) / 2. The helpers leave their result in DD.
const DD = { h: 0, l: 0 };
const SPLIT = 134217729; // 2^27 + 1, Dekker's splitter

/** DD = a * b exactly (Dekker's product; JavaScript has no fma). */
function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  DD.h = p;
  DD.l = ah * bh - p + ah * bl + al * bh + al * bl;
}

/** DD = (ah + al) * (bh + bl), to about 2^-104 relative. */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const p = DD.h;
  const e = DD.l + (ah * bl + al * bh);
  DD.h = p + e;
  DD.l = e - (DD.h - p);
}

/** DD = (ah + al) + (bh + bl), to about 2^-104 relative. */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  const s = ah + bh;
  let v = s - ah;
  let e = ah - (s - v) + (bh - v);
  const t = al + bl;
  v = t - al;
  const f = al - (t - v) + (bl - v);
  e += t;
  const h = s + e;
  e = e - (h - s) + f;
  DD.h = h + e;
  DD.l = e - (DD.h - h);
}

// log2(10) and ln(2) as double-double (hi, lo), from 60-digit decimals.
const LOG2_10_HI = 3.321928094887362;
const LOG2_10_LO = 1.661617516973592e-16;
const LN2_HI = 0.6931471805599453;
const LN2_LO = 2.3190468138462996e-17;

/** Terms of the Taylor series of exp(g) for |g| <= ln(2)/2: 0.35^25/25! < 2^-110. */
const EXP_TERMS = 24;
const INV_FACT_HI = new Float64Array(EXP_TERMS + 1);
const INV_FACT_LO = new Float64Array(EXP_TERMS + 1);
{
  // 1/k! in double-double, by exact division of the previous term by k.
  let h = 1;
  let l = 0;
  INV_FACT_HI[0] = 1;
  for (let k = 1; k <= EXP_TERMS; k++) {
    const q = h / k;
    twoProd(q, k);
    const r = (h - DD.h - DD.l + l) / k;
    h = q + r;
    l = r - (h - q);
    INV_FACT_HI[k] = h;
    INV_FACT_LO[k] = l;
  }
}

/**
 * 10^y, correctly rounded (to about 2^-100 before the final rounding).
 *
 * np.geomspace computes `np.power(10.0, y)`, which is the C library's `pow`.
 * glibc's pow is correctly rounded except in about 1 case in 1000 (its
 * documented error bound is 0.52 ulp), but V8's Math.pow is not: Math.pow(10, -5)
 * is 0.000009999999999999999, and for about 1 exponent in 10 it is one ulp
 * away from glibc. So 10^y is computed here in double-double: 2^(y log2 10)
 * split into 2^n * exp(f ln 2), |f| <= 1/2, with a Taylor series.
 */
export function pow10(y: number): number {
  // Whole powers of ten: the nearest double, as JavaScript's own parser gives it.
  if (Number.isInteger(y) && Math.abs(y) <= 308) return Number(`1e${y}`);
  // Results that are subnormal or overflow: no bits to win, leave them to Math.pow.
  if (!(Math.abs(y) < 300)) return Math.pow(10, y);
  twoProd(y, LOG2_10_HI);
  const ph = DD.h;
  const pl = DD.l + y * LOG2_10_LO;
  const th = ph + pl;
  const tl = pl - (th - ph);
  const n = Math.round(th);
  const a = th - n; // exact: n is th rounded, |a| <= 1/2
  const fh = a + tl;
  const fl = tl - (fh - a);
  ddMul(fh, fl, LN2_HI, LN2_LO);
  const gh = DD.h;
  const gl = DD.l;
  // Horner: exp(g) = sum g^k / k!.
  let sh = INV_FACT_HI[EXP_TERMS] as number;
  let sl = INV_FACT_LO[EXP_TERMS] as number;
  for (let k = EXP_TERMS - 1; k >= 0; k--) {
    ddMul(sh, sl, gh, gl);
    ddAdd(DD.h, DD.l, INV_FACT_HI[k] as number, INV_FACT_LO[k] as number);
    sh = DD.h;
    sl = DD.l;
  }
  // sh + sl is in [0.7, 1.5) and 2^n is exact, as is the product (|y| < 300).
  return (sh + sl) * Math.pow(2, n);
}

/**
 * numpy.geomspace(start, stop, num); the caller checks the signs.
 *
 * NumPy: out_sign = sign(start); logspace(log10(start/out_sign),
 * log10(stop/out_sign)), which is power(10, linspace(...)); the ends pinned
 * to start and stop; times out_sign. Math.log10 (fdlibm) and glibc's log10
 * agree on round inputs (1e-4, 0.001, 3, 7, ...) but differ by an ulp on
 * about 1 input in 500; there, the exponents differ by an ulp too.
 */
export function geomspace(start: number, stop: number, num: number): number[] {
  if (num <= 0) return [];
  const sign = Math.sign(start);
  const a = start / sign;
  const b = stop / sign;
  const logs = linspace(Math.log10(a), Math.log10(b), num);
  const out = logs.map((y) => pow10(y));
  // As NumPy does: exp(log(x)) need not equal x, so pin the ends.
  out[0] = a;
  if (num > 1) out[num - 1] = b;
  return out.map((v) => v * sign);
}

/**
 * The length of numpy.arange(start, stop, step): ceil((stop - start) / step),
 * or, where that quotient underflows to zero, 1 if the step points from start
 * towards stop and 0 if not (NumPy's `_calc_length`). Infinity when the
 * quotient overflows; 0 when step is 0 (NumPy raises; callers check first).
 */
export function arangeLength(start: number, stop: number, step: number): number {
  if (step === 0) return 0;
  const delta = stop - start;
  const q = delta / step;
  if (q === 0 && delta !== 0) return Object.is(q, -0) ? 0 : 1;
  const len = Math.ceil(q);
  return len > 0 ? len : 0;
}

/** numpy.arange(start, stop, step): `stop` excluded. */
export function arange(start: number, stop: number, step: number): number[] {
  const len = arangeLength(start, stop, step);
  if (!Number.isFinite(len) || len <= 0) return [];
  // As NumPy's PyArray_ArangeObj: x[0] = start, x[1] = start + step, then
  // its fill loop x[i] = start + i * delta with delta = x[1] - x[0].
  const next = start + step;
  const delta = next - start;
  const out = new Array<number>(len);
  out[0] = start;
  if (len > 1) out[1] = next;
  for (let i = 2; i < len; i++) out[i] = start + i * delta;
  return out;
}

/**
 * numpy.round(x) for decimals=0, which is C's rint: round half to even, and
 * a negative number that rounds to zero gives -0 (np.round(-0.5) is -0.0).
 */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const floor = Math.floor(x);
  const diff = x - floor; // exact: the fractional part of a double is a double
  let r: number;
  if (diff < 0.5) r = floor;
  else if (diff > 0.5) r = floor + 1;
  else r = floor % 2 === 0 ? floor : floor + 1;
  return r === 0 && (x < 0 || Object.is(x, -0)) ? -0 : r;
}
