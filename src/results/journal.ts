/**
 * The resume journal: an append-only file beside the output folder, one
 * record per finished batch, fsynced per batch. A JSON header line names the
 * plan; each record is
 *
 *   u32 magic "GDSJ" | u32 byte length | u32 CRC-32 of (length, payload) | payload
 *
 * (little-endian), the payload being the raw bytes of the batch's typed
 * arrays, so a resumed run writes exactly the bytes an uninterrupted one
 * would, and a million runs cost no encoding.
 *
 * Nothing read back is trusted: a record is kept only when its checksum
 * holds and every field is in range for the plan (run ids of whole tracks
 * this run owns, each once; class and reason codes that agree; convergedAt
 * and divergedAt within the run's epochs; the classification rules' own
 * conditions on grad and x). Anything else (a flipped byte, a torn last
 * record) is dropped, counted, and its tracks are recomputed; the reader
 * resynchronises on the next record's magic. A header of another plan,
 * version or format discards the whole file.
 *
 * The file is only ever created exclusively (never through a link): a new
 * journal with O_CREAT | O_EXCL | O_NOFOLLOW, a cleaned one written aside
 * the same way and renamed over the old. An intact journal left by an
 * interrupted run is reopened for append with O_NOFOLLOW after checking it
 * is a regular file owned by this user and the very file that was read.
 */
import { closeSync, constants, fstatSync, fsyncSync, mkdirSync, readFileSync, readSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { CLASS_CODE, CLASSES, REASON_CODE, REASONS, type Reason } from '../engine/classify.js';
import type { Plan, Track } from '../plan/plan.js';
import type { BatchColumns } from './table.js';
import { isSystemError } from '../errors.js';
import { createFile, isOwnFile, linkRefused, lstatOrNull, notOwnFile, openOwnFile, outputError, writeAll } from './files.js';

export const JOURNAL_FORMAT = 'gdsweep-journal/3';

export interface JournalHeader {
  format: typeof JOURNAL_FORMAT;
  hash: string;
  version: string;
  shard: string | null;
}

/** Columns in record order, widest first so every view stays aligned. */
const LAYOUT = [
  ['runId', Float64Array],
  ['x', Float64Array],
  ['grad', Float64Array],
  ['loss', Float64Array],
  ['convergedAt', Int32Array],
  ['divergedAt', Int32Array],
  ['klass', Uint8Array],
  ['reason', Uint8Array],
] as const;

/** Bytes per run in a record. */
const BYTES_PER_RUN = LAYOUT.reduce((a, [, C]) => a + C.BYTES_PER_ELEMENT, 0);

/** "GDSJ" read as a little-endian u32. */
const MAGIC = 0x4a534447;
const MAGIC_BYTES = Buffer.from('GDSJ', 'latin1');
/** magic, length, checksum */
const FRAME = 12;

function checksum(record: Uint8Array, payloadLength: number): number {
  // The length field and the payload: a flipped length is caught like a flipped value.
  return crc32(record.subarray(FRAME, FRAME + payloadLength), crc32(record.subarray(4, 8)));
}

export function encodeRecord(b: BatchColumns): Buffer {
  const n = b.runId.length;
  const len = n * BYTES_PER_RUN;
  const out = Buffer.alloc(FRAME + len);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(len, 4);
  let off = FRAME;
  for (const [name] of LAYOUT) {
    const a = b[name];
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), off);
    off += a.byteLength;
  }
  out.writeUInt32LE(checksum(out, len), 8);
  return out;
}

function decode(bytes: Uint8Array): BatchColumns {
  const n = bytes.length / BYTES_PER_RUN;
  // A fresh, aligned copy for the typed-array views.
  const own = new Uint8Array(bytes.length);
  own.set(bytes);
  const cols: Partial<Record<(typeof LAYOUT)[number][0], ArrayBufferView>> = {};
  let off = 0;
  for (const [name, C] of LAYOUT) {
    cols[name] = new C(own.buffer, off, n);
    off += n * C.BYTES_PER_ELEMENT;
  }
  return cols as BatchColumns;
}

/** The payload of a well-framed record at `off` whose checksum holds, or null. */
function frameAt(data: Buffer, off: number): { payload: Buffer; end: number } | null {
  if (off + FRAME > data.length || data.readUInt32LE(off) !== MAGIC) return null;
  const len = data.readUInt32LE(off + 4);
  if (len === 0 || len % BYTES_PER_RUN !== 0 || off + FRAME + len > data.length) return null;
  const rec = data.subarray(off, off + FRAME + len);
  if (data.readUInt32LE(off + 8) !== checksum(rec, len)) return null;
  return { payload: rec.subarray(FRAME), end: off + FRAME + len };
}

