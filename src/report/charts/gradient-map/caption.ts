/** How to read the gradient map, under it on the page. */
import { fmt } from '../../../format/numbers.js';
import type { MapModel } from '../grid/model.js';
import type { ReportFacts } from '../types.js';

export function gradientCaption(report: ReportFacts, map: MapModel): string[] {
  const [lo, hi] = map.grad.domain;
  return [
    `The same grid coloured by log10 |f'(x)| at the last epoch: blue cells are at or below the tolerance ${report.header.tolerance} (log10 = ${fmt(map.grad.mid)}), orange cells are that many decades away from done.`,
    `The scale is clamped to ${fmt(lo)} .. ${fmt(hi)}: |f'| = 0 and values far beyond it take the end colours.`,
    map.grad.nonFinite ? `Dark grey cells (${map.grad.nonFinite}) overflowed: f'(x) is not a finite number there.` : '',
  ].filter(Boolean);
}
