/** The gradient map: the outcome map's grid coloured by how far |f'| is from the tolerance. */
import { gridModel, type MapModel } from '../grid/model.js';
import type { ChartDef } from '../types.js';
import { gradientSpec } from './spec.js';

export const gradientMap = {
  id: 'gradient-map',
  page: { anchor: 'gradient', toc: 'Gradient map', title: 'Gradient map: how far from done' },
  model: gridModel,
  specs: (map, report) => [gradientSpec(report, map)],
} satisfies ChartDef<MapModel, 'gradient-map'>;
