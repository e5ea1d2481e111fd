/**
 * Seeded draws for `starts: {random: {count, seed}}`: distinct points of the
 * domain's 2001-point grid (as the lesson's np.linspace(-2, 2, 2001)), from a
 * small fixed PRNG so that a seed means the same starts on every machine.
 */
import { linspace } from './numpy.js';

/** mulberry32: 32-bit state, good enough to pick grid points, and tiny. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomStarts(domain: [number, number], count: number, seed: number): number[] {
  const grid = linspace(domain[0], domain[1], 2001);
  const next = mulberry32(seed);
  // Partial Fisher-Yates: distinct points, in draw order.
  const idx = grid.map((_, i) => i);
  const out: number[] = [];
  for (let i = 0; i < count && i < idx.length; i++) {
    const j = i + Math.floor(next() * (idx.length - i));
    const tmp = idx[i] as number;
    idx[i] = idx[j] as number;
    idx[j] = tmp;
    out.push(grid[idx[i] as number] as number);
  }
  return out;
}
