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
import type { RunClass } from '../../../engine/classify.js';
import type { ResultsDocument, RunRecord } from '../../../results/format.js';
import { sig6, fmt, plural } from '../../../format/numbers.js';
import { nonFinite, valueText } from '../../run-text.js';
import { notMinimumText } from '../../stationary.js';
import { LABEL_INK, median } from '../common.js';
import { axisScale, binIndex, type AxisBin, type AxisScale } from './axes.js';
import type { ChartContext } from '../types.js';
import { MAX_PANELS, planPanels, type Panel } from './panels.js';

/** Upper bound on cells per map: a few MB of SVG and JSON at most, renders in seconds. */
export const MAX_MAP_CELLS = 3000;
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

/** Bins per axis so that the panels together hold at most maxCells cells. */
function gridAxes(doc: ResultsDocument, maxCells: number, panels: number): { lr: AxisScale; epochs: AxisScale } {
  const lrValues = doc.sweep.axes.learning_rate;
  const epValues = doc.sweep.axes.epochs;
  const nL = new Set(lrValues).size;
  const nE = new Set(epValues).size;
  const perPanel = Math.max(1, Math.floor(maxCells / panels));
  let bL = nL;
  let bE = nE;
  if (nL * nE > perPanel) {
    // Shrink both axes by the same factor, then give any slack back to the other one.
    const s = Math.sqrt(perPanel / (nL * nE));
    bL = Math.max(1, Math.min(nL, Math.floor(nL * s)));
    bE = Math.max(1, Math.min(nE, Math.floor(perPanel / bL)));
    bL = Math.max(1, Math.min(nL, Math.floor(perPanel / bE)));
  }
  return { lr: axisScale(lrValues, bL), epochs: axisScale(epValues, bE, 0, true) };
}

/** The runs gathered into cells (panel, lr bin, epochs bin), in cell order. */
function gather(doc: ResultsDocument, panelOf: (r: RunRecord) => number, lr: AxisScale, epochs: AxisScale): Acc[] {
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
  return [...accs.values()].sort((a, b) => a.key - b.key);
}

/** One cell: its class, gradient and texts (tDesc and gradDark are set once the colour domain is known). */
function cellOf(a: Acc, lr: AxisScale, epochs: AxisScale, panels: Panel[], notMinimum: (r: RunRecord) => string | null): MapCell {
  const lb = lr.bins[a.lb] as AxisBin;
  const eb = epochs.bins[a.eb] as AxisBin;
  const runs = a.counts.converged + a.counts.slow + a.counts.divergent;
  const cls = runs === 1 ? a.first.class : modeClass(a.counts);
  // An aggregated cell shows the median gradient of its finite runs; all-overflow cells have none.
  const logGrad = a.logs.length === 0 ? null : runs === 1 ? (a.logs[0] as number) : median(a.logs);
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
}

/**
 * The gradient colour domain: centred on the tolerance, clamped to
 * GRAD_DECADES either side (|f'| of 1e+70 from a divergent run would
 * otherwise wash every slow run out to white).
 */
function gradDomain(cells: readonly MapCell[], mid: number): [number, number] {
  let gMin = Infinity;
  let gMax = -Infinity;
  for (const c of cells) {
    if (c.logGrad === null) continue;
    gMin = Math.min(gMin, c.logGrad);
    gMax = Math.max(gMax, c.logGrad);
  }
  const lo = Number.isFinite(gMin) ? Math.min(mid - 1, Math.max(mid - GRAD_DECADES, Math.floor(gMin))) : mid - 1;
  const hi = Number.isFinite(gMax) ? Math.max(mid + 1, Math.min(mid + GRAD_DECADES, Math.ceil(gMax))) : mid + 1;
  return [lo, hi];
}

/** What needs every cell or the colour domain: the cells in words (few cells only), and white or dark label ink. */
function describeCells(cells: MapCell[], lo: number, mid: number, hi: number): void {
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
  const { lr, epochs } = gridAxes(doc, maxCells, panels.length);
  const ordered = gather(doc, panelOf, lr, epochs);
  const mode = ordered.some((a) => a.counts.converged + a.counts.slow + a.counts.divergent > 1) ? 'aggregate' : 'runs';
  const cells = ordered.map((a) => cellOf(a, lr, epochs, panels, notMinimum));
  const mid = Math.log10(doc.sweep.classify.tolerance);
  const [lo, hi] = gradDomain(cells, mid);
  describeCells(cells, lo, mid, hi);
  return {
    mode,
    panels,
    columns,
    lr,
    epochs,
    cells,
    labels: mode === 'runs' && ordered.length <= CELL_LABEL_LIMIT,
    foldedAxes: folded,
    grad: { domain: [lo, hi], mid, nonFinite: cells.filter((c) => c.logGrad === null).length },
  };
}

function buildGrid(ctx: ChartContext): MapModel | null {
  return ctx.doc.runs.length ? buildMap(ctx.doc, undefined, undefined, (r) => notMinimumText(ctx.stationary, r)) : null;
}

/** The grid both maps draw (their model builder), built once per report. */
export function gridModel(ctx: ChartContext): MapModel | null {
  return ctx.once(buildGrid);
}
