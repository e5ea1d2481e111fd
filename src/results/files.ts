/**
 * The one way gdsweep creates files and folders: exclusively, never through
 * a symbolic link. Every temporary file, temporary folder, journal and lock
 * is made here with O_CREAT | O_EXCL | O_NOFOLLOW (mkdir, which never
 * follows a link either, for folders), so a link planted at a name the tool
 * writes is refused with a message naming it, never followed. Existing files
 * that are reused (a journal left by an interrupted run) are opened with
 * O_NOFOLLOW and must be regular files owned by this user.
 *
 * It also keeps what this process must clean up if it exits early (a second
 * Ctrl-C calls process.exit): its own temporary folders and its locks. Only
 * paths this process created are ever registered.
 */
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, rmSync, writeSync, type Stats } from 'node:fs';
import { GdsweepError, OutputError, UserError } from '../errors.js';

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;

/** 'wx' plus O_NOFOLLOW: a new file, or an error; never an existing file, never a link's target. */
export const CREATE_NEW = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW;

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EACCES: 'permission denied',
  EROFS: 'read-only file system',
  EPERM: 'operation not permitted',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a path component is not a folder',
  EEXIST: 'already exists',
};

/** A failed write as the one-line output error; a refusal or interruption already is one and passes as it is. */
export function outputError(target: string, err: unknown): GdsweepError {
  if (err instanceof GdsweepError) return err;
  const e = err as NodeJS.ErrnoException;
  const why = e.code ? `${e.code} (${ERRNO_TEXT[e.code] ?? e.message})` : e.message;
  return new OutputError(`cannot write ${target}: ${why}; the previous contents were left as they were`);
}

export function linkRefused(path: string): UserError {
  return new UserError(`${path}: is a symbolic link; gdsweep never writes through links (remove it, or choose another --out)`);
}

export function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Throw the link refusal when `path` is a symbolic link. */
export function refuseLink(path: string): void {
  if (lstatOrNull(path)?.isSymbolicLink()) throw linkRefused(path);
}

/** A failed exclusive open or mkdir: a link there becomes the refusal, anything else stays as it was. */
function refusal(path: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EEXIST' || code === 'ELOOP') {
    try {
      if (lstatOrNull(path)?.isSymbolicLink()) return linkRefused(path);
    } catch {
      // fall through to the original error
    }
  }
  return err;
}

/** Create a new file for writing (O_CREAT | O_EXCL | O_NOFOLLOW); returns its descriptor. */
export function createFile(path: string, mode = 0o666): number {
  try {
    return openSync(path, CREATE_NEW, mode);
  } catch (err) {
    throw refusal(path, err);
  }
}

/** Create a new folder (mkdir fails on anything already there, a link included). */
export function createFolder(path: string): void {
  try {
    mkdirSync(path);
  } catch (err) {
    throw refusal(path, err);
  }
}

function uid(): number | null {
  return typeof process.getuid === 'function' ? process.getuid() : null;
}

/** A regular file owned by this user (what we may reuse or replace)? */
export function isOwnFile(st: Stats): boolean {
  const me = uid();
  return st.isFile() && (me === null || st.uid === me);
}

export function notOwnFile(path: string): UserError {
  return new UserError(`${path}: not a regular file owned by this user; gdsweep will neither use nor replace it (remove it)`);
}

/**
 * Open an existing file with O_NOFOLLOW and check it is a regular file of
 * ours; null when there is none.
 */
export function openOwnFile(path: string, flags: number): { fd: number; stat: Stats } | null {
  let fd: number;
  try {
    fd = openSync(path, flags | O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw refusal(path, err);
  }
  const stat = fstatSync(fd);
  if (!isOwnFile(stat)) {
    closeSync(fd);
    throw notOwnFile(path);
  }
  return { fd, stat };
}

export function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

// ---- what to clean up when the process exits early ----

const ownFolders = new Set<string>();
const exitHooks = new Set<() => void>();
let hooked = false;

function onProcessExit(): void {
  for (const p of ownFolders) {
    try {
      rmSync(p, { recursive: true, force: true });
    } catch {
      // nothing more can be done while exiting
    }
  }
  ownFolders.clear();
  for (const h of exitHooks) {
    try {
      h();
    } catch {
      // as above
    }
  }
  exitHooks.clear();
}

function hook(): void {
  if (!hooked) {
    process.on('exit', onProcessExit);
    hooked = true;
  }
}

/** A temporary folder this process created: removed if the process exits before it is used. */
export function ownTemp(path: string): void {
  hook();
  ownFolders.add(path);
}

export function isOwnTemp(path: string): boolean {
  return ownFolders.has(path);
}

/** The temporary folder was renamed into place: no longer ours to remove. */
export function releaseTemp(path: string): void {
  ownFolders.delete(path);
}

/** Remove a temporary folder this process created. */
export function dropTemp(path: string): void {
  if (!ownFolders.has(path)) return;
  ownFolders.delete(path);
  rmSync(path, { recursive: true, force: true });
}

export function onEarlyExit(fn: () => void): () => void {
  hook();
  exitHooks.add(fn);
  return () => {
    exitHooks.delete(fn);
  };
}
