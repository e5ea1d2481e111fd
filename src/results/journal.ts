/**
 * The resume journal: an append-only file beside the output folder, one
 * record per finished batch, fsynced per batch. A JSON header line names the
 * plan; each record is a little-endian u32 byte length followed by the raw
 * bytes of the batch's typed arrays, so a resumed run writes exactly the
 * bytes an uninterrupted one would, and a million runs cost no encoding. A
 * torn last record (a kill mid-write) is ignored.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BatchColumns } from './table.js';
import { outputError } from './atomic.js';

export const JOURNAL_FORMAT = 'gdsweep-journal/2';

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

function encode(b: BatchColumns): Buffer {
  const n = b.runId.length;
  const out = Buffer.alloc(4 + n * BYTES_PER_RUN);
  out.writeUInt32LE(n * BYTES_PER_RUN, 0);
  let off = 4;
  for (const [name] of LAYOUT) {
    const a = b[name];
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), off);
    off += a.byteLength;
  }
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

export class Journal {
  private fd: number | null = null;
  readonly path: string;
  private readonly header: JournalHeader;

  constructor(path: string, header: JournalHeader) {
    this.path = path;
    this.header = header;
  }

  /** Batches already finished by an earlier, interrupted run of the same plan. */
  load(): BatchColumns[] {
    if (!existsSync(this.path)) return [];
    const data = readFileSync(this.path);
    const nl = data.indexOf(0x0a);
    if (nl < 0) return [];
    let head: Partial<JournalHeader> | null = null;
    try {
      head = JSON.parse(data.subarray(0, nl).toString('utf8')) as Partial<JournalHeader>;
    } catch {
      head = null;
    }
    if (!head || head.format !== JOURNAL_FORMAT || head.hash !== this.header.hash || head.version !== this.header.version || head.shard !== this.header.shard) {
      // Another plan's journal: it cannot be reused.
      return [];
    }
    const out: BatchColumns[] = [];
    let off = nl + 1;
    while (off + 4 <= data.length) {
      const len = data.readUInt32LE(off);
      if (len % BYTES_PER_RUN !== 0 || off + 4 + len > data.length) break; // torn last record
      out.push(decode(data.subarray(off + 4, off + 4 + len)));
      off += 4 + len;
    }
    return out;
  }

  /** Start appending; rewrites the file with the batches kept from load(). */
  open(kept: BatchColumns[]): void {
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'w');
      writeSync(this.fd, JSON.stringify(this.header) + '\n');
      for (const b of kept) writeSync(this.fd, encode(b));
      fsyncSync(this.fd);
    } catch (err) {
      throw outputError(this.path, err);
    }
  }

  append(b: BatchColumns): void {
    if (this.fd === null) return;
    try {
      writeSync(this.fd, encode(b));
      fsyncSync(this.fd);
    } catch (err) {
      throw outputError(this.path, err);
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** The run finished and its outputs are in place: the journal has served. */
  remove(): void {
    this.close();
    rmSync(this.path, { force: true });
  }
}
