/**
 * Read a YAML file keeping positions, so that every later error can name
 * file:line:col. Size, encoding, syntax and alias limits are enforced here,
 * before anything else looks at the data.
 */
import { readFileSync, statSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { SweepConfigError } from '../errors.js';

export interface ReadLimits {
  maxFileBytes: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = { maxFileBytes: 1024 * 1024 };

export type PathSegment = string | number;

export class YamlSource {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  private readonly lines: LineCounter;

  constructor(file: string, text: string, doc: Document.Parsed, lines: LineCounter) {
    this.file = file;
    this.text = text;
    this.doc = doc;
    this.lines = lines;
  }

  /** 1-based line and column of a character offset. */
  at(offset: number): { line: number; col: number } {
    const pos = this.lines.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { line: pos.line, col: pos.col };
  }

  /** The node at `path`, or the deepest node on the way there. */
  nodeAt(path: readonly PathSegment[], wantKey = false): Node | null {
    let node: unknown = this.doc.contents;
    let last: Node | null = (node as Node | null) ?? null;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === seg);
        if (!pair) return last;
        if (wantKey && i === path.length - 1) return pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
      } else {
        return last;
      }
      if (node && typeof node === 'object' && 'range' in node) last = node as Node;
      else return last;
    }
    return last;
  }

  /** An error located at the node for `path`, plus a character offset into a scalar's value. */
  error(path: readonly PathSegment[], detail: string, opts: { key?: boolean; valueOffset?: number } = {}): SweepConfigError {
    const node = this.nodeAt(path, opts.key ?? false);
    let offset = node?.range?.[0] ?? 0;
    if (opts.valueOffset !== undefined && node && isScalar(node) && typeof node.value === 'string' && node.range) {
      // A quoted scalar's value begins one character after its quote.
      const first = this.text[node.range[0]];
      offset = node.range[0] + (first === '"' || first === "'" ? 1 : 0) + opts.valueOffset;
    }
    const { line, col } = this.at(offset);
    return new SweepConfigError(this.file, line, col, detail);
  }
}

function fileError(file: string, text: string, offset: number, detail: string): SweepConfigError {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return new SweepConfigError(file, line, col, detail);
}

export function readYamlSource(file: string, limits: ReadLimits = DEFAULT_READ_LIMITS): { source: YamlSource; data: unknown } {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new SweepConfigError(file, 1, 1, 'not a regular file');
    size = st.size;
  } catch (err) {
    if (err instanceof SweepConfigError) throw err;
    throw new SweepConfigError(file, 1, 1, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (size > limits.maxFileBytes) {
    throw new SweepConfigError(file, 1, 1, `file is ${size} bytes, more than the limit of ${limits.maxFileBytes} (raise it with --max-file-size)`);
  }
  const bytes = readFileSync(file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Locate the first byte that is not valid UTF-8.
    let ok = 0;
    for (let end = 1; end <= bytes.length; end++) {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
        ok = end;
      } catch {
        if (end - ok > 4) break;
      }
    }
    const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, ok));
    throw fileError(file, prefix, prefix.length, `not valid UTF-8 (byte 0x${(bytes[ok] ?? 0).toString(16).padStart(2, '0')} at offset ${ok}); sweep files are UTF-8 text`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true, stringKeys: false });
  const source = new YamlSource(file, text, doc, lines);
  const first = doc.errors[0];
  if (first) {
    const { line, col } = source.at(first.pos[0]);
    const msg = first.message.split('\n')[0]?.replace(/ at line \d+, column \d+.*$/, '') ?? 'YAML syntax error';
    throw new SweepConfigError(file, line, col, `YAML: ${msg}`);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    let aliasAt = 0;
    visit(doc, {
      Alias(_, node) {
        aliasAt = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const { line, col } = source.at(aliasAt);
    throw new SweepConfigError(file, line, col, `YAML: ${(err as Error).message} (aliases expand to too much data)`);
  }
  return { source, data };
}
