/**
 * The folders of src/ depend one way (.dependency-cruiser.cjs says which may
 * import which). The checker runs here, so an upward import fails `npm test`;
 * the second test plants one to show the check can fail.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const DEPCRUISE = join(ROOT, 'node_modules/.bin/depcruise');

function cruise(cwd: string): { status: number; out: string } {
  const r = spawnSync(DEPCRUISE, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function copyOfTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gdsweep-deps-'));
  for (const f of ['src', 'tsconfig.json', '.dependency-cruiser.cjs', 'package.json']) cpSync(join(ROOT, f), join(dir, f), { recursive: true });
  return dir;
}

describe('dependency direction', () => {
  it('src/ has no cycle and no upward import', () => {
    const r = cruise(ROOT);
    expect(r.out).toContain('no dependency violations found');
    expect(r.status).toBe(0);
  });

  it('fails on a planted upward import (config -> report) and on a cycle', () => {
    const dir = copyOfTree();
    appendFileSync(join(dir, 'src/config/types.ts'), "\nexport { fmt as planted } from '../report/html.js';\n");
    const up = cruise(dir);
    expect(up.status).not.toBe(0);
    expect(up.out).toMatch(/config-imports: src\/config\/types\.ts → src\/report\/html\.ts/);

    const cyc = copyOfTree();
    appendFileSync(join(cyc, 'src/format/numbers.ts'), "\nexport { ExitCode as planted } from '../errors.js';\n");
    appendFileSync(join(cyc, 'src/errors.ts'), "\nexport { sig6 as planted } from './format/numbers.js';\n");
    const c = cruise(cyc);
    expect(c.status).not.toBe(0);
    expect(c.out).toMatch(/no-circular/);
  });
});
