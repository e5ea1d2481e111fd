/**
 * Named numeric parameters of registry entries (schedules, optimizers), and
 * the labels that name an entry with its parameters in results files and run
 * selectors: `momentum(beta=0.5)`, the bare name when every parameter has its
 * default. The registries (./schedules.ts, ./optimizers.ts) sit below config,
 * plan and engine: this folder imports nothing of the app.
 */
import type { z } from 'zod';

export interface ParamDef {
  /** One value, with the sweep file's messages (`must be in [0, 1)`). */
  schema: z.ZodType<number, number>;
  default: number;
  /** What it is, for the README and the JSON Schema. */
  doc: string;
}

export type ParamDefs = Readonly<Record<string, ParamDef>>;

/** Values of every declared parameter. */
export type ParamValues<P extends ParamDefs> = { readonly [K in keyof P]: number };

/** What every registry entry has. */
export interface RegistryEntry {
  params: ParamDefs;
  doc: string;
}

/** A registry entry's parameters by value, read from a spec object (`{kind: 'momentum', beta: 0.5}`); a missing one takes its default. */
export function paramsOf(defs: ParamDefs, spec: Readonly<Record<string, unknown>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, d] of Object.entries(defs)) {
    const v = spec[k];
    out[k] = typeof v === 'number' ? v : d.default;
  }
  return out;
}

/** `name`, or `name(k=v,...)` with the parameters that differ from their defaults, in declaration order. */
export function formatLabel(name: string, defs: ParamDefs, values: Readonly<Record<string, number>>): string {
  const parts: string[] = [];
  for (const [k, d] of Object.entries(defs)) {
    const v = values[k] ?? d.default;
    if (v !== d.default) parts.push(`${k}=${v}`);
  }
  return parts.length ? `${name}(${parts.join(',')})` : name;
}

/**
 * The entry name and parameter values of a label, or null when the name is
 * not in the registry, a key is unknown or repeated, or a value is not a
 * valid value of its parameter.
 */
export function parseLabel<R extends Readonly<Record<string, RegistryEntry>>>(
  registry: R,
  label: string,
): { name: keyof R & string; values: Record<string, number> } | null {
  const open = label.indexOf('(');
  const name = open < 0 ? label : label.slice(0, open);
  if (!Object.hasOwn(registry, name)) return null;
  const defs = (registry[name] as RegistryEntry).params;
  const given: Record<string, number> = {};
  if (open >= 0) {
    if (!label.endsWith(')')) return null;
    const inner = label.slice(open + 1, -1);
    for (const part of inner === '' ? [] : inner.split(',')) {
      const eq = part.indexOf('=');
      const k = part.slice(0, eq);
      const text = part.slice(eq + 1);
      if (eq <= 0 || !Object.hasOwn(defs, k) || Object.hasOwn(given, k) || text.trim() !== text || text === '') return null;
      const v = Number(text);
      if (!(defs[k] as ParamDef).schema.safeParse(v).success) return null;
      given[k] = v;
    }
  }
  return { name, values: paramsOf(defs, given) };
}

/** A number as a JS literal in generated code (-0 kept). */
export function jsNumber(v: number): string {
  return Object.is(v, -0) ? '(-0)' : `(${String(v)})`;
}

/**
 * The values a sweep file's parameter mapping stands for: each parameter a
 * value or a list of values (absent: its default); the product, the first
 * declared parameter outermost. `index` gives each value's position in its
 * parameter's list (0 for a single value), for messages.
 */
export function expandParams(
  defs: ParamDefs,
  given: Readonly<Record<string, number | readonly number[] | undefined>>,
): { values: Record<string, number>; index: Record<string, number> }[] {
  let out: { values: Record<string, number>; index: Record<string, number> }[] = [{ values: {}, index: {} }];
  for (const [k, d] of Object.entries(defs)) {
    const g = given[k];
    const list: readonly number[] = g === undefined ? [d.default] : typeof g === 'number' ? [g] : g;
    out = out.flatMap((o) => list.map((v, i) => ({ values: { ...o.values, [k]: v }, index: { ...o.index, [k]: i } })));
  }
  return out;
}

/** How many values expandParams gives, without expanding. */
export function expandedCount(given: Readonly<Record<string, number | readonly number[] | undefined>>): number {
  let n = 1;
  for (const g of Object.values(given)) if (Array.isArray(g)) n *= g.length;
  return n;
}
