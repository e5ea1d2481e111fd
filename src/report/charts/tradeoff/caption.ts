/** How to read the trade-off chart, under it on the page. */
import { plural } from '../../../format/numbers.js';
import type { TradeoffModel } from './model.js';

export function tradeoffCaption(t: TradeoffModel): string[] {
  return [
    "Epochs needed to converge against the learning rate, both on log axes. Each epoch shrinks the distance to the minimum by the factor |1 - lr c|, so for small rates the epochs needed grow as 1/lr: the points and the theory curve fall with a slope of -1, and 10x less learning rate needs 10x more epochs.",
    t.budgets.length ? 'Dotted lines are the epoch budgets of the sweep: a run whose point would sit above its budget ends slow.' : '',
    t.stability ? 'The fastest rate is lr = 1/c (one step to the minimum of a quadratic); past lr = 2/c (shaded) every step overshoots by more than it corrects, and runs diverge.' : '',
    t.atStart ? `${t.atStart} run(s) converged at epoch 0 (the start was already within tolerance) and are not drawn on the log axis.` : '',
    t.thinned ? `${plural(t.thinned, 'point was', 'points were')} thinned out to keep the page small.` : '',
    t.points.length === 0 ? 'No run converged, so there are no points.' : '',
  ].filter(Boolean);
}
