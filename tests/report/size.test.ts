/**
 * The report's sources stay readable: no file in src/report/ over
 * MAX_FILE_LINES lines, and no function over MAX_FUNCTION_LINES lines unless
 * the comment just above it gives the reason on a line of its own starting
 * `Long:` (for instance "Long: one table of thirty columns, read top to
 * bottom").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';

const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 60;
const REPORT = join(ROOT, 'src/report');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    return d.isDirectory() ? sources(p) : d.name.endsWith('.ts') ? [p] : [];
  });
}

function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** The statement or member a function is declared by (its comment sits above that). */
function holder(node: ts.Node): ts.Node {
  let n = node;
  while (n.parent && !ts.isSourceFile(n.parent) && !ts.isBlock(n.parent) && !ts.isClassDeclaration(n.parent) && !ts.isObjectLiteralExpression(n.parent)) n = n.parent;
  return n;
}

/** Functions longer than MAX_FUNCTION_LINES without a `Long:` reason: "file:line name (n lines)". */
function longFunctions(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > MAX_FUNCTION_LINES) {
        const comments = (ts.getLeadingCommentRanges(text, holder(node).getFullStart()) ?? []).map((c) => text.slice(c.pos, c.end)).join('\n');
        if (!/^[\s/*]*Long: \S/m.test(comments)) {
          const name = ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) ? (node.name?.getText(sf) ?? '(anonymous)') : '(anonymous)';
          out.push(`${relative(ROOT, file)}:${first + 1} ${name} (${lines} lines)`);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

describe('the size of the report sources', () => {
  const files = sources(REPORT);

  it(`has no file over ${MAX_FILE_LINES} lines`, () => {
    expect(files.length).toBeGreaterThan(10);
    const long = files.map((f) => ({ file: relative(ROOT, f), lines: lineCount(readFileSync(f, 'utf8')) })).filter((f) => f.lines > MAX_FILE_LINES);
    expect(long).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines without a reason`, () => {
    expect(files.flatMap(longFunctions)).toEqual([]);
  });

  it('finds a long function, and accepts one whose comment gives the reason', () => {
    const body = Array.from({ length: MAX_FUNCTION_LINES }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const dir = tempDir('gdsweep-size-');
    const probe = (comment: string) => {
      const file = join(dir, `gdsweep-size-probe-${comment ? 'reason' : 'bare'}.ts`);
      ts.sys.writeFile(file, `${comment}export function big(): void {\n${body}\n}\n`);
      return longFunctions(file).length;
    };
    expect(probe('')).toBe(1);
    expect(probe('/**\n * A probe.\n * Long: generated to test the rule.\n */\n')).toBe(0);
  });
});
