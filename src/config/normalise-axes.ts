/**
 * The numeric axes expanded as NumPy does: a number or a list as written;
 * linspace, geomspace and range as numpy.linspace, numpy.geomspace and
 * numpy.arange (src/numeric/numpy.ts); random starts drawn from the domain's
 * grid. What a generator cannot give (too many values, a geometric sequence
 * through zero, a range with no values, values past float64) is refused here,
 * at the generator.
 */
import { arange, arangeLength, geomspace, linspace, roundHalfEven } from '../numeric/numpy.js';
import { randomStarts } from '../numeric/random.js';
import type { LoadLimits } from './limits.js';
import { formatPath } from './messages.js';
import type { SweepFile } from './schema.js';
import type { PathSegment, YamlSource } from './yaml-position.js';

export type AxisValue = SweepFile['learning_rate'];

export interface Axis {
  values: number[];
  /** The generator's name when the axis was not a list: linspace, geomspace or range. */
  generator: 'linspace' | 'geomspace' | 'range' | null;
}

export function expandAxis(source: YamlSource, path: PathSegment[], axis: AxisValue, limits: LoadLimits): Axis {
  const name = formatPath(path);
  if (typeof axis === 'number') return { values: [axis], generator: null };
  if (Array.isArray(axis)) return { values: axis, generator: null };
  const tooMany = (n: number, gen: string) =>
    source.error([...path, gen], `${name}.${gen}: gives ${Number.isFinite(n) ? n : 'too many'} values, more than ${limits.maxAxisValues} (raise it with --max-runs)`);
  let axisOut: Axis;
  if ('linspace' in axis) {
    const { from, to, num } = axis.linspace;
    if (num > limits.maxAxisValues) throw tooMany(num, 'linspace');
    axisOut = { values: linspace(from, to, num), generator: 'linspace' };
  } else if ('geomspace' in axis) {
    const { from, to, num } = axis.geomspace;
    const at = (k: 'from' | 'to') => [...path, 'geomspace', k];
    if (from === 0 || to === 0) {
      const k = from === 0 ? 'from' : 'to';
      throw source.error(at(k), `${name}.geomspace.${k}: must not be 0 (a geometric sequence cannot include zero)`);
    }
    if (Math.sign(from) !== Math.sign(to)) {
      throw source.error(at('to'), `${name}.geomspace.to: must have the same sign as from (a geometric sequence cannot cross zero), got from ${from}, to ${to}`);
    }
    if (num > limits.maxAxisValues) throw tooMany(num, 'geomspace');
    axisOut = { values: geomspace(from, to, num), generator: 'geomspace' };
  } else {
    const { from, to, step } = axis.range;
    if (step === 0) throw source.error([...path, 'range', 'step'], `${name}.range.step: must not be 0`);
    const len = arangeLength(from, to, step);
    if (len === 0) {
      throw source.error(
        [...path, 'range', 'step'],
        `${name}.range: from ${from} to ${to} by ${step} gives no values ('to' is excluded, and step must point from 'from' towards 'to')`,
      );
    }
    if (len > limits.maxAxisValues) throw tooMany(len, 'range');
    axisOut = { values: arange(from, to, step), generator: 'range' };
  }
  // Ends far enough apart overflow float64 (NumPy gives inf and nan there too).
  const bad = axisOut.values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw source.error([...path, axisOut.generator as string], `${name}.${axisOut.generator}: value [${bad}] is ${axisOut.values[bad]}: from and to are too far apart to compute in float64`);
  }
  return axisOut;
}

/** How many values an axis gives, without expanding it (0 where it gives none, which expandAxis explains). */
export function axisLength(axis: AxisValue | SweepFile['starts']): number {
  if (typeof axis === 'number') return 1;
  if (Array.isArray(axis)) return axis.length;
  if ('linspace' in axis) return axis.linspace.num;
  if ('geomspace' in axis) return axis.geomspace.num;
  if ('random' in axis) return axis.random.count;
  const { from, to, step } = axis.range;
  return step === 0 ? 0 : arangeLength(from, to, step);
}

/**
 * The starts: drawn from the domain's grid (rules.ts has checked that there
 * is a domain and that the grid holds the count), or the axis expanded.
 */
export function expandStarts(source: YamlSource, starts: SweepFile['starts'], domain: [number, number] | null, limits: LoadLimits): number[] {
  if (typeof starts === 'object' && !Array.isArray(starts) && 'random' in starts) {
    const { count, seed } = starts.random;
    return randomStarts(domain as [number, number], count, seed);
  }
  return expandAxis(source, ['starts'], starts as AxisValue, limits).values;
}

/** The epochs axis: generated values rounded as numpy.round does (rules.ts checks that each is a whole number of epochs). */
export interface EpochAxis extends Axis {
  /** The values as the sweep runs them: rounded half to even where generated, as written where listed. */
  rounded: number[];
}

export function expandEpochs(source: YamlSource, epochs: AxisValue, limits: LoadLimits): EpochAxis {
  const axis = expandAxis(source, ['epochs'], epochs, limits);
  // numpy.round for generated values; `+ 0` turns its -0 into 0.
  return { ...axis, rounded: axis.values.map((e) => (axis.generator ? roundHalfEven(e) + 0 : e)) };
}
