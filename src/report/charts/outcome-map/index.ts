/** The outcome map: every run on the learning-rate x epochs grid, coloured by its class. */
import { gridModel, type MapModel } from '../grid/model.js';
import type { ChartDef } from '../types.js';
import { outcomeSpec } from './spec.js';

export const outcomeMap = {
  id: 'outcome-map',
  page: { anchor: 'outcome', toc: 'Outcome map', title: 'Outcome map' },
  model: gridModel,
  specs: (map, report) => [outcomeSpec(report, map)],
} satisfies ChartDef<MapModel, 'outcome-map'>;
