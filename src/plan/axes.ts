/**
 * The axes of a sweep, declared once. Everything that walks the run grid
 * (the planner, the results writers and readers, the terminal table, compare,
 * the report) takes the axes from here, and a `Record<AxisKey, ...>` makes
 * the compiler list every table a new axis must be added to (as vega-lite's
 * `Flag<Channel>` records do for channels).
 */
import { optimizerLabel, type SweepConfig } from '../config/types.js';

/** Grid order, outermost first: epochs innermost, so a track's runs are contiguous ids. */
export const AXES = ['start', 'schedule', 'optimizer', 'lr', 'epochs'] as const;
export type AxisKey = (typeof AXES)[number];

export interface AxisDef {
  /** The key in a sweep file. */
  field: string;
  /** The column in results.json, results.csv and results.parquet. */
  column: string;
  /** What a person reads on a chart or a table. */
  label: string;
  /** Numeric axes are drawn on a scale; the others are categories. */
  numeric: boolean;
}

export const AXIS_DEFS = {
  start: { field: 'starts', column: 'start', label: 'start', numeric: true },
  schedule: { field: 'schedule', column: 'schedule', label: 'schedule', numeric: false },
  optimizer: { field: 'optimizer', column: 'optimizer', label: 'optimizer', numeric: false },
  lr: { field: 'learning_rate', column: 'lr', label: 'learning rate', numeric: true },
  epochs: { field: 'epochs', column: 'epochs', label: 'epochs', numeric: true },
} as const satisfies Record<AxisKey, AxisDef>;

/** One value per axis: an index into the axis, or the value itself. */
export type GridPoint<T = number> = Record<AxisKey, T>;

/** The values of each axis as results carry them (optimizers as labels). */
export function axisValues(config: SweepConfig): { [K in AxisKey]: K extends 'schedule' | 'optimizer' ? readonly string[] : readonly number[] } {
  return {
    start: config.starts,
    schedule: config.schedules,
    optimizer: config.optimizers.map(optimizerLabel),
    lr: config.learningRates,
    epochs: config.epochs,
  };
}

/**
 * Run ids are grid positions: id = sum over the axes of index * stride, with
 * the last axis (epochs) varying fastest.
 */
export class Grid {
  readonly lengths: Readonly<GridPoint>;
  readonly strides: Readonly<GridPoint>;
  readonly size: number;

  constructor(lengths: GridPoint) {
    this.lengths = { ...lengths };
    const strides = {} as GridPoint;
    let stride = 1;
    for (let i = AXES.length - 1; i >= 0; i--) {
      const key = AXES[i] as AxisKey;
      strides[key] = stride;
      stride *= lengths[key];
    }
    this.strides = strides;
    this.size = stride;
  }

  static of(config: SweepConfig): Grid {
    const v = axisValues(config);
    const lengths = {} as GridPoint;
    for (const key of AXES) lengths[key] = v[key].length;
    return new Grid(lengths);
  }

  encode(at: Readonly<GridPoint>): number {
    let id = 0;
    for (const key of AXES) id += at[key] * this.strides[key];
    return id;
  }

  /** The index of run `id` along one axis. */
  index(id: number, axis: AxisKey): number {
    return Math.floor(id / this.strides[axis]) % this.lengths[axis];
  }

  decode(id: number): GridPoint {
    const at = {} as GridPoint;
    for (const key of AXES) at[key] = this.index(id, key);
    return at;
  }

  /** The axes with more than one value, in grid order. */
  varying(): AxisKey[] {
    return AXES.filter((k) => this.lengths[k] > 1);
  }
}
