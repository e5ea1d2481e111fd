/**
 * Every chart of the report, in page order: the report model builds each
 * one's model from it, the specs and the page's sections follow it, and the
 * tests read it. A new chart is a folder beside the others (its model,
 * spec, caption and index.ts exporting its ChartDef) and a line here; a
 * section that shows more than its heading over its figures adds its
 * partial to templates/partials/.
 */
import { basins } from './basins/index.js';
import { gradientMap } from './gradient-map/index.js';
import { outcomeMap } from './outcome-map/index.js';
import { tradeoff } from './tradeoff/index.js';
import { trajectories } from './trajectories/index.js';
import type { ChartContext, ChartDef, ChartSpec, ReportFacts } from './types.js';

export const CHARTS = [outcomeMap, gradientMap, basins, tradeoff, trajectories] as const;

export type Chart = (typeof CHARTS)[number];
export type ChartId = Chart['id'];
type ModelOf<D> = D extends { model(ctx: ChartContext): infer M } ? M : never;
/** Each chart's model by id; null where the chart has nothing to draw. */
export type ChartModels = { readonly [K in ChartId]: ModelOf<Extract<Chart, { id: K }>> };

/** The registry for loops that treat every chart alike (each entry reads only the model its own builder made). */
export const CHART_DEFS: readonly ChartDef<unknown>[] = CHARTS;

/** Each chart's model, built from one context. */
export function buildChartModels(ctx: ChartContext): ChartModels {
  return Object.fromEntries(CHART_DEFS.map((d) => [d.id, d.model(ctx)])) as ChartModels;
}

/** The model a chart's own builder made, or null. */
export function modelOf(models: ChartModels, id: string): unknown {
  const byId: Readonly<Record<string, unknown>> = models;
  return byId[id] ?? null;
}

/** Every chart of the report in page order, each spec marked with the chart that drew it. */
export function chartSpecs(report: ReportFacts & { charts: ChartModels }): ChartSpec[] {
  return CHART_DEFS.flatMap((d) => {
    const m = modelOf(report.charts, d.id);
    return m === null ? [] : d.specs(m, report).map((s) => ({ chart: d.id, ...s }));
  });
}
