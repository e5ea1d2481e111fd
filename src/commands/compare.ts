import { statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { compareResults } from '../analysis/compare.js';
import { compareHtml, compareMarkdown } from '../report/compare-page.js';
import { commitFolder, writeFileDurable } from '../results/atomic.js';
import { readResults } from '../results/read.js';
import { resultsLimits, type Io, type LimitFlags } from './common.js';

export interface CompareFlags extends Partial<LimitFlags> {
  'fail-on'?: 'regression' | 'none';
  common: boolean;
  out?: string;
  json: boolean;
  quiet: boolean;
}

/** Sweep names as run accepts them: safe as one path component. */
const SWEEP_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * The folder compare writes inside --out: named after the new sweep, so
 * `--out reports` puts `reports/seed.compare/` beside `reports/seed/`, as
 * run and merge put their folders inside --out. --out itself is never
 * replaced.
 */
export function compareFolder(out: string, nextName: string): string {
  if (!SWEEP_NAME.test(nextName)) throw new UserError(`the new results name their sweep ${JSON.stringify(nextName)}, which is not a sweep name ([a-z0-9][a-z0-9_-]*)`);
  return join(out, `${nextName}.compare`);
}

/** Exit 1 only when asked to fail on a regression and one happened. */
export async function compareCommand(base: string, next: string, flags: CompareFlags, io: Io): Promise<number> {
  const limits = resultsLimits(flags);
  const c = compareResults(readResults(base, limits), readResults(next, limits), { common: flags.common });
  const md = compareMarkdown(c, base, next);
  if (flags.out !== undefined) {
    if (statSync(flags.out, { throwIfNoEntry: false })?.isDirectory() === false) throw new UserError(`${flags.out}: is a file, not a folder (--out names the folder that receives ${c.nextName}.compare/)`);
    const target = compareFolder(flags.out, c.nextName);
    const html = compareHtml(c, base, next);
    await commitFolder(target, async (dir) => {
      writeFileDurable(join(dir, 'compare.md'), md);
      writeFileDurable(join(dir, 'compare.html'), html);
    });
  }
  if (flags.json) {
    io.out(JSON.stringify({ counts: c.counts, common: c.common, onlyBase: c.onlyBase, onlyNew: c.onlyNext, best: c.best, regressed: c.changes.filter((x) => x.change === 'regressed').map((x) => x.key) }, null, 2) + '\n');
  } else if (!flags.quiet) io.out(md);
  return flags['fail-on'] === 'regression' && c.counts.regressed > 0 ? 1 : 0;
}
