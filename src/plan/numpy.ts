/**
 * NumPy-compatible axis generators. Each follows NumPy's own arithmetic
 * (not just its definition) so that values match `np.linspace`, `np.arange`
 * and `np.geomspace` to the last bit where the platform's libm agrees.
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
    // NumPy scales by delta/div unless the step underflows to zero.
    out[i] = step === 0 ? ((i / div) * delta) + start : i * step + start;
  }
  out[num - 1] = stop;
  return out;
}

/** numpy.geomspace(start, stop, num); the caller checks the signs. */
export function geomspace(start: number, stop: number, num: number): number[] {
  if (num <= 0) return [];
  const sign = Math.sign(start);
  const a = start / sign;
  const b = stop / sign;
  const logs = linspace(Math.log10(a), Math.log10(b), num);
  const out = logs.map((y) => Math.pow(10, y));
  // As NumPy does: exp(log(x)) need not equal x, so pin the ends.
  out[0] = a;
  if (num > 1) out[num - 1] = b;
  return out.map((v) => v * sign);
}

/** numpy.arange(start, stop, step): `stop` excluded. */
export function arange(start: number, stop: number, step: number): number[] {
  const len = Math.ceil((stop - start) / step);
  if (!(len > 0)) return [];
  // NumPy fills from the first two values: x[i] = start + i * ((start + step) - start).
  const delta = start + step - start;
  const out = new Array<number>(len);
  for (let i = 0; i < len; i++) out[i] = start + i * delta;
  return out;
}

/** numpy.round(x) for decimals=0: round half to even. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}
