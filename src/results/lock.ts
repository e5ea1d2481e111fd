/**
 * One writer per output folder: `<parent>/.<name>.lock`, created with
 * O_CREAT | O_EXCL | O_NOFOLLOW and holding `{"pid":…,"host":…}`. A second
 * run finds it and stops (exit 1) naming the other run; a lock whose pid is
 * dead on this host is stale and taken over. The lock covers the folder, its
 * temporary and set-aside names and the resume journal. Held locks are
 * re-entrant within a process (run, then the folder swap, take the same
 * lock) and released when the process exits, however it exits short of a
 * kill.
 */
import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { OutputError, UserError } from '../errors.js';
import { createFile, linkRefused, lstatOrNull, onEarlyExit, outputError, writeAll } from './files.js';

export function lockPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.lock`);
}

interface Held {
  count: number;
  ino: number;
  dropHook: () => void;
}

const held = new Map<string, Held>();

export interface FolderLock {
  readonly path: string;
  release(): void;
}

interface Owner {
  pid: number;
  host: string;
  ino: number;
}

/** Is `pid` a live process on this host? */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the lock at `path`: 'gone' if it vanished, null if it cannot be read as a lock. */
function readOwner(path: string): Owner | null | 'gone' {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'gone';
    if (code === 'ELOOP') throw linkRefused(path);
    throw outputError(path, err);
  }
  let text: string;
  let ino: number;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UserError(`${path}: not a regular file; gdsweep will neither use nor replace it (remove it)`);
    ino = st.ino;
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  try {
    const v = JSON.parse(text) as { pid?: unknown; host?: unknown };
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.host === 'string') return { pid: v.pid, host: v.host, ino };
  } catch {
    // unreadable: see below
  }
  return null;
}

/** Left by a run that is gone: same host, and its pid is dead or is ours (we do not hold it, so a namesake did). */
function stale(owner: Owner, host: string): boolean {
  return owner.host === host && (owner.pid === process.pid || !pidAlive(owner.pid));
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Move a stale lock out of the way, making sure it is the one we judged
 * stale (same inode): if another run replaced it meanwhile, put that back.
 */
function breakStale(path: string, owner: Owner): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else broke it
    throw err;
  }
  const st = lstatOrNull(aside);
  if (st && st.ino !== owner.ino) {
    // A fresh lock of another run: give it back.
    renameSync(aside, path);
    return;
  }
  unlinkSync(aside);
}

/** Take the lock of output folder `target`, or throw naming the run that holds it. */
export function acquireLock(target: string): FolderLock {
  const path = lockPath(target);
  const mine = held.get(path);
  if (mine) {
    mine.count++;
    return handle(path);
  }
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (err) {
    throw outputError(target, err);
  }
  const host = hostname();
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number | null = null;
    try {
      fd = createFile(path, 0o644);
      writeAll(fd, JSON.stringify({ pid: process.pid, host }) + '\n');
      const ino = fstatSync(fd).ino;
      closeSync(fd);
      fd = null;
      const dropHook = onEarlyExit(() => unlinkIfOurs(path, ino));
      held.set(path, { count: 1, ino, dropHook });
      return handle(path);
    } catch (err) {
      if (fd !== null) {
        closeSync(fd);
        unlinkSync(path);
      }
      if (err instanceof UserError) throw err;
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw outputError(path, err);
    }
    const owner = readOwner(path);
    if (owner === 'gone') continue;
    if (owner === null) {
      // Being written this instant, or garbage: look again shortly.
      sleepMs(50);
      const again = readOwner(path);
      if (again === 'gone') continue;
      if (again === null) {
        throw new OutputError(`${target}: its lock ${path} is unreadable; remove it if no other gdsweep run is writing there`);
      }
      if (stale(again, host)) {
        breakStale(path, again);
        continue;
      }
      throw busy(target, path, again);
    }
    if (stale(owner, host)) {
      breakStale(path, owner);
      continue;
    }
    throw busy(target, path, owner);
  }
  throw new OutputError(`${target}: could not take its lock ${path}; another gdsweep run keeps taking it`);
}

function busy(target: string, path: string, owner: Owner): OutputError {
  return new OutputError(
    `${target} is being written by another gdsweep run (pid ${owner.pid} on ${owner.host}); nothing was changed. ` +
      `Wait for it to finish, or remove ${path} if that run is gone`,
  );
}

function unlinkIfOurs(path: string, ino: number): void {
  const st = lstatOrNull(path);
  if (st && st.ino === ino && !st.isSymbolicLink()) unlinkSync(path);
}

function handle(path: string): FolderLock {
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      const h = held.get(path);
      if (!h) return;
      if (--h.count > 0) return;
      held.delete(path);
      h.dropHook();
      try {
        unlinkIfOurs(path, h.ino);
      } catch {
        // a lock we cannot remove is stale once we exit
      }
    },
  };
}
