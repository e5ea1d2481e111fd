/** The trade-off: epochs to converge against the learning rate, over the theory curve of plain GD. */
import type { ChartDef } from '../types.js';
import { buildTradeoff, type TradeoffModel } from './model.js';
import { tradeoffSpec } from './spec.js';

export const tradeoff = {
  id: 'tradeoff',
  page: { anchor: 'tradeoff', toc: 'Trade-off', title: 'Trade-off: learning rate vs epochs to converge' },
  model: (ctx) => (ctx.doc.runs.length ? buildTradeoff(ctx.doc, ctx.objective, ctx.curvature) : null),
  specs: (t, report) => [tradeoffSpec(report, t)],
} satisfies ChartDef<TradeoffModel, 'tradeoff'>;
