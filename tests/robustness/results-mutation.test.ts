/**
 * Results files read back are checked before use: random mutations of a
 * valid results.json (a key deleted, a value replaced by null, a string, a
 * number out of range, a row duplicated or swapped, an unknown key, the text
 * cut short or a number made infinite) give either exit 0 with the report of
 * the file as it is (the same report where the mutation changed nothing) or
 * exit 2 with one line naming the file; never exit 70, never a stack.
 * `render` is driven in-process through main() with a captured io, and a few
 * mutations go through the built binary.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { gdsweep, tempDir } from '../helpers/cli.js';
import { SEED, withSeed } from '../helpers/property.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const ORIGINAL_TEXT = readFileSync(join(import.meta.dirname, '../report/fixtures/seed-results.json'), 'utf8');
const ORIGINAL = JSON.parse(ORIGINAL_TEXT) as { [k: string]: Json };
const RUNS = (ORIGINAL.runs as Json[]).length;
const RUN_FIELDS = Object.keys((ORIGINAL.runs as { [k: string]: Json }[])[0] as object);

/** Every path to a value of the header (not inside runs). */
function headerPaths(v: Json, path: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [path];
  if (path[0] === 'runs') return out;
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...headerPaths(x, [...path, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...headerPaths(x, [...path, k]));
  return out;
}
const HEADER_PATHS = headerPaths(ORIGINAL);

type Op =
  | { kind: 'delete' }
  | { kind: 'set'; value: Json }
  | { kind: 'duplicate' }
  | { kind: 'swap'; with: number }
  | { kind: 'addKey'; key: string }
  | { kind: 'text'; at: number; what: 'truncate' | 'infinite' | 'garbage' };

const pathArb: fc.Arbitrary<(string | number)[]> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.nat(RUNS - 1), fc.constantFrom(...RUN_FIELDS)).map(([i, k]) => ['runs', i, k]) },
  { weight: 1, arbitrary: fc.nat(RUNS - 1).map((i) => ['runs', i]) },
  { weight: 4, arbitrary: fc.constantFrom(...HEADER_PATHS) },
);

const valueArb: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.string({ maxLength: 6 }),
  fc.constantFrom('converged', 'slow', 'divergent', 'within-tolerance', 'still-descending', 'oscillating', 'blew-up', 'loss-increased', 'gd', 'momentum', 'constant', 'linear-decay', 'seed', '../x'),
  fc.constantFrom(0, -1, 1, 2, 7, 8, 100, 1000, 1.5, 0.1, 5e-324, 1e-300, 1e308, 2 ** 31, 2 ** 53, 1e15, -0),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.integer({ min: -2, max: 3 }), { maxLength: 3 }),
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Op>({ kind: 'delete' }) },
  { weight: 6, arbitrary: valueArb.map<Op>((value) => ({ kind: 'set', value })) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'duplicate' }) },
  { weight: 1, arbitrary: fc.nat(RUNS - 1).map<Op>((j) => ({ kind: 'swap', with: j })) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 5 }).map<Op>((key) => ({ kind: 'addKey', key })) },
  { weight: 1, arbitrary: fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), what: fc.constantFrom('truncate' as const, 'infinite' as const, 'garbage' as const) }).map<Op>((t) => ({ kind: 'text', ...t })) },
);

/** The mutated file text. */
function mutate(path: (string | number)[], op: Op): string {
  if (op.kind === 'text') {
    const at = Math.floor(op.at * ORIGINAL_TEXT.length);
    if (op.what === 'truncate') return ORIGINAL_TEXT.slice(0, at);
    if (op.what === 'garbage') return ORIGINAL_TEXT.slice(0, at) + '}{' + ORIGINAL_TEXT.slice(at);
    // The first number at or after `at` becomes 1e999, which JSON.parse reads as Infinity.
    const m = /-?\d+(\.\d+)?(e[+-]?\d+)?/.exec(ORIGINAL_TEXT.slice(at));
    return m ? ORIGINAL_TEXT.slice(0, at + m.index) + '1e999' + ORIGINAL_TEXT.slice(at + m.index + m[0].length) : ORIGINAL_TEXT;
  }
  const doc = structuredClone(ORIGINAL) as Json;
  if (path.length === 0) {
    if (op.kind === 'set') return JSON.stringify(op.value);
    if (op.kind === 'delete') return '';
  }
  let parent: Json = doc;
  for (const seg of path.slice(0, -1)) parent = (parent as { [k: string]: Json })[seg as string] as Json;
  const last = path[path.length - 1] as string | number;
  const container = parent as { [k: string]: Json } & Json[];
  const target = path.length ? container[last as string] : doc;
  switch (op.kind) {
    case 'delete':
      if (Array.isArray(container)) container.splice(last as number, 1);
      else delete container[last as string];
      break;
    case 'set':
      container[last as string] = op.value;
      break;
    case 'duplicate':
      if (Array.isArray(target) && target.length) target.push(structuredClone(target[0] as Json));
      else if (Array.isArray(container)) container.push(structuredClone(target as Json));
      break;
    case 'swap':
      if (Array.isArray(container) && typeof last === 'number') {
        const j = op.with % container.length;
        [container[last], container[j]] = [container[j] as Json, container[last] as Json];
      } else if (Array.isArray(target) && target.length > 1) [target[0], target[1]] = [target[1] as Json, target[0] as Json];
      break;
    case 'addKey':
      if (target && typeof target === 'object' && !Array.isArray(target)) target[op.key] = 1;
      else if (container && typeof container === 'object' && !Array.isArray(container)) container[op.key] = 1;
      break;
  }
  return JSON.stringify(doc);
}

