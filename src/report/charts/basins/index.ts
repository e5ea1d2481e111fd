/** Where each start ends: final x against start, the basins of a function with several minima. */
import type { ChartDef } from '../types.js';
import { buildBasins, type BasinsModel } from './model.js';
import { basinsSection } from './section.js';
import { basinsSpec } from './spec.js';

const page = { anchor: 'basins', toc: 'Where starts end', title: 'Where each start ends' };

export const basins = {
  id: 'basins',
  page,
  model: (ctx) => buildBasins(ctx.doc, ctx.stationary),
  specs: (b, report) => [basinsSpec(report, b)],
  section: (_b, figures, report) => basinsSection(page, figures, report),
} satisfies ChartDef<BasinsModel, 'basins'>;
