/**
 * The objective resolved: a builtin looked up (its formula and domain), an
 * expression and a given derivative parsed in the grammar (an error points
 * at the offending character), a derivative's candidates derived
 * symbolically. Which candidate the sweep runs with is settled once the
 * starts are known, against f at the starts and across the domain.
 */
import { findBuiltin, BUILTINS } from '../objective/builtins.js';
import { checkRange, samplePoints } from '../objective/check.js';
import { ExpressionError, type GrammarLimits, parseExpression } from '../objective/grammar.js';
import { chooseDerivative, derivativeCandidates, DerivativeError, expressionFunction } from '../objective/objective.js';
import { didYouMean, formatPath } from './messages.js';
import type { SweepFile } from './schema.js';
import type { PathSegment, YamlSource } from './yaml-position.js';

export interface ResolvedObjective {
  /** The builtin's name when the sweep used `builtin:`. */
  builtin: string | null;
  expr: string;
  /** objective.derivative as given, else null (settled from the candidates). */
  derivative: string | null;
  /** A derived derivative's candidates, best first (simplified, raw). */
  candidates: string[];
  domain: [number, number] | null;
}

function checkExpression(source: YamlSource, path: PathSegment[], expr: string, limits: GrammarLimits): void {
  try {
    parseExpression(expr, limits);
  } catch (err) {
    if (err instanceof ExpressionError) {
      throw source.error(path, `${formatPath(path)}: ${err.message}`, { valueOffset: Math.min(err.offset, expr.length) });
    }
    throw err;
  }
}

function resolveBuiltin(source: YamlSource, name: string, domain: [number, number] | null): ResolvedObjective {
  const b = findBuiltin(name);
  if (!b) {
    const names = BUILTINS.map((x) => x.name);
    const guess = didYouMean(name, names);
    const hint = guess ? `did you mean ${guess}?` : `expected one of ${names.join(', ')}`;
    throw source.error(['objective', 'builtin'], `objective.builtin: unknown objective '${name}' (${hint})`);
  }
  return { builtin: b.name, expr: b.expr, derivative: null, candidates: derivativeCandidates(parseExpression(b.expr)), domain: domain ?? b.domain };
}

function resolveExpression(source: YamlSource, expr: string, derivative: string | undefined, domain: [number, number] | null, limits: GrammarLimits): ResolvedObjective {
  checkExpression(source, ['objective', 'expr'], expr, limits);
  if (derivative !== undefined) {
    checkExpression(source, ['objective', 'derivative'], derivative, limits);
    return { builtin: null, expr, derivative, candidates: [], domain };
  }
  try {
    return { builtin: null, expr, derivative: null, candidates: derivativeCandidates(parseExpression(expr, limits)), domain };
  } catch (err) {
    if (err instanceof DerivativeError) throw source.error(['objective', 'expr'], `objective.expr: ${err.message}`);
    throw err;
  }
}

export function resolveObjective(source: YamlSource, objective: SweepFile['objective'], limits: GrammarLimits): ResolvedObjective {
  const domain = objective.domain ?? null;
  if ('builtin' in objective) return resolveBuiltin(source, objective.builtin, domain);
  return resolveExpression(source, objective.expr, objective.derivative, domain, limits);
}

/** Starts among the derivative's check points, at most this many. */
const CHECKED_STARTS = 16;

/** Where a derivative is checked against f: across the domain (or around the starts), and at some starts. */
export function derivativeCheckPoints(domain: [number, number] | null, starts: readonly number[]): number[] {
  const step = Math.max(1, Math.ceil(starts.length / CHECKED_STARTS));
  return samplePoints(checkRange(domain, starts), starts.filter((_, i) => i % step === 0));
}

/**
 * The derivative the sweep runs with: the given one (rules.ts has checked
 * it against f), else the first candidate that agrees with f at the check
 * points.
 */
export function settleDerivative(source: YamlSource, objective: ResolvedObjective, starts: readonly number[], limits: GrammarLimits): string {
  if (objective.derivative !== null) return objective.derivative;
  const f = expressionFunction(objective.expr, limits);
  try {
    return chooseDerivative(f, objective.candidates, derivativeCheckPoints(objective.domain, starts), { maxLength: Infinity, maxDepth: Infinity });
  } catch (err) {
    if (err instanceof DerivativeError) {
      const at = objective.builtin !== null ? ['objective', 'builtin'] : ['objective', 'expr'];
      throw source.error(at, `${at.join('.')}: ${err.message}`);
    }
    throw err;
  }
}
