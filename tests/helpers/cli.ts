/** Run the built binary as a user would, and capture what it says. */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'dist/bin.js');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function gdsweep(args: string[], opts: SpawnSyncOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000, ...opts, env: { ...process.env, CI: 'true', ...(opts.env ?? {}) } });
  return { status: r.status ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

export function tempDir(prefix = 'gdsweep-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
