/**
 * What a chart is made of: the JSON a Vega-Lite spec is written in, the
 * spec with its caption and the marks a test counts, and (charts/index.ts)
 * the registry entry that ties a chart's model, spec and page section together.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

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
  id: string;
  /** Paragraphs under the chart in the page: how to read it. */
  caption: string[];
  png: string;
  vl: JsonObject;
  marks: MarkCheck[];
}

/** What a chart may read of the report besides its own model (the report model is one). */
export interface ReportFacts {
  header: { name: string; tolerance: string };
  total: number;
}
