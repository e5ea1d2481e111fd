/** Trajectories: x and f'(x) per epoch and the descent path over f, for a few runs traced again. */
import type { ChartDef } from '../types.js';
import { buildTrajectories, type TrajectoriesModel } from './model.js';
import { trajectoriesSection } from './section.js';
import { trajectorySpec } from './spec.js';

const page = { anchor: 'trajectories', toc: 'Trajectories', title: 'Trajectories' };

export const trajectories = {
  id: 'trajectories',
  page,
  model: (ctx) => buildTrajectories(ctx.doc, ctx.objective, ctx.objectiveError, ctx.stationary),
  specs: (t, report) => t.items.map((tr) => trajectorySpec(report, tr)),
  section: (t, figures) => trajectoriesSection(page, t, figures),
} satisfies ChartDef<TrajectoriesModel, 'trajectories'>;
