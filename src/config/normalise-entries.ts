/**
 * The schedule and optimizer axes resolved through their registries
 * (src/registry/): each entry with its parameters (defaults filled in), a
 * parameter list standing for one value per element, and the label each
 * value has in results files. A value listed twice is refused here.
 */
import { expandedCount, expandParams, formatLabel, type RegistryEntry } from '../registry/params.js';
import { formatPath } from './messages.js';
import type { PathSegment, YamlSource } from './yaml-position.js';

/** One value of a registry axis as the file gives it: a name, or `{name: {parameter: value or list}}`. */
export type EntryInput = string | Readonly<Record<string, Readonly<Record<string, number | readonly number[] | undefined>>>>;

/** An entry value of a registry axis, expanded. */
interface AxisEntry {
  name: string;
  values: Record<string, number>;
  /** Where the file writes the entry. */
  path: PathSegment[];
  /** The parameter lists the entry has, and this value's position in each. */
  lists: string[];
  index: Record<string, number>;
}

function entriesOf(raw: EntryInput | readonly EntryInput[] | undefined): { entry: EntryInput; at: number | null }[] {
  if (raw === undefined) return [];
  return typeof raw === 'string' || !Array.isArray(raw) ? [{ entry: raw as EntryInput, at: null }] : raw.map((entry, at) => ({ entry, at }));
}

function nameAndParams(entry: EntryInput): [string, Readonly<Record<string, number | readonly number[] | undefined>>] {
  if (typeof entry === 'string') return [entry, {}];
  const [name, params] = Object.entries(entry)[0] as [string, Readonly<Record<string, number | readonly number[] | undefined>>];
  return [name, params];
}

/**
 * The values of a schedule or optimizer axis: each entry with its parameters,
 * a parameter list standing for one value per element (several lists: their
 * product); the registry's default when the axis is absent. Refuses a value
 * listed twice.
 */
export function expandEntries(
  source: YamlSource,
  path: PathSegment[],
  raw: EntryInput | readonly EntryInput[] | undefined,
  fallback: string,
  registry: Readonly<Record<string, RegistryEntry>>,
): { entries: AxisEntry[]; labels: string[] } {
  const entries: AxisEntry[] = [];
  const given = raw === undefined ? [{ entry: fallback, at: null }] : entriesOf(raw);
  for (const { entry, at } of given) {
    const [name, params] = nameAndParams(entry);
    const entryPath = at === null ? path : [...path, at];
    const lists = Object.keys(params).filter((k) => Array.isArray(params[k]));
    for (const { values, index } of expandParams((registry[name] as RegistryEntry).params, params)) {
      entries.push({ name, values, path: entryPath, lists, index });
    }
  }
  const labels = entries.map((e) => formatLabel(e.name, (registry[e.name] as RegistryEntry).params, e.values));
  const seen = new Map<string, AxisEntry>();
  entries.forEach((e, i) => {
    const l = labels[i] as string;
    const first = seen.get(l);
    if (!first) {
      seen.set(l, e);
      return;
    }
    // Point at the list element that repeats a value: within one entry, the first list whose position differs.
    const list = first.path === e.path ? e.lists.find((k) => first.index[k] !== e.index[k]) : e.lists[0];
    const where = list === undefined ? e.path : [...e.path, e.name, list, e.index[list] as number];
    throw source.error(where, `${formatPath(where)}: '${l}' is listed twice`);
  });
  return { entries, labels };
}

/** How many values a schedule or optimizer axis gives, without expanding it. */
export function entryCount(raw: EntryInput | readonly EntryInput[] | undefined): number {
  if (raw === undefined) return 1;
  return entriesOf(raw).reduce((n, { entry }) => n + expandedCount(nameAndParams(entry)[1]), 0);
}

