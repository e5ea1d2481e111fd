/**
 * The axes of the learning-rate x epochs grid: each distinct axis value
 * becomes a cell whose edges sit halfway (in log space when the axis is
 * logarithmic) to its neighbours, so a quantitative axis, log where the
 * values span more than a decade, reads true distances; consecutive values
 * share a bin when there are more than the map has room for.
 */
import { maxOf, minOf } from '../../../format/numbers.js';
import { LOG_MAX, LOG_MIN, linearDomain, logDomain, logMid } from '../../scales.js';

export interface AxisBin {
  lo: number;
  hi: number;
  mid: number;
  /** Smallest and largest axis value inside the bin. */
  first: number;
  last: number;
  values: number;
}

export interface AxisScale {
  log: boolean;
  bins: AxisBin[];
  /** Whether several axis values share a bin. */
  binned: boolean;
  /** Ticks at the axis values themselves when there are few of them. */
  ticks: number[] | null;
  domain: [number, number];
}

/** Distinct values ascending. */
function distinct(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/** True when the values are positive and span a decade or more (100 and 1000 epochs read best on a log axis too). */
export function spansDecade(values: readonly number[]): boolean {
  if (values.length === 0) return false;
  const lo = minOf(values);
  const hi = maxOf(values);
  return lo > 0 && hi / lo >= 10;
}

/** Cell edges halfway between neighbours (in log or linear space); the end cells are symmetric. */
function edges(vals: number[], log: boolean, floor: number): { lo: number[]; hi: number[] } {
  const to = log ? Math.log10 : (v: number) => v;
  const from = log ? (u: number) => 10 ** u : (u: number) => u;
  const u = vals.map(to);
  const n = u.length;
  const lo: number[] = [];
  const hi: number[] = [];
  for (let i = 0; i < n; i++) {
    const cur = u[i] as number;
    const prev = u[i - 1];
    const next = u[i + 1];
    const single = log ? 0.5 : Math.max(Math.abs(cur) * 0.5, 0.5);
    // Halves first: the same numbers as (a + b) / 2, without overflow at the ends of float64.
    const l = prev !== undefined ? prev / 2 + cur / 2 : next !== undefined ? cur - (next / 2 - cur / 2) : cur - single;
    const h = next !== undefined ? cur / 2 + next / 2 : prev !== undefined ? cur + (cur / 2 - prev / 2) : cur + single;
    // 10^u underflows to 0 below the subnormals and overflows past the largest float.
    lo.push(log ? Math.min(LOG_MAX, Math.max(LOG_MIN, from(l))) : Math.min(Number.MAX_VALUE, Math.max(floor, -Number.MAX_VALUE, l)));
    hi.push(log ? Math.min(LOG_MAX, Math.max(LOG_MIN, from(h))) : Math.min(Number.MAX_VALUE, Math.max(-Number.MAX_VALUE, h)));
  }
  return { lo, hi };
}

/** Spread of the gaps between sorted values relative to their mean (0 for even spacing). */
function gapSpread(vals: readonly number[]): number {
  const gaps = vals.slice(1).map((v, i) => v - (vals[i] as number));
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
  return mean > 0 ? sd / mean : 0;
}

/**
 * Log or linear. The learning rate goes on a log axis whenever it spans a
 * decade or more; epochs only when they are also spaced more evenly in log
 * than in linear terms (a linspace of epochs on a log axis would give its
 * first value a huge cell and squash the rest).
 */
export function chooseLog(values: readonly number[], evenSpacing: boolean): boolean {
  const vals = distinct(values);
  if (!spansDecade(vals)) return false;
  if (!evenSpacing || vals.length < 3) return true;
  return gapSpread(vals.map(Math.log10)) <= gapSpread(vals);
}

/**
 * `floor` keeps linear cells from reaching below a natural bound (no
 * negative epochs); `bySpacing` applies chooseLog's spacing rule.
 */
export function axisScale(values: readonly number[], maxBins: number, floor = -Infinity, bySpacing = false): AxisScale {
  const vals = distinct(values);
  const log = chooseLog(vals, bySpacing);
  const { lo, hi } = edges(vals, log, floor);
  const n = vals.length;
  const nb = Math.max(1, Math.min(n, maxBins));
  const bins: AxisBin[] = [];
  for (let b = 0; b < nb; b++) {
    const i0 = Math.floor((b * n) / nb);
    const i1 = Math.floor(((b + 1) * n) / nb) - 1;
    const l = lo[i0] as number;
    const h = hi[i1] as number;
    const first = vals[i0] as number;
    const last = vals[i1] as number;
    const mid = i0 === i1 ? first : log ? geometricMid(l, h) : l / 2 + h / 2;
    bins.push({ lo: l, hi: h, mid, first, last, values: i1 - i0 + 1 });
  }
  const ends: [number, number] = n ? [bins[0]?.lo as number, bins[nb - 1]?.hi as number] : [0, 1];
  const domain = log ? logDomain(...ends) : linearDomain(...ends);
  return { log, bins, binned: nb < n, ticks: nb <= 12 && nb === n ? vals : null, domain };
}

/** sqrt(l h), or its log-space form where l h underflows or overflows. */
function geometricMid(l: number, h: number): number {
  const p = l * h;
  return p > 0 && Number.isFinite(p) ? Math.sqrt(p) : logMid(l, h);
}

/** Bin index for a value: bins are consecutive runs of sorted values. */
export function binIndex(scale: AxisScale, v: number): number {
  const bins = scale.bins;
  let lo = 0;
  let hi = bins.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= (bins[mid] as AxisBin).last) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
