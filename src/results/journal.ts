/**
 * The resume journal: an append-only file beside the output folder, one line
 * per finished batch, fsynced per batch. Values are stored as the raw bytes
 * of their typed arrays (base64), so a resumed run writes exactly the bytes
 * an uninterrupted one would. A torn last line (a kill mid-write) is ignored.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BatchColumns } from './table.js';
import { outputError } from './atomic.js';

export const JOURNAL_FORMAT = 'gdsweep-journal/1';

export interface JournalHeader {
  format: typeof JOURNAL_FORMAT;
  hash: string;
  version: string;
  shard: string | null;
}

type Column = keyof BatchColumns;
const COLUMNS: Column[] = ['runId', 'x', 'grad', 'loss', 'convergedAt', 'divergedAt', 'klass', 'reason'];
const CTORS = {
  runId: Float64Array,
  x: Float64Array,
  grad: Float64Array,
  loss: Float64Array,
  convergedAt: Int32Array,
  divergedAt: Int32Array,
  klass: Uint8Array,
  reason: Uint8Array,
} as const;

function encode(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function decode<T extends Column>(col: T, s: string): BatchColumns[T] {
  const buf = Buffer.from(s, 'base64');
  // Copy into a fresh, aligned buffer for the typed array view.
  const bytes = new Uint8Array(buf.length);
  bytes.set(buf);
  const Ctor = CTORS[col];
  return new Ctor(bytes.buffer, 0, bytes.length / Ctor.BYTES_PER_ELEMENT) as BatchColumns[T];
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
    const lines = readFileSync(this.path, 'utf8').split('\n');
    let head: Partial<JournalHeader> | null = null;
    try {
      head = JSON.parse(lines[0] ?? '') as Partial<JournalHeader>;
    } catch {
      head = null;
    }
    if (!head || head.format !== JOURNAL_FORMAT || head.hash !== this.header.hash || head.version !== this.header.version || head.shard !== this.header.shard) {
      // Another plan's journal: it cannot be reused.
      return [];
    }
    const out: BatchColumns[] = [];
    for (const line of lines.slice(1)) {
      if (!line) continue;
      let rec: Record<string, string>;
      try {
        rec = JSON.parse(line) as Record<string, string>;
      } catch {
        break; // torn last line
      }
      const cols = {} as Record<Column, ArrayBufferView>;
      let ok = true;
      for (const c of COLUMNS) {
        const v = rec[c];
        if (typeof v !== 'string') ok = false;
        else cols[c] = decode(c, v);
      }
      if (!ok) break;
      out.push(cols as unknown as BatchColumns);
    }
    return out;
  }

  /** Start appending; rewrites the file with the batches kept from load(). */
  open(kept: BatchColumns[]): void {
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'w');
      writeSync(this.fd, JSON.stringify(this.header) + '\n');
      for (const b of kept) writeSync(this.fd, this.line(b));
      fsyncSync(this.fd);
    } catch (err) {
      throw outputError(this.path, err);
    }
  }

  private line(b: BatchColumns): string {
    const rec: Record<string, string> = {};
    for (const c of COLUMNS) rec[c] = encode(b[c]);
    return JSON.stringify(rec) + '\n';
  }

  append(b: BatchColumns): void {
    if (this.fd === null) return;
    try {
      writeSync(this.fd, this.line(b));
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
