/** The outcome map: the learning-rate x epochs grid coloured by each run's class. */
import { classScale, topLevel } from '../common.js';
import type { MapModel } from '../grid/model.js';
import { cellRows, gridChart, mapSubtitle } from '../grid/spec.js';
import type { ChartSpecBody, JsonObject, ReportFacts } from '../types.js';
import { outcomeCaption } from './caption.js';

export function outcomeSpec(report: ReportFacts, map: MapModel): ChartSpecBody {
  const color: JsonObject = {
    field: 'class',
    type: 'nominal',
    title: map.mode === 'runs' ? 'class' : 'most common class',
    scale: classScale(),
    legend: { orient: 'right', symbolType: 'square', symbolSize: 180, symbolStrokeWidth: 0 },
  };
  const { body, marks } = gridChart(map, color, { field: 'outcomeLabel', dark: 'outcomeDark' });
  return {
    id: 'outcome-map',
    caption: outcomeCaption(map),
    png: 'outcome-map.png',
    vl: topLevel('Outcome by learning rate and epochs', mapSubtitle(report, map), body, { cells: cellRows(map) }),
    marks,
  };
}
