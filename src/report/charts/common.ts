/**
 * What every chart shares: the font, the class colours, the top level of a
 * spec (title, config, inline datasets), rows of data, and the few sizes and
 * statistics their layouts compute. One copy of each: a chart folder never
 * defines its own.
 *
 * Only the sweep name (a restricted identifier) and numbers reach chart
 * text; the free-text title stays in the HTML, where it is escaped.
 */
import type { RunClass } from '../../engine/classify.js';
import type { Json, JsonObject } from './json.js';

/** Named explicitly so PNGs are the same on every machine that has it (see render-charts.ts). */
export const FONT_FAMILY = 'DejaVu Sans';
const FONT_STACK = `${FONT_FAMILY}, Verdana, Arial, sans-serif`;

/**
 * Class colours: the ends and middle of ColorBrewer's RdYlBu, which stays
 * distinguishable under protanopia, deuteranopia and tritanopia (checked
 * with Machado et al. 2009 simulations: pairwise CIELAB distance >= 50).
 * Blue reads as done, yellow as not yet, red as broken.
 */
export const CLASS_COLORS: Record<RunClass, string> = { converged: '#2166AC', slow: '#F1C232', divergent: '#B2182B' };
/** The same hues dark enough for lines and text on white. */
export const CLASS_INK: Record<RunClass, string> = { converged: '#2166AC', slow: '#9A7100', divergent: '#B2182B' };
export const CLASS_ORDER: RunClass[] = ['converged', 'slow', 'divergent'];
/** Cells whose f' overflowed: outside the gradient scale, so a neutral dark grey. */
export const NON_FINITE_COLOR = '#3A3A3A';
/** Dark text on light backgrounds. */
export const LABEL_INK = '#1A1A1A';
const GRID_GRAY = '#E4E4E4';

/** The colour scale of a field holding a run class. */
export function classScale(): JsonObject {
  return { domain: CLASS_ORDER, range: CLASS_ORDER.map((k) => CLASS_COLORS[k]) };
}

/** Vega test of a row that marks a stationary point other than a minimum (a maximum, a flat spot). */
export const NOT_MINIMUM = "datum.kind !== 'minimum'";

/** Red for points that are not minima, `otherwise` for minima. */
export function notMinimumColor(otherwise: string): JsonObject {
  return { condition: { test: NOT_MINIMUM, value: CLASS_INK.divergent }, value: otherwise };
}

/** Six significant digits: plenty for plotting, and a third of the bytes of a full double. */
function round(v: number): number {
  return Number.isInteger(v) ? v : Number(v.toPrecision(6));
}

/** Objects as dataset rows, numbers rounded. */
export function rows<T extends object>(xs: readonly T[]): Json[] {
  return xs.map((x) => {
    const o: JsonObject = {};
    for (const [k, v] of Object.entries(x) as [string, unknown][]) {
      o[k] = typeof v === 'number' ? round(v) : (v as Json);
    }
    return o;
  });
}

function config(): JsonObject {
  return {
    font: FONT_STACK,
    background: 'white',
    padding: 12,
    view: { stroke: '#BBBBBB' },
    axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', titleColor: '#222', labelColor: '#333', gridColor: GRID_GRAY, tickColor: '#999', domainColor: '#999' },
    // Flush end labels stay inside the plot's height, so panel titles side by side line up.
    axisY: { labelFlush: true },
    legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', titleColor: '#222', labelColor: '#333' },
    header: { labelFontSize: 12, labelColor: '#222', titleFontSize: 12 },
    title: { fontSize: 15, fontWeight: 'bold', anchor: 'start', color: '#111', subtitleFontSize: 12, subtitleColor: '#555', offset: 10 },
    text: { font: FONT_STACK },
  };
}

/** A whole Vega-Lite spec: title and subtitle lines, the shared config, the inline datasets, then the body. */
export function topLevel(title: string, subtitle: string[], body: JsonObject, datasets: Record<string, Json[]>, extraConfig: JsonObject = {}): JsonObject {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    config: { ...config(), ...extraConfig },
    datasets,
    ...body,
  };
}

/** A panel's own title inside a chart of several panels. */
export function panelTitle(text: string): JsonObject {
  return { text, fontSize: 12, fontWeight: 'normal' };
}

/** Text width estimate in px (DejaVu Sans averages about 0.6 em per character). */
export function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.6;
}

/**
 * Columns for n panels side by side: rows without empty slots where
 * possible (an empty slot still gets an axis), at most four across.
 */
export function panelColumns(n: number): number {
  if (n <= 3) return Math.max(1, n);
  if (n === 4) return 2;
  if (n <= 6 || n === 9) return 3;
  return 4;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
