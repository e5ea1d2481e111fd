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

/**
 * A value a person reads in a label, table or message: at most 6 significant
 * digits (0.00204082, not 0.002040816424489796), exponent form outside
 * [1e-4, 1e6). Values a user typed (0.001, 1e-7) come out as typed.
 */
export function sig6(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return trimExp(v.toExponential(5));
  return String(Number(v.toPrecision(6)));
}

/** "1 run", "2 runs", "1,000 runs". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** "1st", "2nd", "3rd", "11th", "22nd". */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${count(n)}${suffix}`;
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
