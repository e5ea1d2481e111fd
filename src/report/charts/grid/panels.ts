/**
 * The panels of the maps: one per start/schedule/optimizer combination,
 * starts folded first when there are more than MAX_PANELS.
 */
import type { ResultsDocument, RunRecord } from '../../../results/format.js';
import { sig6 } from '../../../format/numbers.js';
import { panelColumns } from '../common.js';

/** More panels than this are unreadable side by side; starts are folded first. */
export const MAX_PANELS = 12;

export interface Panel {
  index: number;
  label: string;
}

export interface PanelPlan {
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
