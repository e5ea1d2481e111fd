/** The normalised sweep: every axis expanded to concrete values. */

export const SCHEDULES = ['constant', 'grad-scaled', 'linear-decay'] as const;
export type Schedule = (typeof SCHEDULES)[number];

export type Optimizer =
  | { kind: 'gd' }
  | { kind: 'momentum'; beta: number }
  | { kind: 'nesterov'; beta: number }
  | { kind: 'adam'; beta1: number; beta2: number; eps: number };

export const OPTIMIZER_DEFAULTS = {
  momentum: { beta: 0.9 },
  nesterov: { beta: 0.9 },
  adam: { beta1: 0.9, beta2: 0.999, eps: 1e-8 },
} as const;

export interface TrajectorySelector {
  learning_rate?: number;
  epochs?: number;
  start?: number;
  schedule?: Schedule;
  optimizer?: string;
}

export interface SweepObjective {
  /** The builtin's name when the sweep used `builtin:`. */
  builtin: string | null;
  expr: string;
  derivative: string;
  /** Where the curve is plotted and random starts are drawn. */
  domain: [number, number] | null;
}

export interface SweepConfig {
  /** The file as named on the command line (for messages only; never written). */
  file: string;
  name: string;
  title: string;
  objective: SweepObjective;
  starts: number[];
  learningRates: number[];
  epochs: number[];
  schedules: Schedule[];
  optimizers: Optimizer[];
  tolerance: number;
  bound: number;
  trajectories: TrajectorySelector[];
}

/** A short label for an optimizer: its name, plus any non-default parameter. */
export function optimizerLabel(o: Optimizer): string {
  switch (o.kind) {
    case 'gd':
      return 'gd';
    case 'momentum':
    case 'nesterov':
      return o.beta === OPTIMIZER_DEFAULTS[o.kind].beta ? o.kind : `${o.kind}(beta=${o.beta})`;
    case 'adam': {
      const d = OPTIMIZER_DEFAULTS.adam;
      const parts: string[] = [];
      if (o.beta1 !== d.beta1) parts.push(`beta1=${o.beta1}`);
      if (o.beta2 !== d.beta2) parts.push(`beta2=${o.beta2}`);
      if (o.eps !== d.eps) parts.push(`eps=${o.eps}`);
      return parts.length ? `adam(${parts.join(',')})` : 'adam';
    }
  }
}

/** Parse a label back (results files carry labels). */
export function parseOptimizerLabel(label: string): Optimizer | null {
  const m = /^(gd|momentum|nesterov|adam)(?:\((.*)\))?$/.exec(label);
  if (!m) return null;
  const kind = m[1] as Optimizer['kind'];
  const params: Record<string, number> = {};
  for (const part of (m[2] ?? '').split(',').filter(Boolean)) {
    const [k, v] = part.split('=');
    if (!k || v === undefined || !Number.isFinite(Number(v))) return null;
    params[k] = Number(v);
  }
  switch (kind) {
    case 'gd':
      return { kind };
    case 'momentum':
    case 'nesterov':
      return { kind, beta: params.beta ?? OPTIMIZER_DEFAULTS[kind].beta };
    case 'adam':
      return {
        kind,
        beta1: params.beta1 ?? OPTIMIZER_DEFAULTS.adam.beta1,
        beta2: params.beta2 ?? OPTIMIZER_DEFAULTS.adam.beta2,
        eps: params.eps ?? OPTIMIZER_DEFAULTS.adam.eps,
      };
  }
}
