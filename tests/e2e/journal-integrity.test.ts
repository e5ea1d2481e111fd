/**
 * A resume journal is read back, not trusted: a damaged record (a flipped
 * byte anywhere) is dropped and its tracks recomputed, so the final files
 * are always those of an uninterrupted run; an old-format journal is
 * discarded cleanly.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/numeric/random.js';
import { gdsweep, tempDir } from '../helpers/cli.js';
import { interruptedRun, RECORD_FRAME, recordOffsets } from '../helpers/journal.js';

const SWEEP = 'tests/fixtures/sweeps/medium.yaml';
const FILES = ['results.json', 'results.csv'] as const;

let whole: string;
let journal: Buffer;

/** A seeded PRNG, so every seed's damage is reproducible. */
const prng = mulberry32;

/** Rerun with `bytes` as the journal left by an interrupted run; the final files must be the uninterrupted bytes. */
function rerunWith(bytes: Buffer): { stdout: string; stderr: string } {
  const out = tempDir('gdsweep-journal-');
  writeFileSync(join(out, '.medium.journal'), bytes);
  const r = gdsweep(['run', SWEEP, '--out', out, '--no-report']);
  expect(r.status, r.stderr).toBe(0);
  for (const f of FILES) expect(readFileSync(join(out, 'medium', f)).equals(readFileSync(join(whole, 'medium', f))), f).toBe(true);
  expect(readdirSync(out)).toEqual(['medium']);
  return r;
}

beforeAll(async () => {
  whole = tempDir('gdsweep-journal-whole-');
  expect(gdsweep(['run', SWEEP, '--out', whole, '--no-report', '--quiet']).status).toBe(0);
  const out = tempDir('gdsweep-journal-left-');
  // Stopped once the journal holds a few batches (told by its size, whatever its format).
  const r = await interruptedRun(out, 'SIGTERM', (j) => existsSync(j) && statSync(j).size > 6000);
  expect(r.code).toBe(143);
  journal = readFileSync(join(out, '.medium.journal'));
});