interface Outcome {
  code: number;
  out: string;
  err: string;
}

async function render(dir: string): Promise<Outcome> {
  let out = '';
  let err = '';
  const code = await main(['render', dir, '--quiet'], { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

/** What a refusal must look like: exit 2, one line, naming the file, no stack. */
function expectRefusal(r: Outcome, file: string, what: string): void {
  expect(r.code, what).toBe(2);
  expect(r.err.startsWith(`gdsweep: ${file}: `), `${what}\n${r.err}`).toBe(true);
  expect(r.err.endsWith('\n') && r.err.indexOf('\n') === r.err.length - 1, `${what}\n${r.err}`).toBe(true);
  expect(r.err).not.toMatch(/\n\s+at |internal error/);
}

/** Mutations per run (GDSWEEP_MUTATION_RUNS raises it). */
const MUTATIONS = Number(process.env.GDSWEEP_MUTATION_RUNS ?? 100);

const root = tempDir('gdsweep-mutation-');
let n = 0;
let originalPage = '';

function caseDir(text: string): { dir: string; file: string } {
  const dir = join(root, `m${n++}`);
  mkdirSync(dir);
  const file = join(dir, 'results.json');
  writeFileSync(file, text);
  return { dir, file };
}

describe('results files read back', () => {
  beforeAll(async () => {
    const { dir } = caseDir(ORIGINAL_TEXT);
    const r = await render(dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    originalPage = readFileSync(join(dir, 'index.html'), 'utf8');
  });

  it('100 random mutations: exit 0 with the report of the file, or exit 2 naming the file; never 70, never a stack', async () => {
    let accepted = 0;
    let refused = 0;
    let checkedTwice = 0;
    await withSeed(() =>
      fc.assert(
        fc.asyncProperty(pathArb, opArb, async (path, op) => {
          const text = mutate(path, op);
          const { dir, file } = caseDir(text);
          const what = `${op.kind} at ${JSON.stringify(path)}: ${JSON.stringify(op)}`;
          const r = await render(dir);
          expect(r.code, `${what}\n${r.err}`).not.toBe(70);
          if (r.code === 2) {
            refused++;
            expectRefusal(r, file, what);
            expect(existsSync(join(dir, 'index.html'))).toBe(false);
            return;
          }
          accepted++;
          expect(r.code, `${what}\n${r.err}`).toBe(0);
          expect(r.err, what).toBe('');
          const page = readFileSync(join(dir, 'index.html'), 'utf8');
          const doc = JSON.parse(text) as { counts: Record<string, number> };
          const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
          for (const [cls, c] of Object.entries(doc.counts)) expect(summary, what).toContain(`| ${cls} | ${c} |`);
          // A mutation that changed nothing gives the same report, byte for byte.
          if (JSON.stringify(JSON.parse(text)) === JSON.stringify(ORIGINAL)) expect(page, what).toBe(originalPage);
          // Same file, same report.
          if (checkedTwice < 2) {
            checkedTwice++;
            const again = caseDir(text);
            expect((await render(again.dir)).code).toBe(0);
            expect(readFileSync(join(again.dir, 'index.html'), 'utf8'), what).toBe(page);
          }
        }),
        { seed: SEED, numRuns: MUTATIONS },
      ),
    );
    // Both outcomes occur: the mutations are not all fatal, and the checks are not all lenient.
    expect(refused).toBeGreaterThan(MUTATIONS / 2);
    expect(accepted + refused).toBe(MUTATIONS);
  });

  it('a few mutations through the built binary: exit 0 or 2 with one line naming the file', async () => {
    await withSeed(() =>
      fc.assert(
        fc.asyncProperty(pathArb, opArb, async (path, op) => {
          const { dir, file } = caseDir(mutate(path, op));
          const r = gdsweep(['render', dir, '--quiet']);
          const what = `${JSON.stringify(path)} ${JSON.stringify(op)}`;
          expect([0, 2], `${what}\n${r.stderr}`).toContain(r.status);
          if (r.status === 2) expectRefusal({ code: r.status, out: r.stdout, err: r.stderr }, file, what);
          else expect(r.stderr).toBe('');
        }),
        { seed: SEED + 1, numRuns: 6 },
      ),
    );
  });

  it('compare refuses the same files with the same kind of message', () => {
    const { dir, file } = caseDir(ORIGINAL_TEXT.replace('"class":"slow"', '"class":"sluggish"'));
    copyFileSync(join(import.meta.dirname, '../report/fixtures/seed-results.json'), join(root, 'base.json'));
    const c = gdsweep(['compare', join(root, 'base.json'), dir, '--fail-on', 'regression']);
    expect(c.status).toBe(2);
    expect(c.stderr).toBe(`gdsweep: ${file}: runs[4].class: must be one of "converged", "slow", "divergent", got the string "sluggish"\n`);
  });
});
