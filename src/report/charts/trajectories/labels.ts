/**
 * The points converged runs reached, marked on a trajectory's function
 * curve, and where their labels go: below a minimum, above anything else,
 * a row further out where one would overlap another, left out after
 * LABEL_ROWS rows; the curve's range then widens so every label fits.
 */
import type { StationaryKind, StationaryModel } from '../../stationary.js';
import { textWidth } from '../common.js';

/** Size of each of the three panels (px), which the curve panel's label layout needs. */
export const PANEL = { width: 250, height: 180 } as const;
/** Stationary points marked on the curve at most (those most runs reached). */
export const MAX_CURVE_MARKS = 12;
/** Rows of marker labels above (and below) the markers before a label is left out (further rows drift from their marker). */
const LABEL_ROWS = 2;
/** Marker label font size (px) and row height. */
export const MARK_FONT = 10;
const MARK_ROW = 11;
/** Gap between a marker and its first label row (px). */
const MARK_GAP = 8;

/** A point converged runs of the sweep reached, marked on the function curve. */
export interface CurveMark {
  x: number;
  f: number;
  kind: StationaryKind;
  /** "min -0.4758", "max 0". */
  text: string;
  /** The point in words (tooltip). */
  about: string;
  runs: number;
}

export interface CurveLabel {
  x: number;
  f: number;
  kind: StationaryKind;
  text: string;
  align: 'left' | 'center' | 'right';
  baseline: 'top' | 'bottom';
  dy: number;
}

/**
 * Labels for the marks: minima below their marker (the curve rises on both
 * sides of a minimum, so below is free), others above; a label that would
 * overlap one already placed moves a row further out, and is left out after
 * LABEL_ROWS rows. Then the curve's range is widened so every label fits
 * inside the panel.
 */
export function layoutLabels(marks: CurveMark[], domain: [number, number], range: [number, number]): { labels: CurveLabel[]; range: [number, number] } {
  const { width: W, height: H } = PANEL;
  const [a, b] = domain;
  const px = (x: number) => ((x - a) / (b - a)) * W;
  const rows: Record<'top' | 'bottom', [number, number][][]> = { top: [], bottom: [] };
  const labels: CurveLabel[] = [];
  const needs: { f: number; need: number; below: boolean }[] = [];
  // Labels of the points most runs reached are placed first.
  const order = [...marks].sort((p, q) => q.runs - p.runs || p.x - q.x);
  const place = (m: CurveMark, text: string): boolean => {
    const below = m.kind === 'minimum';
    const baseline = below ? 'top' : 'bottom';
    const w = textWidth(text, MARK_FONT);
    const cx = px(m.x);
    let align: CurveLabel['align'] = 'center';
    let l = cx - w / 2;
    let r = cx + w / 2;
    if (l < 0) {
      align = 'left';
      l = cx;
      r = cx + w;
    } else if (r > W) {
      align = 'right';
      l = cx - w;
      r = cx;
    }
    const side = rows[baseline];
    for (let row = 0; row < LABEL_ROWS; row++) {
      const taken = side[row] ?? [];
      if (taken.some(([p, q]) => l < q + 4 && r > p - 4)) continue;
      taken.push([l, r]);
      side[row] = taken;
      const off = MARK_GAP + row * MARK_ROW;
      labels.push({ x: m.x, f: m.f, kind: m.kind, text, align, baseline, dy: below ? off : -off });
      needs.push({ f: m.f, need: off + MARK_ROW + 2, below });
      return true;
    }
    return false;
  };
  // Crowded minima keep their number alone (the ring says "minimum"); a label that still does not fit is left out.
  for (const m of order) if (!place(m, m.text) && m.kind === 'minimum') place(m, m.text.replace(/^min /, ''));
  let [lo, hi] = range;
  for (let pass = 0; pass < 2; pass++) {
    for (const n of needs) {
      const k = n.need / H;
      if (k >= 0.9) continue;
      if (n.below) lo = Math.min(lo, (n.f - k * hi) / (1 - k));
      else hi = Math.max(hi, (n.f - k * lo) / (1 - k));
    }
  }
  labels.sort((p, q) => p.x - q.x);
  return { labels, range: [lo, hi] };
}

/** The points reached within [a, b] of the curve, at most MAX_CURVE_MARKS (those most runs reached). */
export function curveMarks(stationary: StationaryModel, a: number, b: number): CurveMark[] {
  const inside = stationary.points.filter((p) => p.x >= a && p.x <= b && Number.isFinite(p.f));
  const kept = new Set([...inside].sort((p, q) => q.runs - p.runs || p.x - q.x).slice(0, MAX_CURVE_MARKS));
  return inside
    .filter((p) => kept.has(p))
    .map((p) => ({ x: p.x, f: p.f, kind: p.kind, text: p.short, about: `${p.label}: ${p.text}; ${p.runs} converged run(s) ended here`, runs: p.runs }));
}
