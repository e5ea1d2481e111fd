/** A run's values and verdict as the page, the charts' tooltips and summary.md write them. */
import type { RunRecord } from '../results/format.js';
import { fmt } from '../format/numbers.js';

/** "overflow" where the run blew up, else "non-finite": results.json writes both as null. */
export function nonFinite(r: RunRecord): string {
  return r.class === 'divergent' ? 'overflow' : 'non-finite';
}

export function valueText(v: number | null, r: RunRecord): string {
  return v === null ? nonFinite(r) : fmt(v);
}

export function atText(r: RunRecord): string {
  if (r.convergedAt !== null) return `converged at epoch ${r.convergedAt}`;
  if (r.divergedAt !== null) return `blew up at epoch ${r.divergedAt}`;
  return '-';
}
