/**
 * SPEC section 3: ordered rules, first match wins.
 *
 * 1. divergent / blew-up        some x_t (t <= E) not finite or |x_t| > bound
 * 2. converged / within-tolerance   |f'(x_E)| <= tol
 * 3. divergent / loss-increased f(x_E) > f(x_0)
 * 4. slow / oscillating         f' alternates sign over the last steps and |f'| does not shrink
 *    slow / still-descending    everything else
 */

export const CLASSES = ['converged', 'slow', 'divergent'] as const;
export type RunClass = (typeof CLASSES)[number];

export const REASONS = ['within-tolerance', 'still-descending', 'oscillating', 'blew-up', 'loss-increased'] as const;
export type Reason = (typeof REASONS)[number];

/** How many steps back "oscillating" looks: f'(x_E), f'(x_{E-1}), f'(x_{E-2}). */
export const OSCILLATION_WINDOW = 3;

export interface FinalState {
  epochs: number;
  grad: number;
  loss: number;
  loss0: number;
  grad1: number;
  grad2: number;
  divergedAt: number;
}

export interface Verdict {
  class: RunClass;
  reason: Reason;
}

function alternates(a: number, b: number): boolean {
  return (a > 0 && b < 0) || (a < 0 && b > 0);
}

/** First match wins. */
export function classify(s: FinalState, tolerance: number): Verdict {
  if (s.divergedAt >= 0 && s.divergedAt <= s.epochs) return { class: 'divergent', reason: 'blew-up' };
  if (Math.abs(s.grad) <= tolerance) return { class: 'converged', reason: 'within-tolerance' };
  if (s.loss > s.loss0) return { class: 'divergent', reason: 'loss-increased' };
  if (
    s.epochs >= OSCILLATION_WINDOW - 1 &&
    alternates(s.grad, s.grad1) &&
    alternates(s.grad1, s.grad2) &&
    Math.abs(s.grad) >= Math.abs(s.grad2)
  ) {
    return { class: 'slow', reason: 'oscillating' };
  }
  return { class: 'slow', reason: 'still-descending' };
}

export const CLASS_CODE: Record<RunClass, number> = { converged: 0, slow: 1, divergent: 2 };
export const REASON_CODE: Record<Reason, number> = {
  'within-tolerance': 0,
  'still-descending': 1,
  oscillating: 2,
  'blew-up': 3,
  'loss-increased': 4,
};
