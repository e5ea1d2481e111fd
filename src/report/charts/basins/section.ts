/**
 * The basins section of the page: the chart when the starts vary, and the
 * table of the points converged runs reached, which shows without the
 * chart too when there is more than one point or one that is not a minimum.
 */
import { count, fmt, percent, plural } from '../../../format/numbers.js';
import { startsText } from '../../stationary.js';
import type { ChartView, PageSection, ReportFacts, SectionHead } from '../types.js';

/** Rows of the points-reached table. */
export const MAX_POINT_ROWS = 50;

/** `page`: the section with the chart; without it, the heading and the link speak of runs. */
export function basinsSection(page: SectionHead, figures: readonly ChartView[], report: ReportFacts): PageSection | null {
  const st = report.stationary;
  const hasChart = figures.length > 0;
  const interesting = st.points.length > 1 || st.points.some((p) => p.kind !== 'minimum');
  if (!hasChart && !interesting) return null;
  const shown = st.points.slice(0, MAX_POINT_ROWS);
  return {
    ...page,
    ...(hasChart ? {} : { toc: 'Where runs end', title: 'Where the runs end' }),
    partial: 'basins',
    figures,
    points: shown.map((p) => ({
      label: p.label,
      x: fmt(p.x, 8),
      f: fmt(p.f, 6),
      curvature: Number.isFinite(p.curvature) ? fmt(p.curvature, 4) : '-',
      kind: p.text,
      minimum: p.kind === 'minimum',
      runs: `${count(p.runs)} (${percent(p.runs, st.converged)})`,
      starts: p.starts.length ? startsText(p.starts) : '',
    })),
    lead:
      "Each converged run stops where |f'(x)| is within the tolerance, a little way (about tolerance / |f''|) from a stationary point. Its final x is refined to that point (Newton's method on f'), runs at the same point are counted together, and the sign of f'' there (by central differences of f') tells a minimum from a maximum.",
    note:
      st.points.length > shown.length
        ? `Showing ${shown.length} of ${plural(st.points.length, 'point')}, by x.`
        : st.note,
  };
}
