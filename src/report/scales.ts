/**
 * Chart domains and ticks that vega can always draw. Sweep values reach the
 * charts from anywhere in float64: subnormal learning rates and starts
 * (5e-324), values near the largest float, ranges narrower than the spacing
 * of doubles. Vega (d3) ticks a linear scale in steps of a power of ten, so
 * a span below about 1e-300 makes the step's reciprocal infinite and the
 * tick array length invalid; a log scale cannot hold 0; a span that
 * overflows has no ticks at all; and a loop over decades from log10(0) never
 * ends. Every domain and every tick list of a chart goes through here.
 */

/**
 * Largest magnitude of the ends of a linear domain that vega pads or makes
 * nice (extends by a fraction of the span): the extension stays finite.
 * Unpadded domains may reach the largest float as long as their span is finite.
 */
export const PADDED_LIMIT = Number.MAX_VALUE / 4;
/** Narrowest span of a linear domain (d3's tick step must be a power of ten with a finite reciprocal). */
export const MIN_LINEAR_SPAN = 1e-290;
/** Narrowest span relative to the values: narrower ones have no distinct ticks in float64. */
const MIN_RELATIVE_SPAN = 1e-9;
/** A log domain lies within [LOG_MIN, LOG_MAX]. */
export const LOG_MIN = Number.MIN_VALUE;
export const LOG_MAX = Number.MAX_VALUE;
/** At most this many explicit ticks on a legend. */
export const MAX_TICKS = 12;
/** At most this many decades ticked on a log axis (a learning rate from 1e-14 to 0.1 keeps one per decade). */
export const MAX_DECADE_TICKS = 20;

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Whether vega can tick [lo, hi] as a linear scale as it is (ends within ±limit). */
export function tickableLinear(lo: number, hi: number, limit = Number.MAX_VALUE): boolean {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) return false;
  if (Math.abs(lo) > limit || Math.abs(hi) > limit) return false;
  const span = hi - lo;
  return Number.isFinite(span) && span >= MIN_LINEAR_SPAN && span >= MIN_RELATIVE_SPAN * Math.max(Math.abs(lo), Math.abs(hi));
}

/**
 * A linear domain vega can tick: [lo, hi] itself where it can, else clamped
 * into ±limit (and to a finite span) and, when too narrow, widened around
 * its middle (by a tenth of the value, or to a unit range around 0 and
 * subnormal values). NaN is a missing end; infinite ends are clamped.
 */
export function linearDomain(lo: number, hi: number, limit = Number.MAX_VALUE): [number, number] {
  if (tickableLinear(lo, hi, limit)) return [lo, hi];
  let a = clamp(lo, -limit, limit);
  let b = clamp(hi, -limit, limit);
  if (Number.isNaN(a) && Number.isNaN(b)) return [0, 1];
  if (Number.isNaN(a)) a = b;
  if (Number.isNaN(b)) b = a;
  if (a > b) [a, b] = [b, a];
  if (!Number.isFinite(b - a)) {
    // Ends of opposite signs near the largest float: the span itself overflows.
    a = Math.max(a, -Number.MAX_VALUE / 2);
    b = Math.min(b, Number.MAX_VALUE / 2);
  }
  if (tickableLinear(a, b, limit)) return [a, b];
  const mid = a / 2 + b / 2;
  const d = Math.abs(mid) >= 1e-200 ? Math.abs(mid) * 0.1 : 1;
  return [clamp(mid - d, -limit, limit), clamp(mid + d, -limit, limit)];
}

/**
 * A log domain vega can draw: positive, finite, lo < hi (a single value gets
 * a decade either side). NaN is a missing end; 0 and below (an end that
 * underflowed) clamp to the smallest subnormal, infinity to the largest float.
 */
export function logDomain(lo: number, hi: number): [number, number] {
  let a = clamp(lo, LOG_MIN, LOG_MAX);
  let b = clamp(hi, LOG_MIN, LOG_MAX);
  if (Number.isNaN(a) && Number.isNaN(b)) return [1, 10];
  if (Number.isNaN(a)) a = b;
  if (Number.isNaN(b)) b = a;
  if (a > b) [a, b] = [b, a];
  if (a === b) [a, b] = [Math.max(LOG_MIN, a / 10), Math.min(LOG_MAX, b * 10)];
  return [a, b];
}

/** The log-space midpoint of two positive values (sqrt(a b) underflows and overflows where this does not). */
export function logMid(a: number, b: number): number {
  const m = 10 ** ((Math.log10(a) + Math.log10(b)) / 2);
  return clamp(m, Math.min(a, b), Math.max(a, b));
}

/**
 * Powers of ten inside [lo, hi] for a log axis: every decade while there
 * are at most `max`, else every k-th (multiples of k, so 1 stays a tick).
 */
export function decadeTicks(lo: number, hi: number, max = MAX_DECADE_TICKS): number[] {
  if (!(lo > 0) || !(hi >= lo) || !Number.isFinite(hi)) return [];
  const e0 = Math.ceil(Math.log10(lo) - 1e-9);
  const e1 = Math.floor(Math.log10(hi) + 1e-9);
  const n = e1 - e0 + 1;
  if (!(n > 0)) return [];
  const k = n <= max ? 1 : Math.ceil(n / max);
  const out: number[] = [];
  for (let e = Math.ceil(e0 / k) * k; e <= e1; e += k) {
    const v = Number(`1e${e}`);
    if (v >= lo && v <= hi) out.push(v);
  }
  return out;
}

/**
 * Ticks every `step` from `anchor` (which is always one when inside) across
 * [lo, hi], the step widened so that there are at most `max`; rounded to
 * 1/1000 as legends show them.
 */
export function steppedTicks(lo: number, hi: number, anchor: number, step: number, max = MAX_TICKS): number[] {
  if (![lo, hi, anchor, step].every(Number.isFinite) || !(hi >= lo) || !(step > 0)) return [];
  let s = step;
  while ((hi - lo) / s + 1 > max) s *= 2;
  const out: number[] = [];
  for (let v = anchor - s * Math.floor((anchor - lo) / s); v <= hi + 1e-9 && out.length < max; v += s) out.push(Math.round(v * 1000) / 1000);
  return out;
}