describe('a damaged journal', () => {
  it('an intact journal resumes without a word about damage', () => {
    const r = rerunWith(journal);
    expect(r.stderr).not.toMatch(/journal:/);
    expect(r.stdout).toMatch(/resumed: \d+ of 400 tracks were already done/);
  });

  it('one flipped byte in a record: that record is dropped and recomputed, the others are used', () => {
    const copy = Buffer.from(journal);
    const offsets = recordOffsets(copy);
    expect(offsets.length).toBeGreaterThanOrEqual(3);
    // A byte of the second record's payload (the values, not the framing).
    const at = (offsets[1] as number) + RECORD_FRAME + 17;
    copy[at] = (copy[at] as number) ^ 0x40;
    const r = rerunWith(copy);
    expect(r.stderr).toMatch(/^gdsweep: medium: journal: 1 damaged record\(s\) dropped, recomputing their tracks \(.*\.medium\.journal\)$/m);
    const m = /resumed: (\d+) of 400 tracks/.exec(r.stdout);
    expect(Number(m?.[1])).toBeGreaterThan(0);
  });

  it('fault injection: for 20 seeds, random bytes of the journal flipped; every rerun gives the uninterrupted bytes and says what it dropped', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rand = prng(seed);
      const copy = Buffer.from(journal);
      const flips = 1 + Math.floor(rand() * 6);
      for (let k = 0; k < flips; k++) {
        const at = Math.floor(rand() * copy.length);
        copy[at] = (copy[at] as number) ^ (1 + Math.floor(rand() * 255));
      }
      const r = rerunWith(copy);
      // Every flip lands in the header (the journal is discarded) or in a record (it is dropped).
      expect(r.stderr, `seed ${seed}`).toMatch(/journal: (\d+ damaged record\(s\) dropped, recomputing their tracks|.* was left by another plan, version or format \(or its header is damaged\); discarded, starting afresh)/);
    }
  });

  it('records with a valid checksum but impossible fields are dropped too (range checks)', () => {
    const offsets = recordOffsets(journal);
    /** Record k, changed by `edit` (its payload and run count), with its checksum made valid again. */
    const forged = (k: number, edit: (payload: Buffer, n: number) => Buffer): Buffer => {
      const off = offsets[k] as number;
      const len = journal.readUInt32LE(off + 4);
      const payload = edit(Buffer.from(journal.subarray(off + RECORD_FRAME, off + RECORD_FRAME + len)), len / 42);
      const frame = Buffer.alloc(RECORD_FRAME);
      frame.write('GDSJ', 0, 'latin1');
      frame.writeUInt32LE(payload.length, 4);
      frame.writeUInt32LE(crc32(payload, crc32(frame.subarray(4, 8))), 8);
      return Buffer.concat([frame, payload]);
    };
    const withRecord = (k: number, rec: Buffer): Buffer => {
      const off = offsets[k] as number;
      const end = off + RECORD_FRAME + journal.readUInt32LE(off + 4);
      return Buffer.concat([journal.subarray(0, off), rec, journal.subarray(end)]);
    };
    // A payload holds its columns one after another: runId, x, grad, loss (f64), convergedAt, divergedAt (i32), klass, reason (u8).
    const WIDTHS = [['runId', 8], ['x', 8], ['grad', 8], ['loss', 8], ['convergedAt', 4], ['divergedAt', 4], ['klass', 1], ['reason', 1]] as const;
    /** Byte offset of run i's `name` in a payload of n runs. */
    const at = (name: (typeof WIDTHS)[number][0], n: number, i: number): number => {
      let off = 0;
      for (const [k, w] of WIDTHS) {
        if (k === name) return off + w * i;
        off += w * n;
      }
      throw new Error(name);
    };
    /** A run of the payload that did not blow up (reason code 3). */
    const calm = (p: Buffer, n: number): number => Array.from({ length: n }, (_, i) => i).find((i) => p.readUInt8(at('reason', n, i)) !== 3) as number;
    const cases: [string, Buffer][] = [
      ['a class code out of range', withRecord(1, forged(1, (p, n) => (p.writeUInt8(7, at('klass', n, 0)), p)))],
      ['a reason of another class', withRecord(1, forged(1, (p, n) => (p.writeUInt8((p.readUInt8(at('klass', n, 0)) + 1) % 3, at('klass', n, 0)), p)))],
      ['convergedAt past the epochs', withRecord(1, forged(1, (p, n) => (p.writeInt32LE(2_000_000_000, at('convergedAt', n, 2)), p)))],
      ['divergedAt on a run that did not blow up', withRecord(1, forged(1, (p, n) => (p.writeInt32LE(5, at('divergedAt', n, calm(p, n))), p)))],
      ['a run id outside the plan', withRecord(1, forged(1, (p, n) => (p.writeDoubleLE(1e9, at('runId', n, 0)), p)))],
      ['a record missing a run of its track', withRecord(1, forged(1, (p, n) => {
        // Keep runs 1..n-1 of every column: the first track is no longer whole.
        const parts: Buffer[] = [];
        let off = 0;
        for (const [, w] of WIDTHS) {
          parts.push(p.subarray(off + w, off + w * n));
          off += w * n;
        }
        return Buffer.concat(parts);
      }))],
      ['a record given twice', Buffer.concat([journal, journal.subarray(offsets[0] as number, offsets[1] as number)])],
    ];
    for (const [what, bytes] of cases) {
      const r = rerunWith(bytes);
      expect(r.stderr, what).toMatch(/journal: 1 damaged record\(s\) dropped, recomputing their tracks/);
    }
  });

  it('a journal of the previous format (gdsweep-journal/2) is discarded cleanly', () => {
    const nl = journal.indexOf(0x0a);
    const head = JSON.parse(journal.subarray(0, nl).toString('utf8')) as Record<string, unknown>;
    // Format 2 had no framing: a u32 length, then the payload.
    const payload = Buffer.alloc(42 * 3, 7);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(payload.length);
    const old = Buffer.concat([Buffer.from(JSON.stringify({ ...head, format: 'gdsweep-journal/2' }) + '\n'), len, payload]);
    const r = rerunWith(old);
    expect(r.stderr).toMatch(/journal: .*\.medium\.journal was left by another plan, version or format \(or its header is damaged\); discarded, starting afresh/);
    expect(r.stdout).not.toMatch(/resumed/);
  });
});
