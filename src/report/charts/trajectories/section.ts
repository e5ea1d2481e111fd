/** The trajectories section of the page: which runs are drawn and why, and what is not drawn. */
import type { ChartView, PageSection, SectionHead } from '../types.js';
import { MAX_TRAJECTORIES, type TrajectoriesModel } from './model.js';

function trajectoryLead(t: TrajectoriesModel): string {
  return t.source === 'selected'
    ? "The runs chosen in the sweep's report.trajectories, traced again epoch by epoch with the engine's own arithmetic."
    : "No report.trajectories in the sweep, so one representative run per class is shown (the first run of each class), and the first run to end at each other point where converged runs stopped (a maximum first, then the minima most runs reached), traced again epoch by epoch with the engine's own arithmetic.";
}

export function trajectoriesSection(page: SectionHead, t: TrajectoriesModel | null, figures: readonly ChartView[]): PageSection | null {
  if (!t || figures.length === 0) return null;
  const notes: string[] = [];
  if (t.note) notes.push(t.note);
  if (t.dropped) notes.push(`${t.dropped} more selected run(s) are not drawn: at most ${MAX_TRAJECTORIES} trajectories per report.`);
  return { ...page, partial: 'trajectories', figures, lead: trajectoryLead(t), notes };
}
