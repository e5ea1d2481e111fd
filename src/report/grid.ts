/**
 * The learning-rate x epochs grid behind the outcome and gradient maps.
 *
 * Each distinct axis value becomes a cell whose edges sit halfway (in log
 * space when the axis is logarithmic) to its neighbours, so a quantitative
 * axis, log where the values span more than a decade, reads true distances.
 * Big sweeps are aggregated so the page stays small: starts (and then
 * schedule/optimizer) are folded into fewer panels, and consecutive axis
 * values are binned until the whole map has at most MAX_MAP_CELLS cells.
 */
import { scheme } from 'vega';
import type { RunClass } from '../engine/classify.js';
import type { ResultsDocument, RunRecord } from '../results/format.js';
import { sig6, fmt, maxOf, minOf, plural } from '../format/numbers.js';
import { LABEL_INK, median, panelColumns } from './charts/common.js';
import { nonFinite, valueText } from './run-text.js';
import { LOG_MAX, LOG_MIN, linearDomain, logDomain, logMid } from './scales.js';

/** Upper bound on cells per map: a few MB of SVG and JSON at most, renders in seconds. */
export const MAX_MAP_CELLS = 3000;
/** More panels than this are unreadable side by side; starts are folded first. */
export const MAX_PANELS = 12;
/** Cells get aria-labels up to this many; beyond, the SVG would double in size (the run table has the facts). */
export const ARIA_CELL_LIMIT = 400;
/** Text inside cells only when there are few, large cells. */
export const CELL_LABEL_LIMIT = 40;
/** Gradients are floored here for the log colour scale (|f'| = 0 happens at exact minima). */
export const GRAD_FLOOR = 1e-16;
/** The gradient colour scale spans at most this many decades either side of the tolerance. */
const GRAD_DECADES = 6;
/** The gradient map's colour scheme (vega's diverging blue-orange). */
export const GRAD_SCHEME = 'blueorange';

export interface AxisBin {
  lo: number;
  hi: number;
  mid: number;
  /** Smallest and largest axis value inside the bin. */
  first: number;
  last: number;
  values: number;
}

export interface AxisScale {
  log: boolean;
  bins: AxisBin[];
  /** Whether several axis values share a bin. */
  binned: boolean;
  /** Ticks at the axis values themselves when there are few of them. */
  ticks: number[] | null;
  domain: [number, number];
}

export interface Panel {
  index: number;
  label: string;
}

export interface MapCell {
  panel: string;
  panelIndex: number;
  lrLo: number;
  lrHi: number;
  lrMid: number;
  epLo: number;
  epHi: number;
  epMid: number;
  class: RunClass;
  runs: number;
  converged: number;
  slow: number;
  divergent: number;
  /** log10 |f'(x_E)| (median over an aggregated cell), floored at GRAD_FLOOR; null when not finite. */
  logGrad: number | null;
  /** Tooltip texts. */
  tLr: string;
  tEpochs: string;
  tRun: string;
  tStart: string;
  tX: string;
  tGrad: string;
  tLoss: string;
  tClass: string;
  tConverged: string;
  tDiverged: string;
  /** The cell in words, for screen readers (aria-label); empty on dense maps, which carry no labels. */
  tDesc: string;
  tRuns: string;
  /** Cell labels (only drawn when MapModel.labels). */
  outcomeLabel: string[];
  gradLabel: string;
  /** Labels drawn in white on dark cells. */
  outcomeDark: boolean;
  gradDark: boolean;
}

export interface MapModel {
  /** 'runs': one run per cell; 'aggregate': cells summarise several runs. */
  mode: 'runs' | 'aggregate';
  panels: Panel[];
  /** Panels per row: the last varying axis across (4 optimizers: 4 columns, one row per start). */
  columns: number;
  lr: AxisScale;
  epochs: AxisScale;
  cells: MapCell[];
  labels: boolean;
  /** Axes folded into each panel (e.g. ['start']), for the caption. */
  foldedAxes: string[];
  grad: { domain: [number, number]; mid: number; nonFinite: number };
}

