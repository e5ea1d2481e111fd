/**
 * Outputs are built in a temporary folder beside the target and swapped in
 * with renames, so a reader sees the old folder or the new one, never half
 * of either, and a failure (full disk, Ctrl-C, a crash) leaves the previous
 * output intact. Every file and folder is created through ./files.ts
 * (exclusively, never through a link), and a folder is only ever committed
 * while holding its lock (./lock.ts).
 */
import { closeSync, fsyncSync, mkdirSync, readdirSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { throwIfInterrupted } from '../errors.js';
import { createFile, createFolder, dropTemp, isOwnTemp, lstatOrNull, outputError, ownTemp, refuseLink, releaseTemp, writeAll } from './files.js';
import { acquireLock, pidAlive } from './lock.js';
import { isSystemError } from '../errors.js';

export { outputError } from './files.js';

/**
 * A new file written in pieces and fsynced: for outputs of hundreds of MB.
 * Pieces are encoded into one reused buffer rather than concatenated, which
 * keeps the garbage collector out of the way of a million-row file.
 */
export class ChunkWriter {
  private fd: number | null;
  private readonly buf = Buffer.allocUnsafe(1 << 22);
  private off = 0;

  constructor(path: string) {
    this.fd = createFile(path);
  }

  private flush(): void {
    let done = 0;
    while (done < this.off) done += writeSync(this.fd as number, this.buf, done, this.off - done);
    this.off = 0;
  }

  write(c: string): void {
    // At most 3 bytes per UTF-16 unit: flush first unless it surely fits.
    if (this.off + c.length * 3 > this.buf.length) this.flush();
    if (c.length * 3 > this.buf.length) writeAll(this.fd as number, c);
    else this.off += this.buf.write(c, this.off, 'utf8');
  }

  /** Flush, fsync and close. */
  close(): void {
    if (this.fd === null) return;
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }

  /** Close without flushing (after a failure); a no-op once closed. */
  abandon(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** Write a new file (never an existing one, never through a link) and fsync it. */
export function writeFileDurable(path: string, data: string | Uint8Array): void {
  const fd = createFile(path);
  try {
    writeAll(fd, data);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    // We created it, so it is ours to remove.
    unlinkSync(path);
    throw err;
  }
  closeSync(fd);
}

const KINDS = ['old', 'tmp'] as const;

function asideName(target: string, kind: (typeof KINDS)[number], pid: number): string {
  return join(dirname(target), `.${basename(target)}.${kind}-${pid}`);
}

/**
 * Put back a folder that a crash left renamed aside mid-swap, and remove the
 * temporary folders of runs that are gone (their pid is dead, or is ours but
 * the folder is not). A live process's folders are never touched, nor are
 * links or files under those names. Called holding the folder's lock.
 */
export function recoverFolder(target: string): void {
  const parent = dirname(target);
  const base = basename(target);
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const n of names.sort()) {
    for (const kind of KINDS) {
      const prefix = `.${base}.${kind}-`;
      const rest = n.slice(prefix.length);
      if (!n.startsWith(prefix) || !/^[0-9]+$/.test(rest)) continue;
      const pid = Number(rest);
      const p = join(parent, n);
      if (isOwnTemp(p) || (pid !== process.pid && pidAlive(pid))) continue;
      const st = lstatOrNull(p);
      if (!st?.isDirectory()) continue;
      if (kind === 'old' && lstatOrNull(target) === null) renameSync(p, target);
      else rmSync(p, { recursive: true, force: true });
    }
  }
}

/** An errno failure becomes the one-line output error; anything else (a refusal, an interruption) stays. */
function asOutput(target: string, err: unknown): unknown {
  return isSystemError(err) ? outputError(target, err) : err;
}

export interface CommitOptions {
  /** Aborted by SIGINT/SIGTERM: the fill is abandoned and the previous folder stays. */
  signal?: AbortSignal;
}

/** Fill a fresh temporary folder, then swap it in for `target`. */
export async function commitFolder(target: string, fill: (dir: string) => Promise<void>, opts: CommitOptions = {}): Promise<void> {
  const tmp = asideName(target, 'tmp', process.pid);
  const old = asideName(target, 'old', process.pid);
  throwIfInterrupted(opts.signal);
  try {
    mkdirSync(dirname(target), { recursive: true });
  } catch (err) {
    throw outputError(target, err);
  }
  const lock = acquireLock(target);
  try {
    try {
      refuseLink(target);
      refuseLink(old);
      recoverFolder(target);
      createFolder(tmp);
      ownTemp(tmp);
    } catch (err) {
      throw asOutput(target, err);
    }
    try {
      await fill(tmp);
      throwIfInterrupted(opts.signal);
    } catch (err) {
      dropTemp(tmp);
      throw asOutput(target, err);
    }
    // The swap is synchronous: no signal handler (nor a second Ctrl-C's exit) runs between its steps.
    try {
      refuseLink(target);
      const had = lstatOrNull(target) !== null;
      if (had) renameSync(target, old);
      try {
        renameSync(tmp, target);
      } catch (err) {
        if (had) renameSync(old, target);
        throw err;
      }
      releaseTemp(tmp);
      if (had) {
        try {
          rmSync(old, { recursive: true, force: true });
        } catch {
          // the new folder is in place; a leftover is removed by the next run
        }
      }
    } catch (err) {
      dropTemp(tmp);
      throw asOutput(target, err);
    }
  } finally {
    lock.release();
  }
}
