/** How to read the outcome map, under it on the page. */
import type { MapModel } from '../grid/model.js';

export function outcomeCaption(map: MapModel): string[] {
  return [
    'Each cell is one run (learning rate across, epoch budget up), coloured by its class: converged when |f\'(x)| reached the tolerance, slow when it had not yet, divergent when x blew past the bound or the loss ended above where it started.',
    map.lr.log ? 'The learning-rate axis is logarithmic.' : '',
    map.mode === 'aggregate' ? 'Cells summarise several runs each and show the most common class (ties go to the worse class); the tooltip gives the counts.' : '',
  ].filter(Boolean);
}
