/**
 * Vega-Lite specs built from the report model: one per chart. Data is
 * inlined as named datasets, and every mark that draws data rows is named,
 * so the page (and its tests) can check that each chart draws one mark per
 * row (rect, point, text) or one path per series (line).
 */
import { basinsSpec } from './charts/basins/spec.js';
import { gradientSpec } from './charts/gradient-map/spec.js';
import { outcomeSpec } from './charts/outcome-map/spec.js';
import { tradeoffSpec } from './charts/tradeoff/spec.js';
import { trajectorySpec } from './charts/trajectories/spec.js';
import type { ChartSpec } from './charts/types.js';
import type { ReportModel } from './model.js';

/** Every chart of the report, in page order. */
export function chartSpecs(model: ReportModel): ChartSpec[] {
  const out: ChartSpec[] = [];
  if (model.map) out.push(outcomeSpec(model, model.map), gradientSpec(model, model.map));
  if (model.basins) out.push(basinsSpec(model, model.basins));
  if (model.tradeoff) out.push(tradeoffSpec(model, model.tradeoff));
  for (const tr of model.trajectories.items) out.push(trajectorySpec(model, tr));
  return out;
}
