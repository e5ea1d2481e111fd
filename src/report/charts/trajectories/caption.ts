/** How to read a trajectory chart, under it on the page. */
import type { TrajectoryModel } from './model.js';

export function trajectoryCaption(tr: TrajectoryModel): string[] {
  const caption = [
    tr.explodes
      ? "x and f'(x) grow without bound, so their magnitudes are drawn on log axes: a straight rising line is a fixed growth factor per epoch, the signature of a learning rate past the stability limit."
      : "Left: x per epoch; middle: f'(x) per epoch, which must reach 0 (within the tolerance) for the run to converge; a derivative still sloping at the last epoch means 'train longer'. Right: the path of x over the function, one dot per step early on.",
  ];
  if (tr.marks.length) {
    const other = tr.marks.some((m) => m.kind !== 'minimum');
    caption.push(
      `On the curve, rings mark every minimum that converged runs of the sweep reached${other ? "; red diamonds mark points where a converged run is stationary but not at a minimum (f'' < 0: a maximum, where f' = 0 holds descent in place; or f'' ≈ 0)" : ''}.${tr.markLabels.length < tr.marks.length ? ' Labels that would overlap are left out (the tooltip names each point).' : ''}`,
    );
  }
  if (tr.at && tr.at.kind !== 'minimum') caption.push(`This run ${tr.at.kind === 'maximum' ? 'is stationary at a maximum' : 'stopped on a flat spot'}: it counts as converged (|f'| is within the tolerance) but did not find a minimum.`);
  return caption;
}