const CLASS_OF_REASON: readonly number[] = REASONS.map((r: Reason) => {
  switch (r) {
    case 'within-tolerance':
      return CLASS_CODE.converged;
    case 'still-descending':
    case 'oscillating':
      return CLASS_CODE.slow;
    case 'blew-up':
    case 'loss-increased':
      return CLASS_CODE.divergent;
  }
});

/** What a record may hold: the runs of the tracks this run owns, as the engine and classify can produce them. */
export class RecordCheck {
  private readonly runCount: number;
  private readonly epochs: readonly number[];
  private readonly tolerance: number;
  private readonly bound: number;
  private readonly tracks: readonly Track[];
  /** Per run: its track's position in `tracks`, or -1 when the run is not this run's to hold. */
  private trackOfRun: Int32Array | null = null;
  /** Runs already taken from earlier records. */
  private readonly seen: Uint8Array;

  constructor(plan: Plan, tracks: readonly Track[]) {
    this.runCount = plan.runCount;
    this.epochs = plan.config.epochs;
    this.tolerance = plan.config.tolerance;
    this.bound = plan.config.bound;
    this.tracks = tracks;
    this.seen = new Uint8Array(plan.runCount);
  }

  private map(): Int32Array {
    if (!this.trackOfRun) {
      const m = new Int32Array(this.runCount).fill(-1);
      this.tracks.forEach((t, k) => {
        for (let r = 0; r < t.epochIdx.length; r++) m[t.firstRun + r] = k;
      });
      this.trackOfRun = m;
    }
    return this.trackOfRun;
  }

  /** Accept the record (and remember its runs), or reject it. */
  accept(b: BatchColumns): boolean {
    const trackOfRun = this.map();
    const P = this.epochs.length;
    const within = REASON_CODE['within-tolerance'];
    const blewUp = REASON_CODE['blew-up'];
    const runsPerTrack = new Map<number, number>();
    const ids = new Set<number>();
    for (let i = 0; i < b.runId.length; i++) {
      const id = b.runId[i] as number;
      if (!Number.isInteger(id) || id < 0 || id >= this.runCount || ids.has(id) || this.seen[id]) return false;
      ids.add(id);
      const t = trackOfRun[id] as number;
      if (t < 0) return false;
      runsPerTrack.set(t, (runsPerTrack.get(t) ?? 0) + 1);
      const reason = b.reason[i] as number;
      const klass = b.klass[i] as number;
      if (reason >= REASONS.length || klass >= CLASSES.length || CLASS_OF_REASON[reason] !== klass) return false;
      const E = this.epochs[id % P] as number;
      const c = b.convergedAt[i] as number;
      const d = b.divergedAt[i] as number;
      const grad = b.grad[i] as number;
      const x = b.x[i] as number;
      const small = Math.abs(grad) <= this.tolerance;
      if (reason === within ? !(c >= 0 && c <= E && small) : c !== -1) return false;
      if (reason === blewUp) {
        if (!(d >= 0 && d <= E)) return false;
      } else {
        // Not blown up: every iterate was finite and within the bound, and (rule 2) converged when |f'| was small.
        if (d !== -1 || !Number.isFinite(x) || Math.abs(x) > this.bound) return false;
        if (reason !== within && small) return false;
      }
    }
    for (const [t, n] of runsPerTrack) if (n !== (this.tracks[t] as Track).epochIdx.length) return false; // whole tracks only
    for (const id of ids) this.seen[id] = 1;
    return true;
  }
}

export interface JournalLoad {
  batches: BatchColumns[];
  /** Records dropped: failed checksum or range checks, or torn. */
  damaged: number;
  /** A journal was there but of another plan, version or format (or its header was damaged): discarded. */
  discarded: boolean;
}

export class Journal {
  private fd: number | null = null;
  /** Inode of the file read by load() / written by open(). */
  private ino: number | null = null;
  /** After load(): create a new file, append to the intact one, or replace it with the records kept. */
  private mode: 'create' | 'append' | 'replace' = 'create';
  readonly path: string;
  private readonly header: JournalHeader;

  constructor(path: string, header: JournalHeader) {
    this.path = path;
    this.header = header;
  }

