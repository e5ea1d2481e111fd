/**
 * The loader and the objective stay in modules small enough to read: no
 * source file of src/config or src/objective over 400 lines, and no function
 * over 60 lines unless a `// long: <reason>` comment on the line above says
 * why it is better whole.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 60;

const files = ['src/config', 'src/objective'].flatMap((dir) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `${dir}/${f}`),
);

/** Functions over the limit with no reason given, as "file:line: name (N lines)". */
function longFunctions(file: string, text: string): string[] {
  const lines = text.split('\n');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const reason = /^\s*\/\/ long: \S/.test(lines[first - 1] ?? '');
      if (last - first + 1 > MAX_FUNCTION_LINES && !reason) {
        const name = 'name' in node && node.name ? (node.name as ts.Node).getText(sf) : '(anonymous)';
        found.push(`${file}:${first + 1}: ${name} (${last - first + 1} lines)`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('src/config and src/objective', () => {
  it('have files to check', () => {
    expect(files).toContain('src/config/load.ts');
    expect(files).toContain('src/objective/compile.ts');
  });

  it.each(files)(`%s is at most ${MAX_FILE_LINES} lines`, (file) => {
    // Lines as wc -l counts them.
    expect(readFileSync(join(ROOT, file), 'utf8').split('\n').length - 1).toBeLessThanOrEqual(MAX_FILE_LINES);
  });

  it.each(files)(`%s has no function over ${MAX_FUNCTION_LINES} lines without a reason`, (file) => {
    expect(longFunctions(file, readFileSync(join(ROOT, file), 'utf8'))).toEqual([]);
  });

  it('the check finds a long function, and takes a reason for one', () => {
    const body = Array.from({ length: 60 }, (_, i) => `  const a${i} = ${i};`).join('\n');
    const big = `function big() {\n${body}\n}\n`;
    expect(longFunctions('x.ts', `const x = 1;\n${big}`)).toEqual(['x.ts:2: big (62 lines)']);
    expect(longFunctions('x.ts', `// long: one table, row by row\n${big}`)).toEqual([]);
    expect(longFunctions('x.ts', `const f = () => {\n${body}\n};\n`)).toEqual(['x.ts:1: (anonymous) (62 lines)']);
  });
});
