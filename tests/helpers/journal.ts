/** Resume journals as the tests see them, and runs interrupted by a signal. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT } from './cli.js';

/** Bytes before each record's payload: u32 magic, u32 length, u32 checksum. */
export const RECORD_FRAME = 12;

/** Offsets of the finished batches in a journal file. */
export function journalRecordOffsets(path: string): number[] {
  return existsSync(path) ? recordOffsets(readFileSync(path)) : [];
}

/** Offsets of the records in a journal's bytes: a header line, then framed records. */
export function recordOffsets(data: Buffer): number[] {
  let off = data.indexOf(0x0a) + 1;
  if (off === 0) return [];
  const out: number[] = [];
  while (off + RECORD_FRAME <= data.length) {
    const len = data.readUInt32LE(off + 4);
    if (off + RECORD_FRAME + len > data.length) break;
    out.push(off);
    off += RECORD_FRAME + len;
  }
  return out;
}

export function journalRecords(path: string): number {
  return journalRecordOffsets(path).length;
}

/**
 * Start a slowed-down run of `sweep` (its name is the file's) and send `signal`
 * once the journal holds `batches` finished batches (or once `batches`, a test
 * of the journal's path, says so).
 */
export function interruptedRun(
  out: string,
  signal: 'SIGINT' | 'SIGTERM',
  batches: number | ((journal: string) => boolean),
  sweep = 'tests/fixtures/sweeps/medium.yaml',
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'run', sweep, '--out', out, '--no-report', '--workers', '2'], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true', GDSWEEP_TEST_DELAY_MS: '150' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const name = /([^/]+)\.yaml$/.exec(sweep)?.[1] ?? '';
    const journal = join(out, `.${name}.journal`);
    const timer = setInterval(() => {
      if (typeof batches === 'number' ? journalRecords(journal) >= batches : batches(journal)) {
        clearInterval(timer);
        child.kill(signal);
      }
    }, 20);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ code, stderr });
    });
  });
}
