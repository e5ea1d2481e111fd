/**
 * Number formatting for the report. Locale-free on purpose (no
 * toLocaleString with the host's locale), so the same results give the same
 * bytes on every machine.
 */

/** Short, readable form: up to 4 significant digits, exponent for very large or small magnitudes. */
export function fmt(v: number, digits = 4): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return trimExp(v.toExponential(digits - 1));
  return String(Number(v.toPrecision(digits)));
}

/** Exact round-trip value, for axis values a user typed (0.001, 1e-7). */
export function exact(v: number): string {
  return String(v);
}

function trimExp(s: string): string {
  // "1.180e+70" -> "1.18e+70", "5.000e-15" -> "5e-15"
  return s.replace(/\.?0+e/, 'e');
}

/** Thousands separators without depending on the host locale. */
export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "37.5%" */
export function percent(part: number, whole: number): string {
  if (whole === 0) return '0%';
  return `${Number(((100 * part) / whole).toFixed(1))}%`;
}

/** Min and max without spreading (axes can hold more values than a call has arguments). */
export function minOf(xs: readonly number[]): number {
  let m = Infinity;
  for (const x of xs) if (x < m) m = x;
  return m;
}

export function maxOf(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  return m;
}
