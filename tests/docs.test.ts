/** The project's own documentation: every relative link in README.md and docs/ leads to a file that exists. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

describe('documentation', () => {
  it('docs/ has the sweep file, classification, outputs and command line pages, linked from the README', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const page of ['docs/sweep-file.md', 'docs/classification.md', 'docs/outputs.md', 'docs/cli.md']) {
      expect(existsSync(join(ROOT, page)), page).toBe(true);
      expect(readme).toContain(`(${page})`);
    }
    expect(readme).not.toMatch(/SPEC/);
  });

  it.each(pages)('%s: every relative link resolves', (page) => {
    const text = readFileSync(join(ROOT, page), 'utf8');
    for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
      const target = m[1] as string;
      if (/^[a-z]+:/.test(target)) continue;
      expect(existsSync(join(ROOT, dirname(page), target)), `${page} -> ${target}`).toBe(true);
    }
  });
});
