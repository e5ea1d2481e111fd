/** The gradient map: the same grid coloured by log10 |f'(x)| at the last epoch, centred on the tolerance. */
import { steppedTicks } from '../../scales.js';
import { NON_FINITE_COLOR, topLevel } from '../common.js';
import { GRAD_SCHEME, type MapModel } from '../grid/model.js';
import { cellRows, gridChart, mapSize, mapSubtitle } from '../grid/spec.js';
import type { ChartSpecBody, JsonObject, ReportFacts } from '../types.js';
import { gradientCaption } from './caption.js';

/** Legend ticks every few decades, always including the tolerance. */
function gradTicks(lo: number, hi: number, mid: number): number[] {
  return steppedTicks(lo, hi, mid, hi - lo > 8 ? 3 : hi - lo > 4 ? 2 : 1);
}

/** The colour bar no taller than the panels beside it (a row of low panels would leave it hanging below). */
function gradientLength(map: MapModel): number {
  const { height } = mapSize(map);
  const rows = Math.ceil(map.panels.length / map.columns);
  return Math.max(90, Math.min(160, rows * height + (rows - 1) * 40));
}

export function gradientSpec(report: ReportFacts, map: MapModel): ChartSpecBody {
  const [lo, hi] = map.grad.domain;
  const color: JsonObject = {
    field: 'logGrad',
    type: 'quantitative',
    title: ["log10 |f'(x)|", map.mode === 'runs' ? 'at the last epoch' : '(median)'],
    scale: { scheme: GRAD_SCHEME, domain: [lo, hi], domainMid: map.grad.mid, clamp: true },
    legend: { type: 'gradient', orient: 'right', gradientLength: gradientLength(map), format: '~g', values: gradTicks(lo, hi, map.grad.mid) },
  };
  const { body, marks } = gridChart(map, color, { field: 'gradLabel', dark: 'gradDark' });
  return {
    id: 'gradient-map',
    caption: gradientCaption(report, map),
    png: 'gradient-map.png',
    // Overflowed cells (logGrad null) keep their mark in a colour of their own; by
    // default vega-lite would filter them out of the map.
    vl: topLevel("How far from done: |f'(x)| at the last epoch", mapSubtitle(report, map), body, { cells: cellRows(map) }, { scale: { invalid: { color: { value: NON_FINITE_COLOR } } } }),
    marks,
  };
}
