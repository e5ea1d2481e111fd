import { join } from 'node:path';
import { compareResults } from '../analysis/compare.js';
import { compareHtml, compareMarkdown } from '../report/compare-page.js';
import { commitFolder, writeFileDurable } from '../results/atomic.js';
import { readResults } from '../results/read.js';
import type { Io } from './common.js';

export interface CompareFlags {
  'fail-on'?: 'regression' | 'none';
  common: boolean;
  out?: string;
  json: boolean;
  quiet: boolean;
}

/** Exit 1 only when asked to fail on a regression and one happened. */
export async function compareCommand(base: string, next: string, flags: CompareFlags, io: Io): Promise<number> {
  const c = compareResults(readResults(base), readResults(next), { common: flags.common });
  const md = compareMarkdown(c, base, next);
  if (flags.out) {
    const html = compareHtml(c, base, next);
    await commitFolder(flags.out, async (dir) => {
      writeFileDurable(join(dir, 'compare.md'), md);
      writeFileDurable(join(dir, 'compare.html'), html);
    });
  }
  if (flags.json) {
    io.out(JSON.stringify({ counts: c.counts, common: c.common, onlyBase: c.onlyBase, onlyNew: c.onlyNext, best: c.best, regressed: c.changes.filter((x) => x.change === 'regressed').map((x) => x.key) }, null, 2) + '\n');
  } else if (!flags.quiet) io.out(md);
  return flags['fail-on'] === 'regression' && c.counts.regressed > 0 ? 1 : 0;
}
