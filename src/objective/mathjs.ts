/**
 * mathjs, only the part gdsweep uses: parse, derivative and simplify, made
 * by mathjs's own `create()` from their factories. The full bundle makes
 * every function mathjs has at every start of the CLI (about 0.1 s of CPU);
 * this instance makes parse's dependencies when the module loads, and
 * derivative's and simplify's on their first call, so `validate` of a sweep
 * that gives f' never pays for simplify. Bundled by scripts/build.mjs, dist/
 * holds only these factories' modules.
 *
 * Same library, same version, same functions, but for two parts no caller
 * uses, as nothing evaluates units or indexes:
 *   - no Unit: SymbolNode only consults it to evaluate an unknown name;
 *   - `subset`, which AccessorNode and AssignmentNode call when evaluated
 *     (`a[1]`, `a.b`), is a stub that throws.
 * simplify() folds constants by calling functions by name, so every name a
 * tree given to it may hold is here: each operator parse() makes (but `to`,
 * a unit conversion), with the lazy forms the full instance uses for
 * and/or/&/|/??, and each function compile.ts compiles (a tree passes the
 * grammar or toJs() before it is simplified), with pi and e.
 * tests/objective/mathjs.test.ts checks it against the full bundle.
 */
import {
  create,
  factory,
  parseDependencies,
  derivativeDependencies,
  simplifyDependencies,
  // Operators, as parse() names them.
  addDependencies,
  subtractDependencies,
  multiplyDependencies,
  divideDependencies,
  modDependencies,
  powDependencies,
  unaryMinusDependencies,
  unaryPlusDependencies,
  factorialDependencies,
  ctransposeDependencies,
  dotMultiplyDependencies,
  dotDivideDependencies,
  dotPowDependencies,
  equalDependencies,
  unequalDependencies,
  smallerDependencies,
  largerDependencies,
  smallerEqDependencies,
  largerEqDependencies,
  leftShiftDependencies,
  rightArithShiftDependencies,
  rightLogShiftDependencies,
  bitAndDependencies,
  bitOrDependencies,
  bitXorDependencies,
  bitNotDependencies,
  andDependencies,
  orDependencies,
  xorDependencies,
  notDependencies,
  nullishDependencies,
  // Their lazy forms (the right-hand side is evaluated only when needed), which
  // simplify() calls in their place, as the full instance does.
  andTransformDependencies,
  orTransformDependencies,
  bitAndTransformDependencies,
  bitOrTransformDependencies,
  nullishTransformDependencies,
  // Functions compile.ts compiles (the grammar's and those derivative() writes).
  sinDependencies,
  cosDependencies,
  tanDependencies,
  expDependencies,
  logDependencies,
  sqrtDependencies,
  absDependencies,
  tanhDependencies,
  sinhDependencies,
  coshDependencies,
  signDependencies,
  secDependencies,
  cscDependencies,
  cotDependencies,
  sechDependencies,
  cschDependencies,
  cothDependencies,
  // The grammar's constants.
  piDependencies,
  eDependencies,
  type FactoryFunctionMap,
  type MathJsInstance,
} from 'mathjs';
import type * as MathJs from 'mathjs';

// Exported by mathjs 15 (lib/esm/entry/dependenciesAny.generated.js) but missing from its types.
declare module 'mathjs' {
  export const bitAndTransformDependencies: FactoryFunctionMap;
  export const bitOrTransformDependencies: FactoryFunctionMap;
  export const nullishTransformDependencies: FactoryFunctionMap;
}

const WANTED = {
  parseDependencies,
  derivativeDependencies,
  simplifyDependencies,
  addDependencies,
  subtractDependencies,
  multiplyDependencies,
  divideDependencies,
  modDependencies,
  powDependencies,
  unaryMinusDependencies,
  unaryPlusDependencies,
  factorialDependencies,
  ctransposeDependencies,
  dotMultiplyDependencies,
  dotDivideDependencies,
  dotPowDependencies,
  equalDependencies,
  unequalDependencies,
  smallerDependencies,
  largerDependencies,
  smallerEqDependencies,
  largerEqDependencies,
  leftShiftDependencies,
  rightArithShiftDependencies,
  rightLogShiftDependencies,
  bitAndDependencies,
  bitOrDependencies,
  bitXorDependencies,
  bitNotDependencies,
  andDependencies,
  orDependencies,
  xorDependencies,
  notDependencies,
  nullishDependencies,
  andTransformDependencies,
  orTransformDependencies,
  bitAndTransformDependencies,
  bitOrTransformDependencies,
  nullishTransformDependencies,
  sinDependencies,
  cosDependencies,
  tanDependencies,
  expDependencies,
  logDependencies,
  sqrtDependencies,
  absDependencies,
  tanhDependencies,
  sinhDependencies,
  coshDependencies,
  signDependencies,
  secDependencies,
  cscDependencies,
  cotDependencies,
  sechDependencies,
  cschDependencies,
  cothDependencies,
  piDependencies,
  eDependencies,
};

/** Factories left out (see above); `subset` is replaced by a stub. */
const LEFT_OUT = new Set(['Unit', 'subset']);

/** What a mathjs factory function carries besides being callable. */
type Factory = MathJs.FactoryFunction<unknown> & { fn?: unknown };

/**
 * The factories of the dependency maps, each once. The maps nest and share
 * (every one holds typed's), so objects already seen are skipped.
 */
function factories(maps: Record<string, FactoryFunctionMap | undefined>): Factory[] {
  const found = new Set<Factory>();
  const seen = new Set<object>();
  const walk = (m: FactoryFunctionMap) => {
    if (seen.has(m)) return;
    seen.add(m);
    for (const v of Object.values(m)) {
      if (typeof v === 'function') {
        const f = v as Factory;
        if (!LEFT_OUT.has(String(f.fn))) found.add(f);
      } else walk(v);
    }
  };
  for (const [name, m] of Object.entries(maps)) {
    // A name this version of mathjs does not export: fail here, not with a subtly different simplify().
    if (m === undefined) throw new Error(`mathjs has no ${name}`);
    walk(m);
  }
  return [...found];
}

const subsetStub = factory('subset', [], () => {
  return function subset(): never {
    throw new Error('gdsweep builds mathjs without subset: expressions are parsed and derived, never evaluated');
  };
});

// create() makes each function on first access, with what it depends on.
const math: MathJsInstance = create(Object.fromEntries([...factories(WANTED), subsetStub].map((f, i) => [`f${i}`, f])));

export const parse: typeof MathJs.parse = math.parse;
export const derivative = ((...args: Parameters<typeof MathJs.derivative>) => math.derivative(...args)) as typeof MathJs.derivative;
export const simplify = ((...args: Parameters<typeof MathJs.simplify>) => math.simplify(...args)) as typeof MathJs.simplify;
export type { MathNode } from 'mathjs';
