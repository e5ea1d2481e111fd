/** How to read the basins chart: what is drawn, and what is left out or moved. */
import { count, plural } from '../../../format/numbers.js';
import { BASIN_REACH, type BasinsModel } from './model.js';

/** The caption's account of what is drawn; `labelsLeftOut`: some rule labels would have overlapped and are not drawn. */
export function basinsCaption(b: BasinsModel, labelsLeftOut = false): string[] {
  const out: string[] = [
    'Each point is one run: where it started (across) against the x it ended at after its last epoch (up), coloured by its class. Runs that start in the same basin roll into the same minimum, so the points form flat steps; where the step changes is a basin boundary, a maximum of f between two minima. Points on the dotted diagonal ended where they started.',
  ];
  if (b.mode === 'lines') {
    out.push(
      b.panels.length > 1
        ? `One panel per combination of ${b.panelBy.join(', ')}; a step line joins its runs across the starts.`
        : 'A step line joins the runs across the starts.',
    );
  } else {
    out.push(
      `The sweep has ${count(b.combinations)} combinations of learning rate, epochs, schedule and optimizer, too many to follow as lines: points only${b.panelBy.length ? `, one panel per ${b.panelBy.join(' and ')}` : ''}. Runs with other settings that end at the same x overlap (the tooltip names each run).`,
    );
  }
  if (b.budget !== null) out.push(`Only the largest epoch budget (${plural(b.budget, 'epoch')}) is drawn: where the runs end after the most training.`);
  if (b.rules.length) {
    const maxima = b.rules.some((r) => r.kind !== 'minimum');
    out.push(
      `Horizontal lines mark the points where converged runs ended: solid at minima (f'' > 0)${maxima ? "; dashed red where f'' < 0 (stationary at a maximum: f' = 0 there, so descent that starts exactly on it never moves) or f'' ≈ 0" : ''}.`,
    );
  }
  if (b.rulesOutside) out.push(`${b.rulesOutside} point(s) reached lie beyond the plotted range and have no line.`);
  if (b.rulesLeftOut) out.push(`${b.rulesLeftOut} more point(s) reached have no line, to keep the chart readable; the table below lists every point.`);
  if (b.offRange) out.push(`${count(b.offRange)} run(s) ended more than ${BASIN_REACH} domain widths outside the domain and are drawn as triangles at the edge of the plot.`);
  if (b.nonFinite) out.push(`${count(b.nonFinite)} run(s) ended at a non-finite x (overflow) and are not drawn.`);
  if (b.thinned) out.push(`${plural(b.thinned, 'point was', 'points were')} thinned out to keep the page small; results.csv has every run.`);
  if (labelsLeftOut) out.push('Labels that would overlap are left out; the table below lists every point.');
  return out;
}
