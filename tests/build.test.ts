/**
 * What scripts/build.mjs bundles into dist/ must behave as the sources do.
 * The build wraps string-width (yargs' help layout) so that printable ASCII
 * is measured by its length without loading it: that holds for every copy
 * installed, and the built binary prints the same help and usage errors as
 * the sources run in process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.js';
import { BIN, ROOT } from './helpers/cli.js';

/** node_modules/string-width and the copies nested in other packages. */
function stringWidthCopies(): string[] {
  const nm = join(ROOT, 'node_modules');
  const found = [join(nm, 'string-width')];
  for (const pkg of readdirSync(nm)) found.push(join(nm, pkg, 'node_modules', 'string-width'));
  return found.filter((d) => existsSync(join(d, 'package.json')));
}

const ASCII = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));

describe('string-width, as the build wraps it', () => {
  it('measures printable ASCII by its length, in every installed copy', async () => {
    const copies = stringWidthCopies();
    expect(copies.length).toBeGreaterThan(0);
    const samples = ['', ...ASCII, ASCII.join(''), '  --max-expr-depth  refuse expressions nested deeper than this  [string] [default: "64"]', '#*0123456789'];
    for (const dir of copies) {
      const { default: stringWidth } = (await import(pathToFileURL(join(dir, 'index.js')).href)) as { default: (s: string) => number };
      for (const s of samples) expect(stringWidth(s), `${dir}: ${JSON.stringify(s)}`).toBe(s.length);
    }
  });
});

describe('the built binary', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** The sources' CLI in this process: what it prints, through io or yargs' console. */
  async function fromSources(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (stdout += `${a.join(' ')}\n`));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (stderr += `${a.join(' ')}\n`));
    const status = await main(argv, { out: (s) => (stdout += s), err: (s) => (stderr += s) });
    vi.restoreAllMocks();
    return { status, stdout, stderr };
  }

  it('prints the help and usage errors the sources print', async () => {
    const cases = [
      ['--help'],
      ...['run', 'plan', 'validate', 'render', 'merge', 'compare', 'schema', 'objectives'].map((c) => [c, '--help']),
      ['run', 'sweeps/seed.yaml', '--worker', '2'],
      ['valdate', 'sweeps/seed.yaml'],
    ];
    for (const argv of cases) {
      const built = spawnSync(process.execPath, [BIN, ...argv], { cwd: ROOT, encoding: 'utf8' });
      const src = await fromSources(argv);
      expect({ status: built.status, stdout: built.stdout, stderr: built.stderr }, argv.join(' ')).toEqual(src);
    }
  });
});
