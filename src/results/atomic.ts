/**
 * Outputs are built in a temporary folder beside the target and swapped in
 * with renames, so a reader sees the old folder or the new one, never half
 * of either, and a failure (full disk, Ctrl-C, a crash) leaves the previous
 * output intact.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OutputError } from '../errors.js';


const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EACCES: 'permission denied',
  EROFS: 'read-only file system',
  EPERM: 'operation not permitted',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a path component is not a folder',
};

export function outputError(target: string, err: unknown): OutputError {
  const e = err as NodeJS.ErrnoException;
  const why = e.code ? `${e.code} (${ERRNO_TEXT[e.code] ?? e.message})` : e.message;
  return new OutputError(`cannot write ${target}: ${why}; the previous contents were left as they were`);
}

/**
 * A file written in pieces and fsynced: for outputs of hundreds of MB. Pieces
 * are encoded into one reused buffer rather than concatenated, which keeps
 * the garbage collector out of the way of a million-row file.
 */
export class ChunkWriter {
  private fd: number | null;
  private readonly buf = Buffer.allocUnsafe(1 << 22);
  private off = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  private flush(): void {
    let done = 0;
    while (done < this.off) done += writeSync(this.fd as number, this.buf, done, this.off - done);
    this.off = 0;
  }

  write(c: string): void {
    // At most 3 bytes per UTF-16 unit: flush first unless it surely fits.
    if (this.off + c.length * 3 > this.buf.length) this.flush();
    if (c.length * 3 > this.buf.length) writeSync(this.fd as number, c);
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

export function writeFileDurable(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    if (typeof data === 'string') writeSync(fd, data);
    else {
      let off = 0;
      while (off < data.length) off += writeSync(fd, data, off);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Put back a folder that a crash left renamed aside mid-swap. */
export async function recoverFolder(target: string): Promise<void> {
  const parent = dirname(target);
  const base = basename(target);
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  for (const n of names.sort()) {
    if (n.startsWith(`.${base}.old-`) && !(await exists(target))) {
      await rename(join(parent, n), target).catch(() => undefined);
    } else if (n.startsWith(`.${base}.tmp-`) || n.startsWith(`.${base}.old-`)) {
      await rm(join(parent, n), { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

/** Fill a fresh temporary folder, then swap it in for `target`. */
export async function commitFolder(target: string, fill: (dir: string) => Promise<void>): Promise<void> {
  const parent = dirname(target);
  const base = basename(target);
  const tmp = join(parent, `.${base}.tmp-${process.pid}`);
  const old = join(parent, `.${base}.old-${process.pid}`);
  try {
    await mkdir(parent, { recursive: true });
    await recoverFolder(target);
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp);
  } catch (err) {
    throw outputError(target, err);
  }
  try {
    await fill(tmp);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    if ((err as NodeJS.ErrnoException).code) throw outputError(target, err);
    throw err;
  }
  try {
    const had = await exists(target);
    if (had) await rename(target, old);
    await rename(tmp, target);
    if (had) await rm(old, { recursive: true, force: true });
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    await recoverFolder(target);
    throw outputError(target, err);
  }
}