  /** Batches already finished by an earlier, interrupted run of the same plan, checked against it. */
  load(plan: Plan, tracks: readonly Track[]): JournalLoad {
    this.mode = 'create';
    const none: JournalLoad = { batches: [], damaged: 0, discarded: false };
    const f = openOwnFile(this.path, constants.O_RDONLY);
    if (!f) return none;
    let data: Buffer;
    try {
      data = readFileSync(f.fd);
    } finally {
      closeSync(f.fd);
    }
    this.ino = f.stat.ino;
    this.mode = 'replace';
    const nl = data.indexOf(0x0a);
    let head: Partial<JournalHeader> | null = null;
    try {
      head = nl < 0 ? null : (JSON.parse(data.subarray(0, nl).toString('utf8')) as Partial<JournalHeader>);
    } catch {
      head = null;
    }
    if (!head || head.format !== JOURNAL_FORMAT || head.hash !== this.header.hash || head.version !== this.header.version || head.shard !== this.header.shard) {
      return { ...none, discarded: data.length > 0 };
    }
    const check = new RecordCheck(plan, tracks);
    const batches: BatchColumns[] = [];
    let damaged = 0;
    let inDamage = false;
    let off = nl + 1;
    while (off < data.length) {
      const frame = frameAt(data, off);
      if (frame) {
        if (inDamage) damaged++;
        inDamage = false;
        const cols = decode(frame.payload);
        if (check.accept(cols)) batches.push(cols);
        else damaged++;
        off = frame.end;
        continue;
      }
      // Damaged framing: look for the next record.
      inDamage = true;
      off = data.indexOf(MAGIC_BYTES, off + 1);
      if (off < 0) break;
    }
    if (inDamage) damaged++;
    if (damaged === 0) this.mode = 'append';
    return { batches, damaged, discarded: false };
  }

  /** Start appending: to the intact journal load() read, or to a new one holding `kept`. */
  open(kept: BatchColumns[]): void {
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      if (this.mode === 'append') {
        const f = openOwnFile(this.path, constants.O_WRONLY | constants.O_APPEND);
        if (f && f.stat.ino === this.ino) {
          this.fd = f.fd;
          return;
        }
        if (f) closeSync(f.fd);
        this.mode = 'replace';
      }
      if (this.mode === 'create') {
        this.fd = createFile(this.path, 0o600);
        writeAll(this.fd, JSON.stringify(this.header) + '\n');
        fsyncSync(this.fd);
      } else {
        this.fd = this.replace(kept);
      }
      this.ino = fstatSync(this.fd).ino;
    } catch (err) {
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
      throw isSystemError(err) ? outputError(this.path, err) : err;
    }
  }

  /** Write the header and `kept` into a new file aside, then rename it over the journal. */
  private replace(kept: BatchColumns[]): number {
    const tmp = join(dirname(this.path), `.${basename(this.path).replace(/^\./, '')}.tmp-${process.pid}`);
    // A leftover of a process that had our pid (it is gone: we have its pid now).
    const st = lstatOrNull(tmp);
    if (st && isOwnFile(st)) unlinkSync(tmp);
    const fd = createFile(tmp, 0o600);
    try {
      writeAll(fd, JSON.stringify(this.header) + '\n');
      for (const b of kept) writeAll(fd, encodeRecord(b));
      fsyncSync(fd);
      renameSync(tmp, this.path);
    } catch (err) {
      closeSync(fd);
      unlinkSync(tmp);
      throw err;
    }
    return fd;
  }

  append(b: BatchColumns): void {
    if (this.fd === null) return;
    try {
      writeAll(this.fd, encodeRecord(b));
      fsyncSync(this.fd);
    } catch (err) {
      throw outputError(this.path, err);
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** Remove the journal if it is one of this plan (left by a run stopped after its folder was in place). */
  removeIfServed(): void {
    const f = openOwnFile(this.path, constants.O_RDONLY);
    if (!f) return;
    const head = Buffer.alloc(4096);
    let n: number;
    try {
      n = readSync(f.fd, head, 0, head.length, 0);
    } finally {
      closeSync(f.fd);
    }
    const nl = head.subarray(0, n).indexOf(0x0a);
    if (nl >= 0 && head.subarray(0, nl).toString('utf8') === JSON.stringify(this.header)) {
      this.ino = f.stat.ino;
      this.remove();
    }
  }

  /** The run finished and its outputs are in place: the journal has served. Only our own file is removed. */
  remove(): void {
    this.close();
    const st = lstatOrNull(this.path);
    if (!st) return;
    if (st.isSymbolicLink()) throw linkRefused(this.path);
    if (!isOwnFile(st)) throw notOwnFile(this.path);
    if (this.ino === null || st.ino === this.ino) unlinkSync(this.path);
  }
}