/** Distinct values ascending. */
function distinct(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/** True when the values are positive and span a decade or more (100 and 1000 epochs read best on a log axis too). */
export function spansDecade(values: readonly number[]): boolean {
  if (values.length === 0) return false;
  const lo = minOf(values);
  const hi = maxOf(values);
  return lo > 0 && hi / lo >= 10;
}

/** Cell edges halfway between neighbours (in log or linear space); the end cells are symmetric. */
function edges(vals: number[], log: boolean, floor: number): { lo: number[]; hi: number[] } {
  const to = log ? Math.log10 : (v: number) => v;
  const from = log ? (u: number) => 10 ** u : (u: number) => u;
  const u = vals.map(to);
  const n = u.length;
  const lo: number[] = [];
  const hi: number[] = [];
  for (let i = 0; i < n; i++) {
    const cur = u[i] as number;
    const prev = u[i - 1];
    const next = u[i + 1];
    const single = log ? 0.5 : Math.max(Math.abs(cur) * 0.5, 0.5);
    // Halves first: the same numbers as (a + b) / 2, without overflow at the ends of float64.
    const l = prev !== undefined ? prev / 2 + cur / 2 : next !== undefined ? cur - (next / 2 - cur / 2) : cur - single;
    const h = next !== undefined ? cur / 2 + next / 2 : prev !== undefined ? cur + (cur / 2 - prev / 2) : cur + single;
    // 10^u underflows to 0 below the subnormals and overflows past the largest float.
    lo.push(log ? Math.min(LOG_MAX, Math.max(LOG_MIN, from(l))) : Math.min(Number.MAX_VALUE, Math.max(floor, -Number.MAX_VALUE, l)));
    hi.push(log ? Math.min(LOG_MAX, Math.max(LOG_MIN, from(h))) : Math.min(Number.MAX_VALUE, Math.max(-Number.MAX_VALUE, h)));
  }
  return { lo, hi };
}

/** Spread of the gaps between sorted values relative to their mean (0 for even spacing). */
function gapSpread(vals: readonly number[]): number {
  const gaps = vals.slice(1).map((v, i) => v - (vals[i] as number));
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
  return mean > 0 ? sd / mean : 0;
}

/**
 * Log or linear. The learning rate goes on a log axis whenever it spans a
 * decade or more; epochs only when they are also spaced more evenly in log
 * than in linear terms (a linspace of epochs on a log axis would give its
 * first value a huge cell and squash the rest).
 */
export function chooseLog(values: readonly number[], evenSpacing: boolean): boolean {
  const vals = distinct(values);
  if (!spansDecade(vals)) return false;
  if (!evenSpacing || vals.length < 3) return true;
  return gapSpread(vals.map(Math.log10)) <= gapSpread(vals);
}

/**
 * `floor` keeps linear cells from reaching below a natural bound (no
 * negative epochs); `bySpacing` applies chooseLog's spacing rule.
 */
export function axisScale(values: readonly number[], maxBins: number, floor = -Infinity, bySpacing = false): AxisScale {
  const vals = distinct(values);
  const log = chooseLog(vals, bySpacing);
  const { lo, hi } = edges(vals, log, floor);
  const n = vals.length;
  const nb = Math.max(1, Math.min(n, maxBins));
  const bins: AxisBin[] = [];
  for (let b = 0; b < nb; b++) {
    const i0 = Math.floor((b * n) / nb);
    const i1 = Math.floor(((b + 1) * n) / nb) - 1;
    const l = lo[i0] as number;
    const h = hi[i1] as number;
    const first = vals[i0] as number;
    const last = vals[i1] as number;
    const mid = i0 === i1 ? first : log ? geometricMid(l, h) : l / 2 + h / 2;
    bins.push({ lo: l, hi: h, mid, first, last, values: i1 - i0 + 1 });
  }
  const ends: [number, number] = n ? [bins[0]?.lo as number, bins[nb - 1]?.hi as number] : [0, 1];
  const domain = log ? logDomain(...ends) : linearDomain(...ends);
  return { log, bins, binned: nb < n, ticks: nb <= 12 && nb === n ? vals : null, domain };
}

/** sqrt(l h), or its log-space form where l h underflows or overflows. */
function geometricMid(l: number, h: number): number {
  const p = l * h;
  return p > 0 && Number.isFinite(p) ? Math.sqrt(p) : logMid(l, h);
}

/** Bin index for a value: bins are consecutive runs of sorted values. */
function binIndex(scale: AxisScale, v: number): number {
  const bins = scale.bins;
  let lo = 0;
  let hi = bins.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= (bins[mid] as AxisBin).last) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

interface PanelPlan {
  panels: Panel[];
  panelOf: (r: RunRecord) => number;
  folded: string[];
  columns: number;
}

/** One panel per start/schedule/optimizer combination, folding starts first when there are too many. */
export function planPanels(doc: ResultsDocument, maxPanels = MAX_PANELS): PanelPlan {
  const ax = doc.sweep.axes;
  const dims = [
    { key: 'start' as const, name: 'start', values: ax.start.map(String), label: (v: string) => `start ${sig6(Number(v))}` },
    { key: 'schedule' as const, name: 'schedule', values: ax.schedule.map(String), label: (v: string) => v },
    { key: 'optimizer' as const, name: 'optimizer', values: ax.optimizer, label: (v: string) => v },
  ];
  const varying = dims.filter((d) => d.values.length > 1);
  let kept = varying;
  const product = (ds: typeof varying) => ds.reduce((p, d) => p * d.values.length, 1);
  while (kept.length && product(kept) > maxPanels) kept = kept.slice(1);
  const folded = varying.filter((d) => !kept.includes(d)).map((d) => d.name);
  const value = (r: RunRecord, key: 'start' | 'schedule' | 'optimizer') => (key === 'start' ? String(r.start) : String(r[key]));
  // Panel order follows axis order, so the page reads like the sweep file.
  const combos: string[][] = kept.reduce<string[][]>((acc, d) => acc.flatMap((c) => d.values.map((v) => [...c, v])), [[]]);
  const foldNote = folded.length ? `all ${folded.map((f) => (f === 'start' ? 'starts' : `${f}s`)).join(', ')}` : '';
  const panels: Panel[] = combos.map((c, i) => ({
    index: i,
    label: [...c.map((v, j) => (kept[j] as (typeof dims)[number]).label(v)), ...(foldNote ? [foldNote] : [])].join(' · ') || 'all runs',
  }));
  const indexOf = new Map(combos.map((c, i) => [c.join('\u0000'), i]));
  // Two or more axes vary: the last one runs across, so each row is one value of the others.
  const across = kept.length >= 2 ? (kept[kept.length - 1] as (typeof dims)[number]).values.length : 0;
  return {
    panels,
    folded,
    columns: across >= 2 && across <= 4 ? across : panelColumns(panels.length),
    panelOf: (r) => indexOf.get(kept.map((d) => value(r, d.key)).join('\u0000')) ?? 0,
  };
}

const WORSE_FIRST: readonly RunClass[] = ['divergent', 'slow', 'converged'];

/** Most common class; ties go to the worse class, so trouble is not averaged away. */
function modeClass(c: Record<RunClass, number>): RunClass {
  let best: RunClass = 'divergent';
  let n = -1;
  for (const k of WORSE_FIRST) {
    if (c[k] > n) {
      best = k;
      n = c[k];
    }
  }
  return best;
}

function logGradOf(g: number | null): number | null {
  if (g === null) return null;
  return Math.log10(Math.max(Math.abs(g), GRAD_FLOOR));
}

function rangeText(b: AxisBin): string {
  return b.first === b.last ? sig6(b.first) : `${fmt(b.first)} to ${fmt(b.last)} (${plural(b.values, 'value')})`;
}

function outcomeLabel(r: RunRecord): string[] {
  switch (r.reason) {
    case 'within-tolerance':
      return ['converged', `at epoch ${r.convergedAt ?? '?'}`];
    case 'still-descending':
      return ['slow', 'still descending'];
    case 'oscillating':
      return ['slow', 'oscillating'];
    case 'blew-up':
      return ['divergent', `blew up at ${r.divergedAt ?? '?'}`];
    case 'loss-increased':
      return ['divergent', 'loss increased'];
  }
}

interface Acc {
  key: number;
  panel: number;
  lb: number;
  eb: number;
  counts: Record<RunClass, number>;
  logs: number[];
  nonFinite: number;
  first: RunRecord;
}

/** The colour vega gives logGrad: the scheme, piecewise linear through the tolerance, clamped. */
export function gradColor(v: number, lo: number, mid: number, hi: number): string {
  const t = v <= mid ? 0.5 * Math.max(0, (v - lo) / (mid - lo)) : 0.5 + 0.5 * Math.min(1, (v - mid) / (hi - mid));
  const interp = scheme(GRAD_SCHEME) as ((t: number) => string) | undefined;
  return interp ? interp(t) : 'rgb(128, 128, 128)';
}

function luminance(color: string): number {
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(color) ?? /#(..)(..)(..)/.exec(color);
  if (!m) return 0;
  const hex = color.startsWith('#');
  const lin = (s: string) => {
    const c = (hex ? parseInt(s, 16) : Number(s)) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(m[1] as string) + 0.7152 * lin(m[2] as string) + 0.0722 * lin(m[3] as string);
}

/** WCAG contrast: white against dark label ink on this background. */
export function whiteReadsBetter(background: string): boolean {
  const l = luminance(background);
  return 1.05 / (l + 0.05) >= (l + 0.05) / (luminance(LABEL_INK) + 0.05);
}

/**
 * `notMinimum`: for a converged run that stopped at a stationary point that
 * is not a minimum, what it is ("a maximum"), so the map says so.
 */
export function buildMap(
  doc: ResultsDocument,
  maxCells = MAX_MAP_CELLS,
  maxPanels = MAX_PANELS,
  notMinimum: (r: RunRecord) => string | null = () => null,
): MapModel {
  const { panels, panelOf, folded, columns } = planPanels(doc, maxPanels);
  const lrValues = doc.sweep.axes.learning_rate;
  const epValues = doc.sweep.axes.epochs;
  const nL = new Set(lrValues).size;
  const nE = new Set(epValues).size;
  const perPanel = Math.max(1, Math.floor(maxCells / panels.length));
  let bL = nL;
  let bE = nE;
  if (nL * nE > perPanel) {
    // Shrink both axes by the same factor, then give any slack back to the other one.
    const s = Math.sqrt(perPanel / (nL * nE));
    bL = Math.max(1, Math.min(nL, Math.floor(nL * s)));
    bE = Math.max(1, Math.min(nE, Math.floor(perPanel / bL)));
    bL = Math.max(1, Math.min(nL, Math.floor(perPanel / bE)));
  }
  const lr = axisScale(lrValues, bL);
  const epochs = axisScale(epValues, bE, 0, true);
  const nbL = lr.bins.length;
  const nbE = epochs.bins.length;

  const accs = new Map<number, Acc>();
  for (const r of doc.runs) {
    const panel = panelOf(r);
    const lb = binIndex(lr, r.lr);
    const eb = binIndex(epochs, r.epochs);
    const key = (panel * nbL + lb) * nbE + eb;
    let a = accs.get(key);
    if (!a) {
      a = { key, panel, lb, eb, counts: { converged: 0, slow: 0, divergent: 0 }, logs: [], nonFinite: 0, first: r };
      accs.set(key, a);
    }
    a.counts[r.class]++;
    const lg = logGradOf(r.grad);
    if (lg === null) a.nonFinite++;
    else a.logs.push(lg);
  }
  const ordered = [...accs.values()].sort((a, b) => a.key - b.key);
  const mode = ordered.some((a) => a.counts.converged + a.counts.slow + a.counts.divergent > 1) ? 'aggregate' : 'runs';
  const labels = mode === 'runs' && ordered.length <= CELL_LABEL_LIMIT;

  const tol = doc.sweep.classify.tolerance;
  const mid = Math.log10(tol);
  let gMin = Infinity;
  let gMax = -Infinity;
  let nonFiniteCells = 0;
  const cells: MapCell[] = ordered.map((a) => {
    const lb = lr.bins[a.lb] as AxisBin;
    const eb = epochs.bins[a.eb] as AxisBin;
    const runs = a.counts.converged + a.counts.slow + a.counts.divergent;
    const cls = runs === 1 ? a.first.class : modeClass(a.counts);
    // An aggregated cell shows the median gradient of its finite runs; all-overflow cells have none.
    const logGrad = a.logs.length === 0 ? null : runs === 1 ? (a.logs[0] as number) : median(a.logs);
    if (logGrad === null) nonFiniteCells++;
    else {
      gMin = Math.min(gMin, logGrad);
      gMax = Math.max(gMax, logGrad);
    }
    const r = a.first;
    const single = runs === 1;
    const trap = single ? notMinimum(r) : null;
    const gradText = single
      ? r.grad === null
        ? nonFinite(r)
        : fmt(r.grad)
      : logGrad === null
        ? 'all overflow'
        : `median |f'| ${fmt(10 ** logGrad)}${a.nonFinite ? `, ${a.nonFinite} overflow` : ''}`;
    return {
      panel: (panels[a.panel] as Panel).label,
      panelIndex: a.panel,
      lrLo: lb.lo,
      lrHi: lb.hi,
      lrMid: lb.mid,
      epLo: eb.lo,
      epHi: eb.hi,
      epMid: eb.mid,
      class: cls,
      runs,
      converged: a.counts.converged,
      slow: a.counts.slow,
      divergent: a.counts.divergent,
      logGrad,
      tLr: single ? sig6(r.lr) : rangeText(lb),
      tEpochs: single ? String(r.epochs) : rangeText(eb),
      tRun: single ? String(r.id) : '',
      tStart: single ? sig6(r.start) : '',
      tX: single ? valueText(r.x, r) : '',
      tGrad: gradText,
      tLoss: single ? valueText(r.loss, r) : '',
      tClass: single ? `${r.class} (${r.reason})${trap ? `, stationary at ${trap}, not a minimum` : ''}` : `mostly ${cls}`,
      tConverged: single ? (r.convergedAt === null ? '-' : `epoch ${r.convergedAt}`) : '',
      tDiverged: single ? (r.divergedAt === null ? '-' : `epoch ${r.divergedAt}`) : '',
      tDesc: '',
      tRuns: `${runs}: ${a.counts.converged} converged, ${a.counts.slow} slow, ${a.counts.divergent} divergent`,
      outcomeLabel: single ? (trap ? [`converged, epoch ${r.convergedAt ?? '?'}`, `but at ${trap}`] : outcomeLabel(r)) : [],
      gradLabel: single ? (r.grad === null ? `f' ${nonFinite(r)}` : r.grad === 0 ? "f' = 0" : `|f'| ${fmt(Math.abs(r.grad), 2)}`) : '',
      outcomeDark: cls !== 'slow',
      gradDark: false,
    };
  });
  // The colour domain centres on the tolerance and clamps far outliers (|f'| of
  // 1e+70 from a divergent run would otherwise wash every slow run out to white).
  const lo = Number.isFinite(gMin) ? Math.min(mid - 1, Math.max(mid - GRAD_DECADES, Math.floor(gMin))) : mid - 1;
  const hi = Number.isFinite(gMax) ? Math.max(mid + 1, Math.min(mid + GRAD_DECADES, Math.ceil(gMax))) : mid + 1;
  const describe = cells.length <= ARIA_CELL_LIMIT;
  for (const c of cells) {
    if (describe) {
      c.tDesc =
        c.runs === 1
          ? `run ${c.tRun}: learning rate ${c.tLr}, ${c.tEpochs} epoch${c.tEpochs === '1' ? '' : 's'}, start ${c.tStart}: ${c.tClass}, f'(x) ${c.tGrad}`
          : `learning rate ${c.tLr}, epochs ${c.tEpochs}: ${c.tRuns}`;
    }
    // White text where it contrasts more than dark text with the cell's colour.
    c.gradDark = c.logGrad === null || whiteReadsBetter(gradColor(c.logGrad, lo, mid, hi));
  }
  return {
    mode,
    panels,
    columns,
    lr,
    epochs,
    cells,
    labels,
    foldedAxes: folded,
    grad: { domain: [lo, hi], mid, nonFinite: nonFiniteCells },
  };
}
