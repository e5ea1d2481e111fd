/**
 * What a chart is made of: its Vega-Lite spec (JSON, json.ts) with its
 * caption and the marks a test counts, and the definition (ChartDef) its
 * folder exports and the registry (registry.ts) lists: what the chart takes
 * from the results, its specs, its section of the page.
 */
import type { CompiledObjective } from '../../objective/objective.js';
import type { ResultsDocument } from '../../results/format.js';
import type { Curvature } from '../curvature.js';
import type { StationaryModel } from '../stationary.js';
import type { JsonObject } from './json.js';

export type { Json, JsonObject } from './json.js';

/** How a test counts a named mark's elements against its dataset. */
export interface MarkCheck {
  /** Vega-Lite layer name; the SVG group carries class `${mark}_marks`. */
  mark: string;
  dataset: string;
  /** 'row': one element per row; 'line': one path per distinct value of `by` (or one). */
  per: 'row' | 'line';
  by?: string;
}

export interface ChartSpec {
  /** The registry entry that drew it (its folder's name); set by the registry, see ChartSpecBody. */
  chart: string;
  /** The figure's id on the page and the PNG's name stem: the chart's id, or one of several (trajectory-run-7). */
  id: string;
  /** Paragraphs under the chart in the page: how to read it. */
  caption: string[];
  png: string;
  vl: JsonObject;
  marks: MarkCheck[];
}

/** A spec as a chart's spec builder returns it; the registry adds which chart drew it. */
export type ChartSpecBody = Omit<ChartSpec, 'chart'>;

/** What a chart's model builder may read: the results, and what the report works out from them once for every chart. */
export interface ChartContext {
  doc: ResultsDocument;
  /** The sweep's objective compiled again; null when it could not be, with the reason in objectiveError. */
  objective: CompiledObjective | null;
  objectiveError: string | null;
  /** The points converged runs reached (stationary.ts). */
  stationary: StationaryModel;
  /** The sweep's curvature f'' (curvature.ts). */
  curvature: Curvature | null;
  /** build(ctx), computed once per report: charts that draw one model (the two maps) name the same builder. */
  once<T>(build: (ctx: ChartContext) => T): T;
}

/** What a chart may read of the report besides its own model (the report model is one). */
export interface ReportFacts {
  header: { name: string; tolerance: string };
  total: number;
  stationary: StationaryModel;
}

/** A rendered chart as the page shows it (templates/partials/chart.hbs). */
export interface ChartView {
  id: string;
  caption: string[];
  png: string;
  svg: string;
  width: number;
  pngWidth: number;
  pngHeight: number;
}

/** A chart's place on the page. */
export interface SectionHead {
  /** The section's id: the contents link to #anchor. */
  anchor: string;
  /** The link's text in the contents. */
  toc: string;
  /** The section's heading. */
  title: string;
}

/**
 * A section as the page draws it: templates/partials/<partial>.hbs given
 * this object. The default partial, `section`, is the heading over the
 * figures; a chart whose section shows more (a lead, notes, a table) names
 * its own partial and adds the fields it reads.
 */
export interface PageSection extends SectionHead {
  partial: string;
  figures: readonly ChartView[];
  [field: string]: unknown;
}

/**
 * A chart: one folder of src/report/charts/, one line of the registry.
 * `model` is what it takes from the results (null: nothing to draw, and no
 * section); `specs` its Vega-Lite specs with their captions, in page order
 * (most charts draw one); `section`, where the page shows more than the
 * heading over the figures, its section (null: none). Without `section`
 * the page shows `page` over the figures when there are any.
 */
export interface ChartDef<M, Id extends string = string> {
  readonly id: Id;
  readonly page: SectionHead;
  model(ctx: ChartContext): M | null;
  specs(model: M, report: ReportFacts): ChartSpecBody[];
  section?(model: M | null, figures: readonly ChartView[], report: ReportFacts): PageSection | null;
}
